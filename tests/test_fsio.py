"""ttscli.fsio: the one atomic-write helper every file ttscli writes goes through."""

from __future__ import annotations

import os
import stat

import pytest

from ttscli import fsio
from ttscli.errors import OutputError


def _leftovers(directory):
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(fsio.PART_SUFFIX))


def test_atomic_write_text_and_bytes_with_usual_mode(tmp_path):
    old = os.umask(0o027)
    try:
        fsio.atomic_write(tmp_path / "a.txt", "héllo")
        fsio.atomic_write(tmp_path / "b.bin", b"\x00\x01")
    finally:
        os.umask(old)
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == "héllo"
    assert (tmp_path / "b.bin").read_bytes() == b"\x00\x01"
    assert stat.S_IMODE((tmp_path / "a.txt").stat().st_mode) == 0o640  # not mkstemp's 0600
    assert _leftovers(tmp_path) == []


def test_data_is_fsynced_before_the_rename(tmp_path, monkeypatch):
    events = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: (events.append("fsync"), real_fsync(fd))[1])
    monkeypatch.setattr(os, "replace", lambda a, b: (events.append("replace"), real_replace(a, b))[1])
    fsio.atomic_write(tmp_path / "x", "data")
    assert events == ["fsync", "replace"]


def test_failure_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "manifest.json"
    target.write_text("old")
    with pytest.raises(RuntimeError):
        with fsio.atomic_open(target, "w") as fh:
            fh.write("half a new fi")
            raise RuntimeError("killed")
    assert target.read_text() == "old"
    assert _leftovers(tmp_path) == []


def test_failed_rename_discards_and_user_output_gives_one_line_error(tmp_path, monkeypatch):
    target = tmp_path / "out.wav"
    atomic = fsio.AtomicFile(target, user_output=True)
    atomic.tmp.write_bytes(b"RIFF")

    def full(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(OutputError, match="no space left on the device holding"):
        atomic.commit()
    assert not target.exists() and _leftovers(tmp_path) == []
    with pytest.raises(OSError):  # internal files keep the OSError for their caller to judge
        with fsio.atomic_path(tmp_path / "cache.bin") as tmp:
            tmp.write_bytes(b"x")
    assert _leftovers(tmp_path) == []


def test_temporary_cannot_be_made_in_a_missing_directory(tmp_path):
    with pytest.raises(OutputError, match="cannot write"):
        fsio.AtomicFile(tmp_path / "no" / "such.wav", user_output=True)
    with pytest.raises(FileNotFoundError):
        fsio.atomic_write(tmp_path / "no" / "such.json", "{}")


def test_atomic_copy(tmp_path):
    (tmp_path / "src").write_bytes(b"model" * 1000)
    fsio.atomic_copy(tmp_path / "src", tmp_path / "dst")
    assert (tmp_path / "dst").read_bytes() == b"model" * 1000
    assert _leftovers(tmp_path) == []


def test_atomic_dir_replaces_whole_or_not_at_all(tmp_path):
    dest = tmp_path / "model"
    dest.mkdir()
    (dest / "old.onnx").write_text("old")
    with pytest.raises(RuntimeError):
        with fsio.atomic_dir(dest) as work:
            (work / "new.onnx").write_text("new")
            raise RuntimeError("copy failed")
    assert sorted(p.name for p in dest.iterdir()) == ["old.onnx"]
    with fsio.atomic_dir(dest) as work:
        (work / "new.onnx").write_text("new")
    assert sorted(p.name for p in dest.iterdir()) == ["new.onnx"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model"]
    with pytest.raises(OSError):  # replace=False never clobbers a finished directory
        with fsio.atomic_dir(dest, replace=False) as work:
            (work / "other").write_text("x")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model"]


def test_output_target_policy(tmp_path):
    with pytest.raises(OutputError, match="is a directory"):
        fsio.output_target(tmp_path)
    with pytest.raises(OutputError, match="does not exist"):
        fsio.output_target(tmp_path / "missing" / "out.wav")
    assert fsio.output_target(tmp_path / "new.wav")[1] is False
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert fsio.output_target(fifo)[1] is True  # special files are streamed into, not replaced
