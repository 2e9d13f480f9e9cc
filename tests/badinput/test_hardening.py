"""Hardening round 2 (issue 20), in-process: the corpus of hardening_cases.py, a full disk
under every writer (a real tmpfs), and byte-identical reruns.

In-process because process behaviour is not what these cases test; the CLI's own
error boundary (``ttscli.cli.app.main``) turns every failure into its exit code and
one line, exactly as in a subprocess. stdout and stderr are captured at the file
descriptor, so a line a C library prints (libmpg123, onnxruntime) is caught too.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from badinput.hardening_cases import CASES, PROSE, H, book, wav

CLASSES = {c.cls for c in CASES}


@dataclass
class Result:
    code: int
    out: str
    err: str


def run_main(argv, capfd) -> Result:
    """``ttscli ARGV`` in this process; the environment and signal handlers are restored after."""
    from ttscli.cli.app import main

    import logging

    env = dict(os.environ)
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT)}
    logger = logging.getLogger("ttscli")  # the CLI sets up its own stderr logging; later tests use caplog
    saved_logger = logger.handlers[:], logger.level, logger.propagate
    capfd.readouterr()
    try:
        code = main(list(argv))
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
        os.environ.clear()
        os.environ.update(env)
        logger.handlers[:], logger.level, logger.propagate = saved_logger
    out, err = capfd.readouterr()
    return Result(code, out, err)


def _snapshot(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and not p.is_symlink()}


def assert_one_error_line(result: Result, code: int, needles=()) -> str:
    assert result.code == code, (result.code, result.err)
    assert "Traceback" not in result.err and "\x1b" not in result.err, result.err
    lines = [ln for ln in result.err.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("ttscli: error: "), result.err
    assert "internal error" not in lines[0], lines[0]
    for needle in needles:
        assert needle.lower() in lines[0].lower(), (needle, lines[0])
    return lines[0]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hardening_case(case: H, tmp_path, monkeypatch, capfd):
    mapping = {"tmp": str(tmp_path)}
    if case.setup:
        mapping.update(case.setup(tmp_path, monkeypatch) or {})
    if case.no_model:
        def no_load(*args, **kwargs):
            raise AssertionError("a model was loaded before the input was refused")
        monkeypatch.setattr("ttscli.engine.load", no_load)
    before = _snapshot(tmp_path)
    result = run_main([a.format(**mapping) for a in case.argv], capfd)
    if case.code == 0:
        assert result.code == 0, result.err
        assert "Traceback" not in result.err and "error:" not in result.err, result.err
        assert all(ln.startswith("ttscli: ") for ln in result.err.splitlines() if ln.strip()), result.err
        for needle in case.needles:
            assert needle.lower() in result.err.lower(), (needle, result.err)
        case.check(tmp_path, result)
    else:
        assert_one_error_line(result, case.code, case.needles)
        assert _snapshot(tmp_path) == before, "an output changed or a partial file was left behind"
        assert not [p for p in tmp_path.rglob("*.part")], "a temporary file was left behind"


def test_every_class_has_cases():
    # classes 6, 9, 10 and 13 are below and in test_hardening_processes.py
    assert CLASSES | {6, 9, 10, 13} == set(range(1, 14))
    assert len(CASES) >= 60


# --- 6. full disks: a real 512 KB tmpfs under each writer -------------------------------------

@pytest.fixture
def full_disk(tmp_path):
    """A tiny tmpfs, nearly filled: every writer meets ENOSPC for real."""
    mnt = tmp_path / "tiny"
    mnt.mkdir()
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(mnt)], capture_output=True)
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({proc.stderr.decode().strip()[:80]})")
    try:
        (mnt / "filler").write_bytes(b"\0" * (440 * 1024))
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)])


LONG = " ".join([PROSE] * 6)


@pytest.mark.parametrize("argv", [
    ("say", LONG, "-o", "{d}/out.wav"),
    ("say", LONG, "-o", "{d}/out.flac"),
    ("say", LONG, "-o", "{d}/out.ogg"),
    ("convert", "{tmp}/in.wav", "{d}/out.wav"),
    ("convert", "{tmp}/in.wav", "{d}/out.mp3"),
    ("batch", "{tmp}/book.txt", "-o", "{d}/book", "--format", "wav", "--no-normalize"),
    ("batch", "{tmp}/book.txt", "-o", "{d}/book", "--format", "m4b", "--no-normalize"),
], ids=["say-wav", "say-flac", "say-ogg", "convert-wav", "convert-mp3", "batch-chunks-chapters", "batch-mux"])
def test_full_disk_is_exit_8_everywhere(argv, full_disk, tmp_path, capfd):
    wav(tmp_path, "in.wav", seconds=30.0, rate=48000)
    book(tmp_path)
    before = sorted(p.name for p in full_disk.iterdir())
    result = run_main([a.format(d=full_disk, tmp=tmp_path) for a in argv], capfd)
    assert_one_error_line(result, 8, ("no space left",))
    leftovers = [p for p in full_disk.rglob("*") if p.name.endswith(".part")]
    assert not leftovers, leftovers
    if argv[0] != "batch":  # batch keeps its finished chunks for a resume, by design
        assert sorted(p.name for p in full_disk.iterdir()) == before


def test_full_disk_for_voice_cache(full_disk, monkeypatch, capfd):
    """`voice save` (a blend) into a voices directory on a full disk."""
    monkeypatch.setenv("TTSCLI_HOME", str(full_disk / "home"))
    (full_disk / "filler").write_bytes(b"\0" * (508 * 1024))
    result = run_main(["voice", "save", "mix", "--voice", "af_heart:50,am_adam:50", "--model", "kokoro:v1.0-int8-ja"],
                      capfd)
    if result.code == 4:
        pytest.skip("the Kokoro int8 package is not installed")
    assert_one_error_line(result, 8, ("no space left",))


# --- 9. reproducibility -------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["ogg", "opus", "flac", "mp3", "wav"])
def test_identical_runs_give_identical_bytes(fmt, tmp_path, capfd):
    digests = []
    for n in range(2):
        out = tmp_path / f"run{n}.{fmt}"
        result = run_main(["say", "Hello there, friend.", "--seed", "7", "-o", str(out)], capfd)
        assert result.code == 0, result.err
        digests.append(hashlib.sha256(out.read_bytes()).hexdigest())
    assert digests[0] == digests[1], fmt


def test_file_and_stream_share_one_pcm_conversion(tmp_path, capfd):
    import numpy as np
    import soundfile as sf

    assert run_main(["say", "Hello there, friend.", "--seed", "7", "-o", str(tmp_path / "f.wav")], capfd).code == 0
    with open(tmp_path / "s.wav", "wb") as sink:  # `-o - > s.wav`, through the stream sink
        from ttscli import engine
        from ttscli.request import Request
        from ttscli.audio.sinks import StreamSink
        from ttscli.backends.base import SynthesisOptions

        loaded = engine.load(None, None)
        segments = engine.segments(Request("Hello there, friend."), loaded)
        with StreamSink(sink) as stream:
            engine.speak(loaded, segments, SynthesisOptions(seed=7), stream)
    a, _ = sf.read(tmp_path / "f.wav", dtype="int16")
    b, _ = sf.read(tmp_path / "s.wav", dtype="int16")
    assert len(a) == len(b) and np.array_equal(a, b)
