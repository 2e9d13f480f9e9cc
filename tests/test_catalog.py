"""The catalog data file, id lookup, and `list` / `show` on it (no network)."""

from __future__ import annotations

import json
import re

import pytest
from support.cli import assert_clean_error, run_cli
from support.hubfiles import joe_files, voices_json

from ttscli import catalog
from ttscli.errors import NotFound
from ttscli.families.piper import index as piper_index

REPO_RE = re.compile(r"^[A-Za-z0-9][\w.-]*/[A-Za-z0-9][\w.-]*$")
COMMIT_RE = re.compile(r"^[0-9a-f]{40}$")
RUNTIMES = {"onnxruntime", "llama.cpp", "torch", "sherpa-onnx"}


def test_every_entry_is_complete():
    entries = catalog.static_entries()
    ids = [e.id for e in entries]
    assert len(ids) == len(set(ids))
    for e in entries:
        fam = catalog.families()[e.family]
        assert e.runtime in RUNTIMES, e.id
        assert e.license.get("code") and e.license.get("weights"), e.id
        assert e.languages and e.sample_rate and e.size_bytes and e.size_bytes > 0, e.id
        assert e.description, e.id
        missing = set(fam.required_roles(e.kind)) - set(e.files)
        assert not missing, (e.id, missing)
        for spec in e.files.values():
            assert REPO_RE.match(spec.repo), (e.id, spec)
            assert spec.pattern and not spec.pattern.startswith("/") and ".." not in spec.pattern, (e.id, spec)
            # a revision is a pinned commit, or the entry says why it is not
            assert COMMIT_RE.match(spec.revision) or e.revision_note, (e.id, spec.revision)
        if not e.can_clone and e.family not in ("sherpa",):
            assert e.voices, e.id


def test_required_families_and_variants_are_covered():
    ids = {e.id for e in catalog.static_entries()}
    for wanted in ("kokoro:fp32", "kokoro:fp16", "kokoro:int8", "kokoro:q4", "kitten:nano", "kitten:micro",
                   "kitten:mini", "neutts-air:q4", "neutts-air:q8", "neutts-nano:q4", "neutts-nano:q8",
                   "orpheus:q4", "pocket-tts:english", "piper:en_US-lessac-medium", "sherpa:pocket-tts-int8"):
        assert wanted in ids
    for short, full in (("kokoro", "kokoro:int8"), ("kitten", "kitten:nano"), ("neutts-air", "neutts-air:q4"),
                        ("orpheus", "orpheus:q4"), ("pocket-tts", "pocket-tts:english")):
        assert catalog.lookup(short).id == full
    neutts = catalog.lookup("neutts-air:q4")
    assert neutts.files["codec_decoder"].repo == "neuphonic/neucodec-onnx-decoder" and neutts.can_clone
    orpheus = catalog.lookup("orpheus:q8")
    assert orpheus.files["codec_decoder"].pattern == "onnx/decoder_model.onnx"
    assert "Llama 3.2" in orpheus.license["weights"]
    pocket = catalog.lookup("pocket-tts")
    assert pocket.gated and pocket.files["tokenizer"].repo == "kyutai/pocket-tts-without-voice-cloning"
    assert not catalog.lookup("pocket-tts:no-clone").gated


def test_lookup_variant_option_and_suggestions():
    assert catalog.lookup("kokoro", variant="fp16").id == "kokoro:fp16"
    assert catalog.lookup("en_US-lessac-medium").id == "piper:en_US-lessac-medium"
    with pytest.raises(NotFound) as exc:
        catalog.lookup("kokoro:int9")
    assert "kokoro:int8" in exc.value.hint
    with pytest.raises(NotFound) as exc:
        catalog.lookup("kokoro:int8", variant="fp16")
    assert "contradicts" in exc.value.message
    with pytest.raises(NotFound) as exc:
        catalog.lookup("orfeus")
    assert "orpheus" in exc.value.hint


def test_piper_index_lists_every_voice_with_checksums():
    files = joe_files()
    index = json.loads(voices_json(files))
    index["en_GB-vctk-medium"] = {
        "key": "en_GB-vctk-medium", "name": "vctk", "quality": "medium",
        "language": {"code": "en_GB", "name_english": "English", "country_english": "Great Britain"},
        "num_speakers": 3, "speaker_id_map": {"p239": 0, "p236": 1, "p264": 2},
        "files": {"en/en_GB/vctk/medium/en_GB-vctk-medium.onnx": {"size_bytes": 10, "md5_digest": "a" * 32},
                  "en/en_GB/vctk/medium/en_GB-vctk-medium.onnx.json": {"size_bytes": 5, "md5_digest": "b" * 32}},
        "aliases": [],
    }
    piper_index.save(index, "rhasspy/piper-voices", "v1.0.0", "c" * 40)
    entries = {e.id: e for e in catalog.entries()}
    joe = entries["piper:en_US-joe-medium"]
    assert joe.source == "piper-index" and joe.languages == ("en-US",) and joe.sample_rate == 22050
    onnx_path = "en/en_US/joe/medium/en_US-joe-medium.onnx"
    assert joe.checksums[onnx_path]["md5"] == __import__("hashlib").md5(files[onnx_path].read_bytes()).hexdigest()
    vctk = entries["piper:en_GB-vctk-medium"]
    assert vctk.voices == ("p239", "p236", "p264") and "card" not in vctk.files
    assert "piper:en_US-lessac-medium" in entries  # catalog voices stay listed next to the index
    listed = json.loads(run_cli("list", "--available", "--family", "piper", "--json").stdout)
    by_id = {m["id"]: m for m in listed}
    assert by_id["piper:en_US-joe-medium"]["installed"] and not by_id["piper:en_GB-vctk-medium"]["installed"]


