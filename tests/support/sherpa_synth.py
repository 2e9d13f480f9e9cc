"""Tiny sherpa-format model packages for tests, built with onnx.helper.

Each graph is valid ONNX with the file names, input counts and metadata the
real sherpa-onnx packages have (k2-fsa releases), so everything ttscli does
before the engine runs (detection, checks, config wiring, the load probe) is
exercised; the graphs themselves compute nothing useful, and sherpa-onnx
refuses to run them, which is what the error tests rely on.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

ZIPVOICE_SYMBOLS = ["_", " "] + list("abcdefghijklmnopqrstuvwxyzəɪˈˌːʊɛæɑɔʌθðŋʃʒɹɾ.,!?")


def graph(path: Path, inputs: list[str], meta: dict | None = None) -> Path:
    import onnx
    from onnx import TensorProto, helper

    ins = [helper.make_tensor_value_info(n, TensorProto.FLOAT, None) for n in inputs]
    out = helper.make_tensor_value_info("out", TensorProto.FLOAT, None)
    model = helper.make_model(helper.make_graph([helper.make_node("Identity", [inputs[0]], ["out"])], "g", ins, [out]),
                              opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    for key, value in (meta or {}).items():
        entry = model.metadata_props.add()
        entry.key, entry.value = key, str(value)
    path.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(model, str(path))
    return path


def write_wav(path: Path, seconds: float = 1.0, rate: int = 24000) -> Path:
    import soundfile as sf

    path.parent.mkdir(parents=True, exist_ok=True)
    t = np.arange(int(seconds * rate)) / rate
    sf.write(str(path), (0.1 * np.sin(2 * np.pi * 220 * t)).astype(np.float32), rate)
    return path


def pocket(root: Path) -> Path:
    """sherpa-onnx-pocket-tts-int8-2026-01-26 layout (lm_flow takes c, s, t, x; lm_main and the
    Mimi decoder take their inputs plus state tensors)."""
    graph(root / "lm_flow.int8.onnx", ["c", "s", "t", "x"])
    graph(root / "lm_main.int8.onnx", ["seq", "embeddings", "state_0", "state_1"])
    graph(root / "encoder.onnx", ["audio"])
    graph(root / "decoder.int8.onnx", ["latents", "state_0", "state_1"])
    graph(root / "text_conditioner.onnx", ["tokens"])
    (root / "vocab.json").write_text(json.dumps({"<unk>": 0, "▁hello": 1, "▁there": 2}))
    (root / "token_scores.json").write_text(json.dumps({"<unk>": 0.0, "▁hello": -1.0, "▁there": -1.5}))
    write_wav(root / "test_wavs" / "bria.wav")
    write_wav(root / "test_wavs" / "loona.wav")
    return root


def zipvoice(root: Path, *, vocoder_meta: dict | None = None) -> Path:
    """sherpa-onnx-zipvoice-distill-int8-zh-en-emilia layout plus vocos_24khz.onnx."""
    graph(root / "encoder.int8.onnx", ["tokens", "prompt_tokens", "prompt_features_len", "speed"])
    graph(root / "decoder.int8.onnx", ["t", "x", "text_condition", "speech_condition", "guidance_scale"],
          {"sample_rate": 24000, "feat_dim": 100})
    graph(root / "vocos_24khz.onnx", ["mels"],
          {"model_type": "vocos", "sample_rate": 24000} if vocoder_meta is None else vocoder_meta)
    (root / "tokens.txt").write_text(
        "".join(f"{s}\t{i}\n" if s != " " else f"\t{i}\n" for i, s in enumerate(ZIPVOICE_SYMBOLS)), encoding="utf-8")
    write_wav(root / "test_wavs" / "leijun-1.wav")
    write_wav(root / "test_wavs" / "news-female.wav")
    (root / "test_wavs" / "prompt.txt").write_text("leijun-1\tThe weather is lovely today.\n", encoding="utf-8")
    return root


PIPER_TOKENS = {"_": 0, "^": 1, "$": 2, " ": 3, ".": 10, ",": 8, "h": 20, "ə": 59, "l": 24, "ˈ": 120, "o": 27, "ʊ": 100}


def vits(root: Path, meta: dict | None = None, *, tokens: dict[str, int] | None = PIPER_TOKENS) -> Path:
    """A sherpa VITS (Piper) package: model.onnx with sherpa metadata + tokens.txt."""
    base = {"model_type": "vits", "comment": "piper", "language": "English", "voice": "en-us",
            "has_espeak": "1", "n_speakers": "1", "sample_rate": "22050"}
    base.update(meta or {})
    graph(root / "model.onnx", ["input", "input_lengths", "scales"], {k: v for k, v in base.items() if v is not None})
    if tokens is not None:
        (root / "tokens.txt").write_text(
            "".join(f"{s} {i}\n" if s != " " else f"  {i}\n" for s, i in tokens.items()), encoding="utf-8")
    return root
