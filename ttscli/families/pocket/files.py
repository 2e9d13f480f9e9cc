"""Loading a Pocket TTS model from the ttscli store with the `pocket-tts` package.

Shared by the backend (``backend.py``) and the clone encoder
(``encoder.py``). The package reads a YAML config naming its weights
and tokenizer (``hf://`` addresses by default); we write one that points at the
pulled files, so nothing is downloaded. The base config is, in order: a config
shipped in the model directory (an imported or fine-tuned model), else the
package's own config for the model's language.

Predefined voices are voice states the model's authors precomputed with the
released weights: ``embeddings/NAME.safetensors`` beside the weights.
"""

from __future__ import annotations

import logging
from pathlib import Path

from ...errors import IntegrityError, NotFound, RuntimeFailure
from ...fsio import atomic_write
from ...models.ref import ModelRef
from ...optional import install_command

log = logging.getLogger(__name__)

INSTALL = install_command("pocket")
FAMILY = "pocket-tts"
SAMPLE_RATE = 24000
WEIGHTS = "*model.safetensors"
TOKENIZERS = ("tokenizer.json", "tokenizer.model")


def detect(files: list[str]) -> bool:
    """Weights, a tokenizer, and a Pocket mark (voice embeddings or a YAML config).

    ``files`` are paths relative to the model directory (or top-level names)."""
    names = [f.rsplit("/", 1)[-1] for f in files]
    parts = {p for f in files for p in f.split("/")}
    weights = any(n.endswith("model.safetensors") for n in names)
    tokenizer = any(n in TOKENIZERS for n in names)
    embeddings = "embeddings" in parts
    return weights and (tokenizer or embeddings) and (embeddings or any(n.endswith((".yaml", ".yml"))
                                                                      for n in names))


def language(model: ModelRef, package_dir: Path | None = None) -> str:
    """The package config name for the model: the catalog's, else the id's suffix if the package
    has such a config, else English."""
    lang = model.info.get("pocket_language")
    if lang:
        return str(lang)
    suffix = model.id.split(":", 1)[-1]
    if suffix and "/" not in suffix and package_dir is not None and (package_dir / "config" / f"{suffix}.yaml").is_file():
        return suffix
    return "english"


def _role(model: ModelRef, role: str) -> list[Path]:
    """The files a store record names for ``role`` (absolute: a pull spans two repositories)."""
    value = (model.info.get("files") or {}).get(role)
    found = [value] if isinstance(value, str) else list(value or [])
    return [Path(p) for p in found if Path(p).is_file()]


def find(model: ModelRef, role: str, patterns: tuple[str, ...]) -> Path | None:
    named = _role(model, role)
    if named:
        return named[0]
    root = Path(model.path)
    for pattern in patterns:
        found = sorted(root.rglob(pattern))
        if found:
            return found[0]
    return None


def predefined_voices(model: ModelRef) -> dict[str, Path]:
    """Voice states shipped with the model: name -> embeddings/NAME.safetensors."""
    paths = _role(model, "voices") or sorted(Path(model.path).rglob("embeddings/*.safetensors"))
    return {p.stem: p for p in paths if p.suffix == ".safetensors"}


def import_facts(root: Path, roles: dict[str, str] | None = None) -> dict:
    """What `list` and `show` say about an imported directory: rate and predefined voices
    (FamilySpec.facts)."""
    return {"sample_rate": SAMPLE_RATE, "voices": sorted(p.stem for p in root.rglob("embeddings/*.safetensors"))}


def _own_config(model: ModelRef) -> dict | None:
    """A Pocket config in the model directory (keys flow_lm and mimi), if any."""
    import yaml

    for path in sorted(Path(model.path).rglob("*.y*ml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise IntegrityError(f"{path.name} in {model.id} is not a readable YAML config ({exc})".split("\n")[0],
                                 hint=f"pull it again: ttscli pull {model.id}") from exc
        if isinstance(data, dict) and "flow_lm" in data and "mimi" in data:
            return data
    return None


def write_config(model: ModelRef, package_dir: Path, target: Path) -> Path:
    """The model's config (its own, else the package's for its language), pointed at the pulled files."""
    import yaml

    config = _own_config(model)
    if config is None:
        lang = language(model, package_dir)
        source = package_dir / "config" / f"{lang}.yaml"
        if not source.is_file():
            known = sorted(p.stem for p in (package_dir / "config").glob("*.yaml"))
            raise NotFound(f"pocket-tts has no config for language {lang!r}", hint=f"known: {', '.join(known)}")
        config = yaml.safe_load(source.read_text(encoding="utf-8"))
    weights = find(model, "model", (WEIGHTS,))
    if weights is None:
        raise NotFound(f"{model.id} has no model.safetensors", hint=f"ttscli pull {model.id}")
    config["weights_path"] = str(weights)
    config.pop("weights_path_without_voice_cloning", None)
    tokenizer = find(model, "tokenizer", TOKENIZERS + ("*tokenizer.*",))
    table = (config.get("flow_lm") or {}).get("lookup_table") or {}
    if tokenizer is not None and "tokenizer_path" in table:
        table["tokenizer_path"] = str(tokenizer)
    elif str(table.get("tokenizer_path", "")).startswith(("hf://", "http://", "https://")):
        raise NotFound(f"{model.id} has no tokenizer.json", hint=f"pull it again: ttscli pull {model.id}")
    atomic_write(target, yaml.safe_dump(config, sort_keys=False))
    return target


def import_package():
    try:
        import pocket_tts
    except ImportError as exc:
        raise RuntimeFailure(f"the pocket-tts package is not installed ({exc})".split("\n")[0], hint=INSTALL) from exc
    return pocket_tts


def load_model(model: ModelRef, workdir: Path):
    """(pocket_tts module, TTSModel) for a pulled model, on the CPU."""
    pocket_tts = import_package()
    config = write_config(model, Path(pocket_tts.__file__).parent, workdir / "config.yaml")
    try:
        tts = pocket_tts.TTSModel.load_model(config=str(config))
    except (OSError, ValueError, KeyError, RuntimeError, AssertionError) as exc:
        raise IntegrityError(f"pocket-tts cannot load {model.id} ({exc})".split("\n")[0],
                             hint=f"pull it again: ttscli pull {model.id}") from exc
    return pocket_tts, tts
