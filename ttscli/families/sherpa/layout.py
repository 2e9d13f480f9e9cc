"""Which sherpa-onnx model type a directory holds, and which file plays which role.

sherpa-format packages (k2-fsa releases and their Hugging Face mirrors) are
recognised by the files present, checked in this order because the sets
overlap (Pocket also has encoder/decoder files, Matcha also has a model):

* **pocket**: ``lm_flow*.onnx`` + ``lm_main*.onnx`` + ``vocab.json`` + ``token_scores.json``
* **zipvoice**: ``encoder*.onnx`` + ``decoder*.onnx`` + ``tokens.txt``, no ``voices.bin``
* **kitten** / **kokoro**: ``voices.bin`` + ``tokens.txt`` + ``model*.onnx``; kitten when the
  names say so (``model.fp16.onnx``, ``model.fp32.onnx`` or "kitten" in a path), and in any
  case by the ``model_type`` metadata when the model is loaded
* **matcha**: ``tokens.txt`` + an acoustic model + a vocoder (``vocos*.onnx`` / ``hifigan*.onnx``)
* **vits**: ``tokens.txt`` + one ``*.onnx`` (Piper, MeloTTS, Coqui, MMS, icefall exports)

The registry's ``detect`` hook takes a plain file list (a directory listing or a
Hugging Face repo listing, paths relative to the repo root).
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ...errors import NotFound

FAMILY = "sherpa"  # one registry family (one backend); the model type is its "kind"
KINDS = ("vits", "matcha", "kokoro", "kitten", "zipvoice", "pocket")

_VOCODER_PATTERNS = ("vocos*.onnx", "hifigan*.onnx")
# Files only sherpa-onnx packages ship next to their models.
_PACKAGE_MARKERS = {"tokens.txt", "espeak-ng-data", "voices.bin", "lexicon.txt", "dict"}
# The file roles each model type's sherpa config reads (config field names; `lexicon` optional).
ROLES = {
    "vits": ("model", "tokens"),
    "matcha": ("acoustic_model", "vocoder", "tokens"),
    "kokoro": ("model", "voices", "tokens"),
    "kitten": ("model", "voices", "tokens"),
    "zipvoice": ("encoder", "decoder", "vocoder", "tokens"),
    "pocket": ("lm_flow", "lm_main", "encoder", "decoder", "text_conditioner", "vocab_json", "token_scores_json"),
}
_POCKET_ROLES = {
    "lm_flow": "lm_flow*.onnx",
    "lm_main": "lm_main*.onnx",
    "encoder": "encoder*.onnx",
    "decoder": "decoder*.onnx",
    "text_conditioner": "text_conditioner*.onnx",
}


def _top_names(files: list[str]) -> tuple[set[str], str]:
    """File names at the top level, plus all paths joined (for name hints)."""
    names: set[str] = set()
    for f in files:
        parts = PurePosixPath(str(f).replace("\\", "/")).parts
        if parts:
            names.add(parts[0] if len(parts) > 1 else parts[-1])
    return names, " ".join(str(f).lower() for f in files)


def _any(names: set[str], pattern: str) -> list[str]:
    return sorted(n for n in names if fnmatch.fnmatch(n.lower(), pattern))


def _is_vocoder(name: str) -> bool:
    return any(fnmatch.fnmatch(name.lower(), p) for p in _VOCODER_PATTERNS)


def classify(files: list[str]) -> str | None:
    """The sherpa model type a file list holds, or None (see the module docstring)."""
    names, joined = _top_names(files)
    if _any(names, "lm_flow*.onnx") and _any(names, "lm_main*.onnx") and {"vocab.json", "token_scores.json"} <= names:
        return "pocket"
    if "tokens.txt" not in names and not (names & _PACKAGE_MARKERS or _any(names, "lexicon*.txt")):
        return None  # with a marker, the missing tokens.txt is reported when the model loads
    if "voices.bin" in names and _any(names, "model*.onnx"):
        kitten = "kitten" in joined or _any(names, "model.fp16.onnx") or _any(names, "model.fp32.onnx")
        return "kitten" if kitten else "kokoro"
    if _any(names, "encoder*.onnx") and _any(names, "decoder*.onnx"):
        return "zipvoice"
    models = [n for n in _any(names, "*.onnx") if not _is_vocoder(n)]
    if models and any(_is_vocoder(n) for n in names):
        return "matcha"
    if models:
        return "vits"
    return None


def detect(files: list[str]) -> bool:
    """Registry hook: the files are a sherpa-onnx model package of any supported type."""
    return classify(files) is not None


@dataclass
class Layout:
    """The files of one sherpa model directory, by the role sherpa's config gives them."""

    kind: str
    root: Path
    files: dict[str, Path] = field(default_factory=dict)  # role -> path (config field names)
    lexicons: list[Path] = field(default_factory=list)
    rule_fsts: list[Path] = field(default_factory=list)
    sidecar_config: Path | None = None  # NAME.onnx.json of a Piper voice, when shipped

    @property
    def main_model(self) -> Path:
        """The file whose metadata describes the model (sample rate, speakers...)."""
        for role in ("model", "acoustic_model", "decoder", "lm_main"):
            if role in self.files:
                return self.files[role]
        raise KeyError(self.kind)


