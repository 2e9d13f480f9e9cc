"""Resume: kill -9 at many points, Ctrl-C, and a second batch on the same output directory."""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support.cli import assert_clean_error, run_cli

pytestmark = pytest.mark.slow

BOOK = """CHAPTER 1

The lighthouse keeper climbed the stairs at dusk.

He wound the clock and trimmed the wick.

CHAPTER 2

A ship passed far out, its lamps like stars.

The keeper wrote its name in the log.

Then he made tea and watched the sea.

CHAPTER 3

Morning came grey and calm.

He slept until noon.
"""
FORMATS = ["--format", "m4b", "--format", "flac", "--format", "mp3", "--format", "opus"]


def _cmd(src: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "ttscli", "batch", str(src), "-o", str(out), *FORMATS, *extra]


def _digests(out: Path) -> dict[str, str]:
    """Every file under ``out`` except the work folder, by relative path."""
    files = {}
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out)
        if path.is_file() and rel.parts[0] != ".ttscli":
            files[str(rel)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return files


def _kill_at(cmd: list[str], trigger, delay: float) -> tuple[int, list[dict]]:
    """Run ``cmd`` with --json-progress; SIGKILL it ``delay`` s after the first event ``trigger`` accepts."""
    proc = subprocess.Popen([*cmd, "--json-progress"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    events = []
    try:
        for line in proc.stderr:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            events.append(event)
            if trigger(event):
                time.sleep(delay)
                proc.send_signal(signal.SIGKILL)
                break
        return proc.wait(timeout=300), events
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("resume")
    src = tmp / "keeper.txt"
    src.write_text(BOOK)
    clean = tmp / "clean"
    proc = subprocess.run(_cmd(src, clean), capture_output=True, timeout=300)
    assert proc.returncode == 0, proc.stderr.decode()
    return src, clean, _digests(clean)


_RNG = random.Random(9)
# ten kill points, each in a fresh output directory: after the n-th newly synthesized chunk (plus a
# random delay), and while chapters are assembled, encoded and the m4b is muxed
KILL_POINTS = [("chunk", n, round(_RNG.uniform(0.0, 0.2), 3)) for n in sorted(_RNG.sample(range(1, 9), 6))]
KILL_POINTS += [("chapter", 1, 0.05), ("output", 2, 0.0), ("chapter", 2, 0.1), ("mux", 1, 0.0)]


@pytest.mark.parametrize("kind, nth, delay", KILL_POINTS, ids=[f"{k}{n}+{d}s" for k, n, d in KILL_POINTS])
def test_kill_9_then_resume_is_byte_identical(book, tmp_path, kind, nth, delay):
    src, _, expected = book
    assert len(expected) == 1 + 3 * 3  # the m4b + three chapters as flac, mp3 and opus
    out = tmp_path / "out"
    seen = {"n": 0}

    def trigger(event):
        if event["event"] != kind or event.get("cached"):
            return False
        seen["n"] += 1
        return seen["n"] >= nth

    code, events = _kill_at(_cmd(src, out), trigger, delay)
    assert code == -signal.SIGKILL, (code, events[-3:])
    assert not (out / "keeper.m4b").exists() or kind != "mux"
    final = subprocess.run(_cmd(src, out), capture_output=True, timeout=300)
    assert final.returncode == 0, final.stderr.decode()
    assert _digests(out) == expected
    assert [p for p in out.rglob("*") if p.name.endswith(".part")] == []
    assert not list((out / ".ttscli" / "keeper" / "tmp").iterdir())


def test_ctrl_c_exits_130_with_the_resume_command_then_rerun_completes(book, tmp_path):
    src, _, expected = book
    out = tmp_path / "out"
    proc = subprocess.Popen(_cmd(src, out), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    chunks = out / ".ttscli" / "keeper" / "chunks"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not list(chunks.glob("*.wav")) and proc.poll() is None:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=120)
    done = subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)
    line = assert_clean_error(done, 130, "interrupted", "resume with: ttscli batch")
    assert str(src) in line
    assert not (out / "keeper.m4b").exists()
    again = subprocess.run(_cmd(src, out), capture_output=True, timeout=300)
    assert again.returncode == 0, again.stderr.decode()
    assert _digests(out) == expected
    assert "reused" in again.stdout.decode() and " 0 reused" not in again.stdout.decode()


def test_second_batch_on_the_same_output_refuses_with_exit_9(book, tmp_path):
    src, _, _ = book
    out = tmp_path / "out"
    first = subprocess.Popen([*_cmd(src, out), "--json-progress"], stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for line in first.stderr:  # the first one holds the lock once it reports the book
            if b'"event": "book"' in line:
                break
        second = run_cli("batch", str(src), "-o", str(out), "--format", "wav")
        assert_clean_error(second, 9, "another ttscli process", str(out))
        assert not (out / "keeper").exists() or not list((out / "keeper").glob("*.wav"))
    finally:
        first.send_signal(signal.SIGINT)
        first.communicate(timeout=120)
    assert first.returncode == 130


def test_changed_text_redoes_only_changed_chunks(book, tmp_path):
    src, clean, _ = book
    out = tmp_path / "out"
    import shutil

    shutil.copytree(clean, out)
    edited = tmp_path / "keeper.txt"
    edited.write_text(BOOK.replace("He slept until noon.", "He slept until two."))
    proc = run_cli("batch", str(edited), "-o", str(out), *FORMATS)
    assert proc.returncode == 0, proc.stderr.decode()
    assert "1 chunk synthesized, 9 reused" in proc.stdout.decode()
    assert os.path.getsize(out / "keeper.m4b") > 0
