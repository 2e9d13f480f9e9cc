"""Security promises, checked as tests (see SECURITY.md).

1. Nothing executes code from a model or voice file: no pickle, no
   torch.load without weights_only=True, no allow_pickle, no trust_remote_code,
   no eval/exec/marshal/yaml.load — checked on the syntax tree of every module.
2. Downloads are verified before use: a tampered blob served by the loopback
   hub is refused with exit 7 and never installed or cached.
3. Model, voice and job names match one strict pattern.
4. Writes stay inside the configured directories, symlinks included.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from support.cli import REPO, assert_clean_error, run_cli
from support.fuzzing import fuzz
from support.hub import hub_fixture
from ttscli import paths
from ttscli.errors import BadInput
from ttscli.voices import cache

SOURCES = sorted((REPO / "ttscli").rglob("*.py"))
UNSAFE_MODULES = {"pickle", "cPickle", "_pickle", "dill", "cloudpickle", "joblib", "marshal", "shelve"}


def _const(node) -> object:
    return node.value if isinstance(node, ast.Constant) else "<not a constant>"


def unsafe_uses(source: str) -> list[str]:
    """Every construct that could run code from data, with its line number."""
    problems = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            problems += [f"{node.lineno}: import {a.name}" for a in node.names
                         if a.name.split(".")[0] in UNSAFE_MODULES]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in UNSAFE_MODULES:
            problems.append(f"{node.lineno}: from {node.module} import ...")
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            owner = func.value.id if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) else ""
            kwargs = {k.arg: k.value for k in node.keywords}
            if name in ("eval", "exec") and not owner:
                problems.append(f"{node.lineno}: {name}()")
            if owner == "torch" and name == "load" and _const(kwargs.get("weights_only")) is not True:
                problems.append(f"{node.lineno}: torch.load without weights_only=True")
            if "allow_pickle" in kwargs and _const(kwargs["allow_pickle"]) is not False:
                problems.append(f"{node.lineno}: allow_pickle not False")
            if owner in ("np", "numpy") and name == "load" and _const(kwargs.get("allow_pickle")) is not False:
                problems.append(f"{node.lineno}: np.load without an explicit allow_pickle=False")
            if owner == "yaml" and name in ("load", "unsafe_load", "full_load"):
                problems.append(f"{node.lineno}: yaml.{name}")
            if "trust_remote_code" in kwargs:
                problems.append(f"{node.lineno}: trust_remote_code passed")
        elif isinstance(node, ast.keyword) and node.arg == "trust_remote_code":
            problems.append(f"{node.value.lineno}: trust_remote_code")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and re.search(
                r"trust_remote_code\s*[=:]\s*(True|1|true)", node.value):
            problems.append(f"{node.lineno}: trust_remote_code set in a string")
    return sorted(set(problems))


def test_the_scanner_catches_each_unsafe_construct():
    bad = ("import pickle\nfrom dill import loads\nimport torch\ntorch.load('x')\ntorch.load('x', weights_only=False)\n"
           "np.load('a.npy')\nnp.load('a.npz', allow_pickle=True)\nf(trust_remote_code=True)\neval('1')\n"
           "yaml.load(s)\ncfg = 'trust_remote_code=True'\n")
    found = unsafe_uses(bad)
    for needle in ("import pickle", "dill", "torch.load", "allow_pickle", "np.load", "trust_remote_code",
                   "eval()", "yaml.load"):
        assert any(needle in p for p in found), (needle, found)
    assert unsafe_uses("import torch\ntorch.load('x', weights_only=True)\nnp.load('a', allow_pickle=False)\n"
                       "import pickletools\n") == []


def test_no_code_execution_from_data_anywhere_in_ttscli():
    assert len(SOURCES) > 50
    problems = {str(p.relative_to(REPO)): unsafe_uses(p.read_text(encoding="utf-8")) for p in SOURCES}
    assert {k: v for k, v in problems.items() if v} == {}


def test_torch_zip_reader_never_imports_pickle_machinery():
    """ttscli/runtime/torchzip.py reads .pt files by walking opcodes (pickletools), never unpickling."""
    tree = ast.parse((REPO / "ttscli" / "runtime" / "torchzip.py").read_text())
    names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert "pickletools" in names and not names & UNSAFE_MODULES


# --- names


NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


@fuzz(500)
@given(st.one_of(st.text(max_size=140), st.text(alphabet="./-_aZ9\\:~ \x00", max_size=12)))
def test_names_match_the_strict_pattern_or_are_refused(name):
    try:
        checked = paths.check_name(name, "voice name")
    except BadInput:
        assert not NAME.match(name) or ".." in name
        return
    assert NAME.match(checked) and ".." not in checked and "/" not in checked and "\\" not in checked
    base = Path("/srv/ttscli-voices")
    assert (base / checked).parent == base


@pytest.mark.parametrize("name", ["../x", "../../etc/passwd", "/etc/passwd", ".hidden", "a/b", "a\\b", "..",
                                  "x\x00y", "", "-", "a" * 129, "voice name", "~root"])
def test_hostile_names_refused_by_every_command(name, tmp_path):
    for argv, code in [(("clone", name, str(tmp_path / "r.wav")), 3), (("voice", "rm", name), 3)]:
        if "\x00" in name:
            continue  # the OS cannot pass NUL in argv
        proc = run_cli(*argv)
        assert proc.returncode in (code, 2), proc.stderr.decode()
        assert b"Traceback" not in proc.stderr
    if "\x00" not in name and name:
        src = tmp_path / "model"
        src.mkdir(exist_ok=True)
        proc = run_cli("pull", str(src), "--name", name)
        assert proc.returncode in (3, 4), proc.stderr.decode()


# --- writes stay inside the configured directories


def _voice(name: str) -> cache.Voice:
    return cache.Voice(name, "neutts", "neutts:x", {"ref_codes": np.arange(16, dtype=np.int32)})


def test_symlinked_voice_entry_is_neither_written_nor_read(tmp_path):
    outside = tmp_path / "outside.voice.safetensors"
    outside.write_bytes(b"the user's own file")
    voices = paths.ensure_dir(paths.voices_dir(), "voices")
    (voices / ("sneaky" + cache.SUFFIX)).symlink_to(outside)
    with pytest.raises(BadInput, match="escapes"):
        cache.save(_voice("sneaky"), force=True)
    with pytest.raises(BadInput, match="escapes"):
        cache.load("sneaky")
    with pytest.raises(BadInput, match="escapes"):
        cache.remove("sneaky")
    assert outside.read_bytes() == b"the user's own file"
    assert_clean_error(run_cli("voice", "rm", "sneaky"), 3, "escapes")
    assert outside.read_bytes() == b"the user's own file"


def test_dangling_symlink_cannot_plant_a_file_outside(tmp_path):
    target = tmp_path / "planted.voice.safetensors"
    voices = paths.ensure_dir(paths.voices_dir(), "voices")
    (voices / ("plant" + cache.SUFFIX)).symlink_to(target)
    with pytest.raises(BadInput, match="escapes"):
        cache.save(_voice("plant"))
    assert not target.exists()


def test_voices_dir_itself_may_be_a_symlink_and_names_stay_inside_it(tmp_path):
    """A user may keep voices on another disk (data/voices -> elsewhere): writes go there, and only there."""
    elsewhere = tmp_path / "other-disk" / "voices"
    elsewhere.mkdir(parents=True)
    paths.data_dir().mkdir(parents=True, exist_ok=True)
    paths.voices_dir().symlink_to(elsewhere)
    saved = cache.save(_voice("kept"))
    assert saved.parent == elsewhere.resolve() and saved.is_file()
    assert cache.load("kept").tensors["ref_codes"].size == 16
    (elsewhere / "sub").mkdir()
    for name in ("sub/kept", "../kept", "../../x"):
        with pytest.raises(BadInput):
            cache.save(_voice(name))
    assert sorted(p.name for p in elsewhere.iterdir() if not p.name.startswith(".")) == ["kept" + cache.SUFFIX, "sub"]
    assert not (elsewhere / "sub" / ("kept" + cache.SUFFIX)).exists()
    assert not (tmp_path / "other-disk" / "kept").exists()


def test_safe_join_resolves_symlinks(tmp_path):
    base = tmp_path / "base"
    base.mkdir()
    (base / "link").symlink_to(tmp_path)
    assert paths.safe_join(base, "file") == (base / "file").resolve()
    for parts in (("..", "x"), ("link", "x"), ("/etc", "passwd")):
        with pytest.raises(BadInput):
            paths.safe_join(base, *parts)


# --- downloads are verified before use


def _joe_voice(_tmp):
    from support.hubfiles import joe_files

    joe = joe_files()
    model = next(p for p in joe if p.endswith(".onnx"))
    return {"someone/joe-voice": {"voice.onnx": joe[model], "voice.onnx.json": joe[model + ".json"]}}


hub = hub_fixture(_joe_voice)


def test_tampered_blob_is_refused_and_never_installed(hub, tmp_path):
    env = {**hub.env(tmp_path / "hf"), "TTSCLI_HOME": str(tmp_path / "home")}
    hub.clear()
    hub.fault("someone/joe-voice", "voice.onnx", "corrupt", at=0.7)  # one flipped byte in transit
    assert_clean_error(run_cli("pull", "hf:someone/joe-voice", env=env), 7, "voice.onnx", "sha256 mismatch")
    listed = json.loads(run_cli("list", "--json", env=env).stdout)
    assert "hf:someone/joe-voice" not in {m["id"] for m in listed}
    blobs = tmp_path / "hf" / "hub" / "models--someone--joe-voice" / "blobs"
    assert not [b for b in (blobs.iterdir() if blobs.is_dir() else []) if len(b.name) == 64]
    proc = run_cli("say", "hi", "--model", "hf:someone/joe-voice", "-o", str(tmp_path / "x.wav"), env=env)
    assert proc.returncode == 4 and not (tmp_path / "x.wav").exists()
    hub.clear()
    ok = run_cli("pull", "hf:someone/joe-voice", env=env)  # the fault is spent: verified and installed
    assert ok.returncode == 0, ok.stderr.decode()


def test_damaged_cache_file_is_verified_again_before_reuse(hub, tmp_path):
    """A blob changed on disk after the pull is caught when another home adopts the cache."""
    env = {**hub.env(tmp_path / "hf"), "TTSCLI_HOME": str(tmp_path / "home")}
    hub.clear()
    assert run_cli("pull", "hf:someone/joe-voice", env=env).returncode == 0
    blob = next(b for b in (tmp_path / "hf" / "hub" / "models--someone--joe-voice" / "blobs").iterdir()
                if len(b.name) == 64)
    data = bytearray(blob.read_bytes())
    data[1000] ^= 0xFF
    blob.chmod(0o644)
    blob.write_bytes(bytes(data))
    hub.clear()
    fresh = {**env, "TTSCLI_HOME": str(tmp_path / "home2"), "HF_HUB_OFFLINE": "1"}
    proc = run_cli("pull", "hf:someone/joe-voice", env=fresh)  # offline: cannot re-download the damaged file
    assert proc.returncode in (6, 7), proc.stderr.decode()
    assert b"Traceback" not in proc.stderr
    assert "hf:someone/joe-voice" not in {m["id"] for m in json.loads(run_cli("list", "--json", env=fresh).stdout)}


# ---- language codes reach espeak-ng as file names: checked where they enter (issue 34, class 3) ----

GOOD_TAGS = ["en-us", "en-GB", "pt_br", "cmn", "de", "en-gb-x-rp", "es-419", "zh-Hant-TW", "en-us-nyc", "yue"]
BAD_TAGS = ["../../../../dev/zero", "/dev/zero", "en/../../x", "en us", "en\x00", "e\u0301n", "ünï", "en-",
            "-en", "en--us", "a" * 40, "1en", "en-us.voice", ""]


@pytest.mark.parametrize("tag", GOOD_TAGS)
def test_language_tags_of_bcp47_shape_pass(tag):
    from ttscli import langtag

    assert langtag.problem(tag) is None and langtag.check(tag) == tag


@pytest.mark.parametrize("tag", BAD_TAGS)
def test_language_codes_that_are_not_tags_are_refused_everywhere(tag, tmp_path):
    from ttscli import langtag
    from ttscli.errors import BadInput, UsageError
    from ttscli.phonemize import espeak
    from ttscli.request import Request

    if tag:
        assert langtag.problem(tag)
        with pytest.raises(UsageError):
            Request.from_user("Hello.", lang=tag)
        with pytest.raises(BadInput):
            espeak.check_language(tag)  # the last line: never opened as a voice file
    cast = tmp_path / "cast.toml"
    cast.write_text(f"[voices.alice]\nvoice = \"en_US-joe-medium\"\nlang = {json.dumps(tag)}\n")
    from ttscli.book import cast as casting

    if tag:
        with pytest.raises(BadInput, match="lang"):
            casting.load(cast)


def test_lang_path_is_one_line_from_every_entry(tmp_path):
    """The issue's example: `--lang ../../../../dev/zero` made espeak-ng read /dev/zero forever."""
    out = tmp_path / "x.wav"
    for extra in ([], ["--no-server"], ["--dry-run"]):
        proc = run_cli("say", "Hello.", "--lang", "../../../../dev/zero", "-o", str(out), *extra, timeout=60)
        assert_clean_error(proc, 2, "--lang", "language tag")
    ssml = '<speak xml:lang="../../../../dev/zero">Hello.</speak>'
    assert_clean_error(run_cli("say", ssml, "--dry-run", timeout=60), 3, "xml:lang", "line 1")
    assert not out.exists()
