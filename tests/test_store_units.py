"""Store building blocks in-process: file checks, hashing writer, space check, locks, progress on a TTY."""

from __future__ import annotations

import hashlib
import json
import os

import pytest

from support.hfserver import HTML_PAGE
from support.hubfiles import tiny_onnx

from ttscli.errors import Busy, IntegrityError, OutputError
from ttscli.store import space, verify
from ttscli.locking import FileLock


@pytest.mark.parametrize("name,content,problem", [
    ("model.onnx", HTML_PAGE, "HTML page"),
    ("voices.bin", b"  \n<html><body>502</body></html>", "HTML page"),
    ("model.onnx", b"version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 12\n", "Git LFS pointer"),
    ("model.onnx", b"{\"not\": \"onnx\"}", "bad protobuf header"),
    ("model.onnx", b"", "empty"),
    ("backbone.gguf", b"GGML" + bytes(60), "bad magic"),
    ("voices.npz", b"\x93NUMPY" + bytes(20), "zip"),
    ("model.safetensors", (10 ** 9).to_bytes(8, "little") + b"{}", "bad header"),
    ("config.json", b"{\"a\": ", "not valid JSON"),
])
def test_content_problems_are_named(tmp_path, name, content, problem):
    path = tmp_path / name
    path.write_bytes(content)
    assert problem in (verify.content_problem(path, name) or "")


def test_real_files_pass_content_checks(tmp_path):
    onnx_file = tmp_path / "m.onnx"
    onnx_file.write_bytes(tiny_onnx())
    (tmp_path / "c.json").write_text(json.dumps({"audio": {"sample_rate": 22050}}))
    (tmp_path / "README.md").write_bytes(HTML_PAGE)  # text files may contain markup
    for name in ("m.onnx", "c.json", "README.md"):
        assert verify.content_problem(tmp_path / name, name) is None


def test_check_file_names_each_mismatch(tmp_path):
    path = tmp_path / "m.onnx"
    data = tiny_onnx()
    path.write_bytes(data)
    good = hashlib.sha256(data).hexdigest()
    assert verify.check_file(path, "m.onnx", size=len(data), sha256=good)["sha256"] == good
    with pytest.raises(IntegrityError, match="size mismatch"):
        verify.check_file(path, "m.onnx", size=len(data) + 1, sha256=good)
    with pytest.raises(IntegrityError, match="sha256 mismatch"):
        verify.check_file(path, "m.onnx", size=len(data), sha256="0" * 64)
    with pytest.raises(IntegrityError, match="md5 mismatch"):
        verify.check_file(path, "m.onnx", size=len(data), md5="0" * 32)
    git = hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
    assert verify.check_file(path, "m.onnx", size=len(data), git_sha1=git)["git_sha1"] == git
    with pytest.raises(IntegrityError, match="git blob id mismatch"):
        verify.check_file(path, "m.onnx", size=len(data), git_sha1="1" * 40)


def test_git_blob_id_matches_git(tmp_path):
    path = tmp_path / "empty"
    path.write_bytes(b"")
    assert verify.git_blob_sha1(path) == "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"  # `git hash-object` of ""


def test_hashing_writer_resumes_and_survives_a_rewind(tmp_path):
    data = os.urandom(300_000)
    part = tmp_path / "x.part"
    part.write_bytes(data[:100_000])  # left by an interrupted run
    writer = verify.HashingWriter(part, ("sha256", "md5"))
    writer.write(data[100_000:])
    assert writer.digests() == {"sha256": hashlib.sha256(data).hexdigest(), "md5": hashlib.md5(data).hexdigest()}
    part.write_bytes(data[:50_000])
    writer = verify.HashingWriter(part)
    writer.seek(0)  # a server that ignored Range: huggingface_hub rewinds and starts over
    writer.truncate()
    writer.write(data)
    assert writer.digests()["sha256"] == hashlib.sha256(data).hexdigest()


def test_space_check_uses_the_probe(tmp_path, monkeypatch):
    monkeypatch.setattr(space, "free_bytes", lambda path: 50_000_000)
    space.check({tmp_path / "a": 10_000_000, tmp_path / "b": 10_000_000})  # one filesystem: 10 MB, not 20
    with pytest.raises(OutputError, match="needs 40.0 MB, 50.0 MB free"):
        space.check({tmp_path / "missing" / "dir": 40_000_000})


def test_lock_excludes_a_second_holder(tmp_path):
    waits = []
    with FileLock(tmp_path / "m.lock", "model x"):
        second = FileLock(tmp_path / "m.lock", "model x", timeout=0.3, on_wait=waits.append)
        with pytest.raises(Busy, match="model x"):
            second.acquire()
    assert waits == ["waiting for another ttscli process working on model x"]
    with FileLock(tmp_path / "m.lock", "model x", timeout=0.3):
        pass  # released: free again


@pytest.mark.parametrize("path", ["../outside.onnx", "/etc/passwd", "a/../../b", "a//b", "voices\\..\\x"])
def test_hub_listings_cannot_escape_the_cache(path):
    from types import SimpleNamespace

    from ttscli.store import hub

    with pytest.raises(IntegrityError, match="unsafe file path"):
        hub._remote("o/r", SimpleNamespace(path=path, size=1, lfs=None, blob_id="a" * 40))
    with pytest.raises(IntegrityError, match="invalid sha256"):
        hub._remote("o/r", SimpleNamespace(path="m.onnx", size=1, lfs={"sha256": "../x"}, blob_id="a" * 40))