def test_list_installed_json_and_cloned_voices(tmp_path, _isolated_home):
    rows = json.loads(run_cli("list", "--json").stdout)
    joe = next(r for r in rows if r["id"] == "piper:en_US-joe-medium")
    for key in ("id", "family", "runtime", "installed", "size_bytes", "languages", "license", "voices",
                "can_clone"):
        assert key in joe
    assert joe["installed"] and joe["runtime"] == "onnxruntime" and joe["size_bytes"] > 60_000_000
    assert joe["voices"] == ["en_US-joe-medium"] and "CC0" in joe["license"]["weights"]
    import numpy as np

    from ttscli.voices import cache

    cache.save(cache.Voice("grandpa", "kokoro", "kokoro:int8", {"style": np.zeros((510, 256), np.float32)},
                           {"kind": "clone"}))
    human = run_cli("list").stdout.decode()
    assert "piper:en_US-joe-medium" in human
    assert any(line.split()[:4] == ["grandpa", "kokoro", "kokoro:int8", "clone"] for line in human.splitlines())
    rows = json.loads(run_cli("list", "--json").stdout)
    assert {"type": "voice", "id": "grandpa", "family": "kokoro"}.items() <= \
        next(r for r in rows if r["type"] == "voice").items()


@pytest.mark.parametrize("args,check", [
    (("--lang", "de"), lambda r: any(l.lower().startswith("de") for l in r["languages"])),
    (("--family", "kitten"), lambda r: r["family"] == "kitten"),
    (("--runtime", "gguf"), lambda r: r["runtime"] == "llama.cpp"),
    (("--installed",), lambda r: r["installed"]),
])
def test_list_available_filters(args, check):
    rows = json.loads(run_cli("list", "--available", "--json", *args).stdout)
    assert rows and all(check(r) for r in rows)
    if args[0] == "--runtime":
        assert {"neutts-air:q4", "orpheus:q4"} <= {r["id"] for r in rows}
    if args[0] == "--installed":
        assert [r["id"] for r in rows] == ["piper:en_US-joe-medium"]


def test_list_rejects_unknown_filters():
    assert_clean_error(run_cli("list", "--available", "--family", "kokro"), 4, "kokoro")
    assert_clean_error(run_cli("list", "--runtime", "cuda"), 4, "unknown runtime")


def test_show_catalog_and_embedded_models():
    info = json.loads(run_cli("show", "kokoro", "--json").stdout)
    assert info["id"] == "kokoro:int8" and not info["installed"]
    assert {"model", "voices", "config"} <= {f["role"] for f in info["files"]}
    assert info["runtime_plan"]["runtime"] == "onnxruntime" and info["runtime_plan"]["device"] == "cpu"
    joe = json.loads(run_cli("show", "piper:en_US-joe-medium", "--json").stdout)
    assert joe["installed"] and joe["source"] == "embedded"
    assert {f["path"] for f in joe["files"]} >= {"en_US-joe-medium.onnx", "en_US-joe-medium.onnx.json"}
    text = run_cli("show", "orpheus").stdout.decode()
    assert "not installed: ttscli pull orpheus:q4" in text and "runtime plan  llama.cpp on cpu" in text
    assert_clean_error(run_cli("show", "kokoro:int9"), 4, "kokoro:int8")


def test_plain_list_is_light():
    code = ("import sys\nfrom ttscli.cli.app import main\nmain(['list'])\nmain(['list', '--available'])\n"
            "heavy = [m for m in ('onnxruntime', 'torch', 'llama_cpp', 'huggingface_hub', 'numpy', 'sherpa_onnx')"
            " if m in sys.modules]\nprint('HEAVY', heavy)\n")
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert proc.returncode == 0, proc.stderr.decode()
    assert b"HEAVY []" in proc.stdout


def test_list_filters_apply_to_stored_voices(tmp_path, _isolated_home):
    """--runtime, --family and --lang filter the stored voices as they filter the models."""
    import numpy as np

    from ttscli.voices import cache

    cache.save(cache.Voice("grandpa", "kokoro", "kokoro:int8", {"style": np.zeros((510, 256), np.float32)},
                           {"kind": "clone"}))

    def voices(*args: str) -> list[str]:
        rows = json.loads(run_cli("list", "--json", *args).stdout)
        return [r["id"] for r in rows if r["type"] == "voice"]

    assert voices() == ["grandpa"]
    assert voices("--runtime", "onnxruntime") == ["grandpa"] and voices("--family", "kokoro") == ["grandpa"]
    assert voices("--runtime", "torch") == [] and voices("--family", "piper") == []
    assert voices("--lang", "de") == []  # its model is not installed: no language to match
    assert run_cli("list", "--runtime", "torch").stdout.decode().strip() == "no models match"
