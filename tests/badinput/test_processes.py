"""Bad-input corpus, process cases: signals during `say`, readers that go away.

Each case runs the real CLI in a subprocess. An interrupted or terminated `say`
must exit 130 (SIGINT) or 143 (SIGTERM) with one line on stderr, remove its
temporary file, and leave an existing output untouched. (A SIGTERM that lands
while the interpreter is still starting, before ttscli runs, takes the default
action: the process ends by the signal, having written nothing.) A reader that closes
the pipe early gets exit 141 and nothing on stderr (documented: like SIGPIPE).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from support.cli import assert_clean_error

PROSE = ("The river ran past the old mill and under the stone bridge, where the children waited for the "
         "evening train. ") * 400
MOMENTS = ["starting", "first-audio", "mid-file"]


def _wait_for(predicate, timeout: float = 120.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def _parts(directory: Path) -> list[Path]:
    return [p for p in directory.iterdir() if p.name.endswith(".part")]


@pytest.mark.parametrize("moment", MOMENTS)
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["sigint", "sigterm"])
def test_signal_during_say(sig, moment, tmp_path):
    text = tmp_path / "book.txt"
    text.write_text(PROSE)
    out = tmp_path / "book.wav"
    out.write_bytes(b"yesterday's take, which must survive")
    proc = subprocess.Popen([sys.executable, "-m", "ttscli", "say", "-f", str(text), "-o", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if moment == "starting":
        time.sleep(0.3)
    elif moment == "first-audio":
        assert _wait_for(lambda: _parts(tmp_path)), "say never opened its temporary file"
    else:
        assert _wait_for(lambda: any(p.stat().st_size > 2_000_000 for p in _parts(tmp_path) if p.exists()))
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    # Ending by SIGINT itself is what a shell reports as 130 too; CPython does that when the
    # interrupt passed through C code that ran Python (an import, pybind11), after our line.
    code = 130 if sig == signal.SIGINT and proc.returncode == -signal.SIGINT else proc.returncode
    done = subprocess.CompletedProcess(proc.args, code, b"", err)
    if moment == "starting" and sig == signal.SIGTERM and code == -signal.SIGTERM:
        assert err == b""  # still inside Python's start-up: the default action, nothing was written yet
    elif sig == signal.SIGINT:
        assert_clean_error(done, 130, "interrupted")
    else:
        assert_clean_error(done, 143, "terminated", "SIGTERM")
    assert out.read_bytes() == b"yesterday's take, which must survive"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.txt", "book.wav"]


@pytest.mark.parametrize("argv,keep", [
    (("say", PROSE[:3000], "-o", "-"), 100),  # audio: far more than a pipe buffer, so it meets the closed end
    (("list", "--available"), 0),  # a small table: the reader is gone before it is written
], ids=["say-wav-stream", "list"])
def test_reader_closes_stdout_early(argv, keep):
    proc = subprocess.Popen([sys.executable, "-m", "ttscli", *argv], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    first = proc.stdout.read(keep) if keep else b""
    proc.stdout.close()  # like `| head -c 100`
    err = proc.stderr.read()
    proc.wait(timeout=120)
    assert len(first) == keep
    assert proc.returncode == 141, err.decode()
    assert err == b"", err.decode()


def test_stdout_closed_before_start_then_file_output_still_works(tmp_path):
    """With fd 1 closed, writing to a file is fine (nothing needs stdout)."""
    out = tmp_path / "fine.wav"
    proc = subprocess.run([sys.executable, "-m", "ttscli", "say", "Hello there.", "-o", str(out)],
                          capture_output=True, timeout=120, preexec_fn=lambda: os.close(1))
    assert proc.returncode == 0, proc.stderr.decode()
    assert out.stat().st_size > 10_000
