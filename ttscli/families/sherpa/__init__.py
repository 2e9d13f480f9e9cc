"""sherpa-onnx model packages (VITS, Matcha, Kokoro, Kitten, ZipVoice, Pocket) on sherpa-onnx."""

from ...backends.registry import FamilySpec, RuntimeOption
from ...backends.encoders import EncoderSpec

FAMILY = FamilySpec(
    name="sherpa",
    options="ttscli.families.sherpa.frontend:SherpaOptions",
    runs_on=(RuntimeOption("sherpa-onnx", "ttscli.families.sherpa.backend:load", extra="sherpa"),),
    detect="ttscli.families.sherpa.layout:detect",
    files="tokens.txt beside its .onnx files",
    detect_files={"tokens": "tokens.txt", "model": "model*.onnx"},
    # the roles each sherpa config class reads (a catalog entry's `kind` picks one)
    kind_roles={"vits": ("model", "tokens"), "matcha": ("acoustic_model", "vocoder", "tokens"),
                "kokoro": ("model", "voices", "tokens"), "kitten": ("model", "voices", "tokens"),
                "zipvoice": ("encoder", "decoder", "vocoder", "tokens"),
                "pocket": ("lm_flow", "lm_main", "encoder", "decoder", "text_conditioner", "vocab_json",
                           "token_scores_json")},
    profile="ttscli.families.sherpa.backend:text_profile",
    # Zero-shot packages read the processed reference audio itself (Pocket TTS encodes it in the
    # engine; ZipVoice also needs its transcript): rate, length and transcript need come from
    # the model (reference.adapt), which refuses packages with fixed speakers.
    clone=EncoderSpec(family="sherpa", version="sherpa-reference-1", sample_rate=24000, max_seconds=30.0,
                      needs_transcript=False, encode="ttscli.families.sherpa.reference:encode",
                      requires=("sherpa_onnx",), extras=("sherpa",), runtime="sherpa-onnx",
                      adapt="ttscli.families.sherpa.reference:adapt"),
    description="sherpa-onnx model packages: VITS (Piper, MeloTTS), Matcha, Kokoro, Kitten, "
                "ZipVoice and Pocket TTS (zero-shot cloning)",
    code_license="Apache-2.0 (k2-fsa/sherpa-onnx); MIT (ttscli implementation)",
)