def _prefer(candidates: list[Path]) -> Path:
    """int8 variants first (what the sherpa *-int8 packages ship), then by name."""
    return sorted(candidates, key=lambda p: (".int8." not in p.name, p.name))[0]


def _pick(root: Path, pattern: str, what: str) -> Path:
    found = [p for p in root.iterdir() if p.is_file() and fnmatch.fnmatch(p.name.lower(), pattern)]
    if not found:
        raise NotFound(f"{root} has no {what} ({pattern})", hint="download the complete sherpa-onnx model package")
    return _prefer(found)


def _vocoder(root: Path, kind: str) -> Path:
    found = [p for p in root.iterdir() if p.is_file() and _is_vocoder(p.name)]
    if not found:
        wanted = "vocos_24khz.onnx" if kind == "zipvoice" else "vocos-22khz-univ.onnx"
        raise NotFound(
            f"the {kind} model in {root} needs a vocoder and there is none",
            hint=f"put {wanted} (sherpa-onnx release 'vocoder-models') in that directory",
        )
    return sorted(found, key=lambda p: ("24" not in p.name if kind == "zipvoice" else 0, p.name))[0]


def _pocket_files(layout: Layout) -> None:
    root, files = layout.root, layout.files
    for role, pattern in _POCKET_ROLES.items():
        files[role] = _pick(root, pattern, f"Pocket TTS {role} model")
    for role, name in (("vocab_json", "vocab.json"), ("token_scores_json", "token_scores.json")):
        if not (root / name).is_file():
            raise NotFound(f"{root} has no {name}", hint="download the complete Pocket TTS package")
        files[role] = root / name


def _zipvoice_files(layout: Layout) -> None:
    root, files = layout.root, layout.files
    files["encoder"] = _pick(root, "encoder*.onnx", "ZipVoice text encoder")
    files["decoder"] = _pick(root, "decoder*.onnx", "ZipVoice flow-matching decoder")
    files["vocoder"] = _vocoder(root, layout.kind)


def _style_files(layout: Layout) -> None:
    root, files = layout.root, layout.files
    files["model"] = _pick(root, "model*.onnx", f"{layout.kind} model")
    if not (root / "voices.bin").is_file():
        raise NotFound(f"{root} has no voices.bin", hint="download the complete model package")
    files["voices"] = root / "voices.bin"


def _acoustic_candidates(root: Path, what: str) -> list[Path]:
    candidates = [p for p in root.glob("*.onnx") if not _is_vocoder(p.name)]
    if not candidates:
        raise NotFound(f"{root} has no {what} (.onnx)")
    return candidates


