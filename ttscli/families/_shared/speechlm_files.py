"""Which files of a GGUF speech model play which role.

Contract with the model store: ``ModelRef.path`` is the model directory and
``ModelRef.info["files"]`` maps a role to a file path (absolute, as the store
records it: the codec decoder comes from another repository) or a path or glob
relative to the model directory, or a list of them:

* ``backbone``: the GGUF language model (exactly one file);
* ``codec_decoder``: the ONNX codec decoder (NeuCodec or SNAC);
* ``samples`` (optional): reference voices, ``NAME.pt`` or ``NAME.npy`` codes
  with ``NAME.txt`` transcripts beside them.

Plain directories (``--model ./dir``, or a path to the .gguf itself) work
without ``info``: the roles are found by globbing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ...errors import BadInput, NotFound
from ...models.ref import ModelRef


@dataclass(frozen=True)
class ModelFiles:
    backbone: Path
    decoder: Path
    samples: tuple[Path, ...] = ()


def _patterns(value) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else [str(v) for v in value]


def _glob(base: Path, pattern: str) -> list[Path]:
    if Path(pattern).is_absolute():  # recorded by the store: a file it verified
        return [Path(pattern)] if Path(pattern).is_file() else []
    rel = PurePosixPath(pattern)
    if ".." in rel.parts:
        raise BadInput(f"model file pattern {pattern!r} leaves the model directory")
    if not any(ch in pattern for ch in "*?["):
        return [base / pattern] if (base / pattern).exists() else []
    return sorted(p for p in base.glob(pattern) if p.is_file())


def _find(base: Path, patterns: list[str]) -> list[Path]:
    found: list[Path] = []
    for pattern in patterns:
        found += [p for p in _glob(base, pattern) if p not in found]
    return found


def _one(found: list[Path], role: str, base: Path, model: ModelRef, hint: str) -> Path:
    if not found:
        raise NotFound(f"model {model.id} has no {role} in {base}", hint=hint)
    return found[0]


def resolve_files(model: ModelRef, *, family: str, decoder_words: tuple[str, ...], decoder_hint: str) -> ModelFiles:
    """The backbone, codec decoder and sample voices of ``model``."""
    roles = dict(model.info.get("files") or {})
    base = model.path if model.path.is_dir() else model.path.parent
    if "backbone" in roles:
        backbones = _find(base, _patterns(roles["backbone"]))
    elif model.path.is_file() and model.path.suffix.lower() == ".gguf":
        backbones = [model.path]
    else:
        backbones = _find(base, ["*.gguf"])
        if len(backbones) > 1:
            names = ", ".join(p.name for p in backbones)
            raise BadInput(f"{base} holds several GGUF files ({names})",
                           hint="pass the one to use: --model DIR/FILE.gguf")
    backbone = _one(backbones, "GGUF backbone (.gguf)", base, model,
                    f"a {family} model directory needs its .gguf file")
    if "codec_decoder" in roles:
        decoders = _find(base, _patterns(roles["codec_decoder"]))
    else:
        candidates = [p for p in _find(base, ["*.onnx", "*/*.onnx"]) if "encoder" not in p.name.lower()]
        # Prefer files that name the codec, then 'decoder', then anything.
        candidates.sort(key=lambda p: (not any(w in str(p.relative_to(base)).lower() for w in decoder_words),
                                       "decoder" not in p.name.lower(), len(p.parts), p.name))
        decoders = candidates
    decoder = _one(decoders, "codec decoder (.onnx)", base, model, decoder_hint)
    sample_patterns = _patterns(roles.get("samples")) or ["samples/*.pt", "samples/*.npy", "*.pt", "*.npy"]
    samples = tuple(p for p in _find(base, sample_patterns) if p.suffix in (".pt", ".npy"))
    return ModelFiles(backbone, decoder, samples)


def detect_gguf(files: list[str], words: tuple[str, ...]) -> bool:
    """A directory listing with a .gguf whose name, or a companion file's name,
    mentions one of ``words`` (e.g. "neutts"/"neucodec", "orpheus"/"snac")."""
    lowered = [f.lower() for f in files]
    if not any(f.endswith(".gguf") for f in lowered):
        return False
    return any(w in f for f in lowered for w in words)
