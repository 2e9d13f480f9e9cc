"""The voice cache file: safe format, checksum, names that cannot escape."""

from __future__ import annotations

import numpy as np
import pytest

from support.cli import assert_clean_error, run_cli
from ttscli import paths
from ttscli.errors import BadInput, IntegrityError, NotFound
from ttscli.voices import cache


def _voice(name="narrator"):
    return cache.Voice(name=name, family="kokoro", model_id="kokoro:int8",
                       tensors={"style": np.arange(510 * 256, dtype=np.float32).reshape(510, 1, 256)},
                       meta={"kind": "blend", "sample_rate": 24000})


def test_round_trip_and_listing():
    path = cache.save(_voice())
    assert path.parent == paths.voices_dir() and path.name == "narrator.voice.safetensors"
    back = cache.load("narrator")
    assert back.family == "kokoro" and back.model_id == "kokoro:int8" and back.kind == "blend"
    assert np.array_equal(back.tensors["style"], _voice().tensors["style"])
    listed = cache.list_voices()
    assert [m["name"] for m in listed] == ["narrator"] and listed[0]["sample_rate"] == 24000


def test_refuses_overwrite_without_force():
    cache.save(_voice())
    with pytest.raises(BadInput, match="already exists"):
        cache.save(_voice())
    cache.save(_voice(), force=True)


def test_tampered_tensor_is_detected():
    path = cache.save(_voice())
    data = bytearray(path.read_bytes())
    data[-5] ^= 0xFF  # flip bits inside the tensor payload
    path.write_bytes(bytes(data))
    with pytest.raises(IntegrityError, match="checksum"):
        cache.load("narrator")


def test_truncated_file_is_detected():
    path = cache.save(_voice())
    path.write_bytes(path.read_bytes()[:100])
    with pytest.raises(IntegrityError):
        cache.load("narrator")
    assert "error" in cache.list_voices()[0]


@pytest.mark.parametrize("name", ["../../x", "/etc/passwd", "..", ".hidden", "a/b", "x" * 200, ""])
def test_names_cannot_escape(name):
    with pytest.raises(BadInput):
        cache.path_for(name)
    assert not cache.exists(name)


def test_symlinked_voice_dir_entry_cannot_escape(tmp_path):
    paths.ensure_dir(paths.voices_dir(), "voices")
    outside = tmp_path / "outside.voice.safetensors"
    outside.write_bytes(b"x")
    (paths.voices_dir() / "evil.voice.safetensors").symlink_to(outside)
    with pytest.raises(BadInput, match="escapes"):
        cache.path_for("evil")


def test_unknown_voice():
    with pytest.raises(NotFound):
        cache.load("nobody")


def test_stored_voice_for_other_family_is_refused_by_say():
    cache.save(_voice("kvoice"))
    assert_clean_error(run_cli("say", "Hi.", "--voice", "kvoice", "--model", "piper:en_US-joe-medium", "-o", "-"),
                       3, "kokoro")