def _matcha_files(layout: Layout) -> None:
    layout.files["acoustic_model"] = _prefer(_acoustic_candidates(layout.root, "Matcha acoustic model"))
    layout.files["vocoder"] = _vocoder(layout.root, layout.kind)


def _vits_files(layout: Layout) -> None:
    candidates = _acoustic_candidates(layout.root, "VITS model")
    named = [p for p in candidates if p.name == "model.onnx"]
    model = layout.files["model"] = named[0] if named else _prefer(candidates)
    sidecar = model.with_name(model.name + ".json")
    layout.sidecar_config = sidecar if sidecar.is_file() else None


_FIND_FILES = {"pocket": _pocket_files, "zipvoice": _zipvoice_files, "kokoro": _style_files,
               "kitten": _style_files, "matcha": _matcha_files, "vits": _vits_files}


def find_layout(root: Path, kind: str | None = None) -> Layout:
    """The layout of ``root``; ``kind`` forces the model type (else it is detected)."""
    if not root.is_dir():
        raise NotFound(f"sherpa-onnx model directory {root} does not exist")
    entries = [p.name for p in root.iterdir()]
    kind = kind or classify(entries)
    if kind is None:
        raise NotFound(f"{root} is not a sherpa-onnx model directory (files: {', '.join(sorted(entries)[:12]) or 'none'})",
                       hint="a sherpa model has tokens.txt plus its .onnx files; a raw Piper voice is "
                            "converted automatically with --runtime sherpa-onnx")
    layout = Layout(kind, root)
    files = layout.files
    tokens = root / "tokens.txt"
    if kind != "pocket":
        if not tokens.is_file():
            raise NotFound(f"{root} has no tokens.txt", hint="sherpa-onnx models need their tokens.txt; "
                                                            "download the complete model package")
        files["tokens"] = tokens
    _FIND_FILES.get(kind, lambda layout: None)(layout)
    layout.lexicons = _lexicons(root)
    layout.rule_fsts = sorted(p for p in root.glob("*.fst") if p.is_file())
    return layout


def layout_from_roles(root: Path, kind: str, roles: dict) -> Layout | None:
    """The layout a store record names by role (``ModelRef.info["files"]``: role -> path or
    list of paths), or None when it does not name every file the kind needs. Roles let a
    package take a file from another repository (a vocoder), which a directory scan cannot see."""
    def paths_of(role: str) -> list[Path]:
        value = roles.get(role)
        items = value if isinstance(value, (list, tuple)) else [value] if value else []
        return [Path(str(v)) for v in items]

    if kind not in ROLES or not all(paths_of(role) for role in ROLES[kind]):
        return None
    files = {role: _prefer(paths_of(role)) for role in ROLES[kind]}
    missing = [str(path) for path in files.values() if not path.is_file()]
    if missing:
        raise NotFound(f"model file {missing[0]} is missing", hint="pull the model again")
    lexicons = paths_of("lexicon")
    english = [p for p in lexicons if p.name in ("lexicon-us-en.txt", "lexicon.txt")]
    rest = [p for p in lexicons if p not in english and "-en." not in p.name]
    return Layout(kind, root, files, lexicons=english[:1] + sorted(rest), rule_fsts=sorted(paths_of("rule_fsts")))


def _lexicons(root: Path) -> list[Path]:
    """lexicon.txt, or Kokoro's per-language files (US English first, one English only)."""
    plain = root / "lexicon.txt"
    if plain.is_file():
        return [plain]
    found = {p.name: p for p in root.glob("lexicon-*.txt") if p.is_file()}
    english = found.get("lexicon-us-en.txt") or found.get("lexicon-gb-en.txt")
    rest = [p for name, p in sorted(found.items()) if "-en." not in name]
    return ([english] if english else []) + rest
