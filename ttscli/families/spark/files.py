"""Which files of a Spark-TTS model play which role, checked before anything is loaded.

The published repository (SparkAudio/Spark-TTS-0.5B) holds ``BiCodec/config.yaml`` and
``BiCodec/model.safetensors`` (the codec), ``LLM/`` (the Qwen2.5 language model in
transformers format), ``wav2vec2-large-xlsr-53/`` (the codec's feature extractor, for
cloning) and ``config.yaml``. llama.cpp reads the language model as one GGUF file: a
conversion of ``LLM/`` placed in ``LLM/`` or at the top of the directory.

Roles (``ModelRef.info["files"]``, recorded by the store; plain directories are globbed):
``backbone`` (the .gguf), ``bicodec_config`` and ``bicodec_weights``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ...errors import BadInput, IntegrityError, NotFound
from ...models.ref import ModelRef

BICODEC_CONFIG, BICODEC_WEIGHTS = "BiCodec/config.yaml", "BiCodec/model.safetensors"
CONVERT_HINT = ("convert the language model once with llama.cpp: python convert_hf_to_gguf.py MODEL/LLM "
                "--outfile MODEL/LLM/model.gguf, then `ttscli pull MODEL` (see docs/models.md#spark-tts)")
# what each section of BiCodec/config.yaml (audio_tokenizer) must give the decoder
NEEDED = {
    "quantizer": ("input_dim", "codebook_size", "codebook_dim"),
    "speaker_encoder": ("out_dim", "latent_dim", "token_num", "fsq_levels"),
    "prenet": ("input_channels", "vocos_dim", "vocos_intermediate_dim", "vocos_num_layers", "out_channels",
               "condition_dim"),
    "decoder": ("input_channel", "channels", "rates", "kernel_sizes"),
}


@dataclass(frozen=True)
class SparkFiles:
    backbone: Path
    bicodec_weights: Path
    codec: dict  # the audio_tokenizer section, checked


def detect(files: list[str]) -> bool:
    """A listing (top-level names or relative paths) with BiCodec's folder."""
    return any(f.split("/")[0].lower() == "bicodec" for f in files)


def _role(model: ModelRef, role: str) -> Path | None:
    value = (model.info.get("files") or {}).get(role)
    if isinstance(value, list):
        value = value[0] if value else None
    if not value:
        return None
    path = Path(str(value))
    base = model.path if model.path.is_dir() else model.path.parent
    if not path.is_absolute():
        if ".." in path.parts:
            raise BadInput(f"model file {value!r} leaves the model directory")
        path = base / path
    return path if path.is_file() else None


def _backbone(model: ModelRef, base: Path) -> Path:
    found = _role(model, "backbone")
    if found:
        return found
    if model.path.is_file() and model.path.suffix.lower() == ".gguf":
        return model.path
    candidates = sorted(base.glob("*.gguf")) + sorted(base.glob("LLM/*.gguf"))
    if not candidates:
        raise NotFound(f"model {model.id} has no GGUF language model (LLM/*.gguf)", hint=CONVERT_HINT)
    if len(candidates) > 1:
        names = ", ".join(str(p.relative_to(base)) for p in candidates)
        raise BadInput(f"{base} holds several GGUF files ({names})", hint="pass the one to use: --model DIR/FILE.gguf")
    return candidates[0]


def read_codec_config(path: Path) -> dict:
    """The ``audio_tokenizer`` section of BiCodec/config.yaml, with every key the decoder needs."""
    import yaml

    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise IntegrityError(f"{path.name} of BiCodec is unreadable ({str(exc).splitlines()[0][:120]})",
                             hint="remove it and pull the model again") from exc
    codec = data.get("audio_tokenizer") if isinstance(data, dict) else None
    if not isinstance(codec, dict):
        raise IntegrityError(f"{path} has no audio_tokenizer section: it is not BiCodec's config",
                             hint="the BiCodec folder of SparkAudio/Spark-TTS-0.5B holds the right one")
    for section, keys in NEEDED.items():
        values = codec.get(section)
        missing = [k for k in keys if not isinstance(values, dict) or k not in values]
        if missing:
            raise IntegrityError(f"{path}: audio_tokenizer.{section} lacks {', '.join(missing)}",
                                 hint="the BiCodec folder of SparkAudio/Spark-TTS-0.5B holds the right config")
    rate = (codec.get("mel_params") or {}).get("sample_rate", 16000)
    if rate != 16000 or len(codec["decoder"]["rates"]) != len(codec["decoder"]["kernel_sizes"]):
        raise IntegrityError(f"{path}: a BiCodec decoder of {rate} Hz with rates {codec['decoder']['rates']} "
                             "is not the 16 kHz codec Spark-TTS speaks through")
    return codec


def check_safetensors(path: Path) -> None:
    """A clear error for a missing, truncated or foreign weights file (its header is read, no tensor)."""
    try:
        with open(path, "rb") as fh:
            size = int.from_bytes(fh.read(8), "little")
            if not 2 <= size <= 100_000_000:
                raise ValueError("bad header size")
            header = json.loads(fh.read(size))
        if not isinstance(header, dict) or not any(k.startswith("decoder.") for k in header):
            raise ValueError("no decoder tensors")
        end = max((v["data_offsets"][1] for k, v in header.items() if k != "__metadata__"), default=0)
        if path.stat().st_size < 8 + size + end:
            raise ValueError("the file is truncated")
    except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:
        raise IntegrityError(f"{path.name} is not BiCodec's weights ({exc})",
                             hint="remove it and pull the model again") from exc


def codec_files(model: ModelRef) -> tuple[Path, Path, dict]:
    """BiCodec's config and weights of ``model``, checked, and the config's audio_tokenizer section."""
    base = _base(model)
    config = _role(model, "bicodec_config") or (base / BICODEC_CONFIG)
    weights = _role(model, "bicodec_weights") or (base / BICODEC_WEIGHTS)
    for path, what in ((config, BICODEC_CONFIG), (weights, BICODEC_WEIGHTS)):
        if not path.is_file():
            raise NotFound(f"model {model.id} has no {what}",
                           hint="a Spark-TTS model directory holds the BiCodec folder of SparkAudio/Spark-TTS-0.5B")
    codec = read_codec_config(config)
    check_safetensors(weights)
    return config, weights, codec


def _base(model: ModelRef) -> Path:
    base = model.path if model.path.is_dir() else model.path.parent
    if base.name.lower() == "llm" and not (base / "BiCodec").is_dir():
        base = base.parent  # --model DIR/LLM/model.gguf
    return base


def resolve(model: ModelRef) -> SparkFiles:
    """The backbone and codec files of ``model``, every one checked (exit 7 when malformed)."""
    from ...runtime.llama import check_gguf

    _config, weights, codec = codec_files(model)
    backbone = _backbone(model, _base(model))
    check_gguf(backbone)
    return SparkFiles(backbone, weights, codec)


def doctor() -> list[str]:
    """Installed Spark-TTS models that llama.cpp cannot run yet (no GGUF language model)."""
    from ...errors import TtsError
    from ...models import resolve as model_resolve

    fixes = []
    for ref in {r.id: r for r in model_resolve.installed().values() if r.family == "spark"}.values():
        try:
            _backbone(ref, _base(ref))
        except TtsError as exc:
            fixes.append(f"{ref.id}: {exc.one_line()}")
    return fixes


def facts(root: Path, roles: dict[str, str]) -> dict:
    """What an imported Spark-TTS directory says about its model, for `list`, `show` and the server."""
    return {"sample_rate": 16000, "languages": ["en-US", "zh-CN"], "voices": ["female", "male"]}
