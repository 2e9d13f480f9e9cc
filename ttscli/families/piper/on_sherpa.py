"""Piper voices on the sherpa-onnx runtime: a sherpa-compatible copy of a raw voice.

sherpa-onnx refuses a raw Piper ``.onnx`` ("'sample_rate' does not exist in the
metadata", and the process exits). :func:`write_sherpa_copy` writes what its
VITS loader needs: the same graph with sherpa's metadata properties added (with
the ``onnx`` package) and a ``tokens.txt`` made from the voice's
``phoneme_id_map``. The store can call it when it installs a voice; the loader
here calls :func:`sherpa_copy`, which converts on first use and keeps the copy
under ``cache_dir()/sherpa-piper`` (keyed by the source files' path, size and
mtime), so ``--runtime sherpa-onnx`` simply works for any Piper voice. Voices
that already carry sherpa metadata and a tokens.txt are used in place.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
from pathlib import Path

from ... import paths
from ...errors import IntegrityError
from ...fsio import atomic_dir
from ...locking import hold
from ...models.ref import ModelRef
from ...runtime.onnx_meta import read_metadata
from ...runtime.plan import RuntimePlan, cpu_plan
from ..sherpa.checks import inspect
from ..sherpa.layout import Layout
from . import backend as piper

log = logging.getLogger(__name__)

CONVERT_VERSION = "1"
MODEL_NAME = "model.onnx"
_BROKEN_RATES = {22500: 22050}  # a typo in some published Piper configs (upstream maps it too)


def sherpa_metadata(config: dict) -> dict[str, str]:
    """The metadata sherpa's VITS loader reads, from a Piper voice config (.onnx.json)."""
    rate = int(config["audio"]["sample_rate"])
    language = config.get("language") or {}
    espeak_voice = str((config.get("espeak") or {}).get("voice") or "en-us")
    return {
        "model_type": "vits",
        "comment": "piper",
        "language": str(language.get("name_english") or language.get("code") or espeak_voice),
        "voice": espeak_voice,
        "has_espeak": "1",
        "n_speakers": str(int(config.get("num_speakers", 1))),
        "sample_rate": str(_BROKEN_RATES.get(rate, rate)),
        "version": "1",
    }


def tokens_lines(id_map: dict[str, list[int]]) -> tuple[list[str], list[str]]:
    """``symbol id`` lines for tokens.txt, and the symbols that cannot be written.

    sherpa maps Piper phonemes one code point each and parses the file on
    whitespace, so multi-character symbols and whitespace other than the space
    (which is written as a bare id, as upstream does) are left out.
    """
    lines, skipped = [], []
    for symbol, ids in id_map.items():
        if not ids:
            continue
        if symbol == " ":
            lines.append(f"  {ids[0]}")
        elif len(symbol) != 1 or not symbol.strip():
            skipped.append(symbol)
        else:
            lines.append(f"{symbol} {ids[0]}")
    return lines, skipped


def write_sherpa_copy(onnx_path: Path, config_path: Path, dest: Path) -> Path:
    """Write ``dest``/model.onnx (+ metadata), tokens.txt and model.onnx.json; return ``dest``.

    ``dest`` must not exist; the copy is assembled beside it and renamed into place,
    so a crash never leaves a half-written voice.
    """
    import onnx

    try:
        config = json.loads(config_path.read_text(encoding="utf-8"))
        metadata = sherpa_metadata(config)
        id_map = {str(k): [int(i) for i in v] for k, v in config["phoneme_id_map"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise IntegrityError(f"voice config {config_path.name} is not a valid Piper config ({exc})",
                             hint="remove it and pull the voice again") from exc
    lines, skipped = tokens_lines(id_map)
    if skipped:
        log.warning("%s: phonemes %s cannot be used by sherpa-onnx (one code point per phoneme); "
                    "they are left out", onnx_path.name, " ".join(repr(s) for s in skipped))
    try:
        model = onnx.load(str(onnx_path))
    except Exception as exc:  # noqa: BLE001 - protobuf's DecodeError and friends
        raise IntegrityError(f"model file {onnx_path.name} is corrupt or truncated ({exc})",
                             hint="remove it and pull the voice again") from exc
    del model.metadata_props[:]
    for key, value in metadata.items():
        entry = model.metadata_props.add()
        entry.key, entry.value = key, value
    with atomic_dir(dest, replace=False) as work:
        onnx.save(model, str(work / MODEL_NAME))
        (work / "tokens.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        shutil.copyfile(config_path, work / (MODEL_NAME + ".json"))
        (work / "ttscli-source.json").write_text(json.dumps(
            {"converter": CONVERT_VERSION, "source": str(onnx_path), "skipped_phonemes": skipped}, indent=1))
    return dest


def _cache_key(onnx_path: Path, config_path: Path) -> str:
    parts = [CONVERT_VERSION]
    for path in (onnx_path, config_path):
        st = path.stat()
        parts += [str(path.resolve()), str(st.st_size), str(st.st_mtime_ns)]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def is_sherpa_ready(onnx_path: Path) -> bool:
    """A Piper voice already in sherpa format (as in sherpa's vits-piper-* packages)."""
    if not (onnx_path.parent / "tokens.txt").is_file():
        return False
    meta = read_metadata(onnx_path)
    return all(meta.get(k) for k in ("sample_rate", "n_speakers", "language", "comment"))


def sherpa_copy(onnx_path: Path, config_path: Path) -> Path:
    """The sherpa-format model file for a Piper voice: in place, or a cached converted copy."""
    if is_sherpa_ready(onnx_path):
        return onnx_path
    root = paths.ensure_dir(paths.cache_dir() / "sherpa-piper", "cache")
    name = onnx_path.name[: -len(".onnx")] if onnx_path.name.endswith(".onnx") else onnx_path.stem
    dest = root / f"{name}-{_cache_key(onnx_path, config_path)}"
    if not (dest / "tokens.txt").is_file():
        with hold(root / f".{dest.name}.lock", what=f"the sherpa-onnx copy of {onnx_path.name}"):
            if not (dest / "tokens.txt").is_file():
                if dest.exists():
                    shutil.rmtree(dest)
                log.debug("converting %s for sherpa-onnx into %s", onnx_path, dest)
                write_sherpa_copy(onnx_path, config_path, dest)
    return dest / MODEL_NAME


def load(model: ModelRef, plan: RuntimePlan | None = None):
    """Loader for the ``piper`` family on the sherpa-onnx runtime."""
    from ..sherpa.backend import RUNTIME, SherpaBackend

    onnx_path, config_path = piper._role_files(model) or piper.find_files(model.path)
    model_file = sherpa_copy(onnx_path, config_path)
    sidecar = model_file.with_name(model_file.name + ".json")
    layout = Layout("vits", model_file.parent, {"model": model_file, "tokens": model_file.parent / "tokens.txt"},
                    sidecar_config=sidecar if sidecar.is_file() else config_path)
    facts = inspect(layout)
    config = piper.PiperConfig.read(config_path)
    return SherpaBackend(model, layout, facts, plan or cpu_plan(RUNTIME), family="piper",
                         speaker_map=config.speaker_id_map)
