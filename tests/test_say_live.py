"""`say` on live stdin (a pipe that a writer fills over time): real processes and real pipes.

The writer here is the test itself: it sends a line, then waits until audio has come out
before it sends the next one, so a `say` that waited for EOF would never produce that audio
(and the test would fail on its time limit, not pass by luck)."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
import wave

import pytest
from support.cli import REPO

RATE = 22050
BYTES_PER_SECOND = RATE * 2


def _start(*args: str, server: str | None = None) -> subprocess.Popen:
    """`say ARGS` reading a pipe: in-process (--no-server), or through the server at ``server``."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
    if server:
        env["TTSCLI_HOST"] = server
    command = [sys.executable, "-m", "ttscli", "say", *(() if server else ("--no-server",)), *args]
    return subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)


def _two_lines(proc: subprocess.Popen) -> bytes:
    """Line one, then (only once a second of its audio has come) line two; all the audio."""
    try:
        _send(proc, "Hello there, this is the first line.\n")
        first = _read_at_least(proc, BYTES_PER_SECOND)  # a second of speech, and no EOF yet
        assert proc.poll() is None
        _send(proc, "And here is a second line.\n")
        more = _read_at_least(proc, BYTES_PER_SECOND)
        proc.stdin.close()
        rest = proc.stdout.read()
        assert proc.wait(120) == 0, proc.stderr.read().decode()
    finally:
        proc.kill()
    return first + more + rest


def _read_at_least(proc: subprocess.Popen, n: int, timeout: float = 120) -> bytes:
    """At least ``n`` bytes of stdout (fewer only at EOF); fails after ``timeout`` seconds."""
    data = b""
    fd = proc.stdout.fileno()
    deadline = time.monotonic() + timeout
    while len(data) < n:
        left = deadline - time.monotonic()
        assert left > 0, f"only {len(data)} bytes of audio after {timeout} s: say waited for more input"
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            block = os.read(fd, 1 << 16)
            if not block:
                break
            data += block
    return data


def _send(proc: subprocess.Popen, text: str) -> None:
    proc.stdin.write(text.encode())
    proc.stdin.flush()


def test_each_line_is_spoken_before_the_next_arrives():
    total = len(_two_lines(_start("--raw"))) / BYTES_PER_SECOND
    assert 2.5 < total < 8.0  # two lines of speech


def test_tokens_without_newlines_are_spoken_as_they_come():
    proc = _start("--raw", "--idle", "0.3")
    try:
        for token in ["Streams ", "of ", "tokens ", "arrive ", "one ", "by ", "one. ", "Then "]:
            _send(proc, token)
            time.sleep(0.05)
        # "one." is complete once "Then" shows that a new sentence began; "Then" alone waits for --idle
        first = _read_at_least(proc, BYTES_PER_SECOND // 2)
        assert proc.poll() is None
        proc.stdin.close()
        rest = proc.stdout.read()
        assert proc.wait(60) == 0, proc.stderr.read().decode()
    finally:
        proc.kill()
    assert len(first + rest) / BYTES_PER_SECOND > 1.5


def test_a_wav_stream_and_timings_across_a_gap(tmp_path):
    timings = tmp_path / "words.jsonl"
    proc = _start("--timings-jsonl", str(timings))
    try:
        _send(proc, "The first sentence is here.\n")
        head = _read_at_least(proc, 44 + BYTES_PER_SECOND // 2)
        time.sleep(1.0)  # a gap in the input: no audio is made for it
        _send(proc, "A second one follows.\n")
        proc.stdin.close()
        rest = proc.stdout.read()
        assert proc.wait(120) == 0, proc.stderr.read().decode()
    finally:
        proc.kill()
    data = head + rest
    assert data[:4] == b"RIFF" and data[8:12] == b"WAVE"
    assert int.from_bytes(data[24:28], "little") == RATE
    seconds = (len(data) - 44) / BYTES_PER_SECOND
    words = [json.loads(line) for line in timings.read_text().splitlines()]
    assert [w["text"] for w in words] == ["The", "first", "sentence", "is", "here.", "A", "second", "one", "follows."]
    starts = [w["start"] for w in words]
    assert starts == sorted(starts) and words[-1]["end"] <= seconds + 0.01
    assert words[5]["start"] - words[4]["end"] < 0.6  # the wall-clock gap is not in the audio
    assert words[5]["char_start"] > words[4]["char_end"]


def test_a_file_is_written_once_at_the_end(tmp_path):
    out = tmp_path / "live.wav"
    proc = _start("-o", str(out))
    try:
        _send(proc, "One line now.\n")
        time.sleep(1.5)
        assert not out.exists()  # written atomically at the end, as for whole text
        _send(proc, "Another line later.\n")
        proc.stdin.close()
        assert proc.wait(120) == 0, proc.stderr.read().decode()
    finally:
        proc.kill()
    with wave.open(str(out)) as wav:
        assert wav.getframerate() == RATE and wav.getnframes() / RATE > 1.5
    assert [p.name for p in tmp_path.iterdir()] == ["live.wav"]  # no temporary file left


def test_text_that_arrives_at_once_keeps_the_whole_text_bytes(tmp_path):
    text = "Hello there. Dr. Smith paid $42.50.\n\nA new paragraph.\n"
    src = tmp_path / "in.txt"
    src.write_text(text)
    piped, filed = tmp_path / "piped.wav", tmp_path / "filed.wav"
    proc = _start("-o", str(piped))
    proc.communicate(text.encode(), timeout=120)
    assert proc.returncode == 0
    with open(src, "rb") as fh:
        subprocess.run([sys.executable, "-m", "ttscli", "say", "--no-server", "-o", str(filed)], stdin=fh,
                       check=True, cwd=REPO, capture_output=True, timeout=120)
    assert piped.read_bytes() == filed.read_bytes()


def test_empty_input_and_a_closed_reader():
    proc = _start("--raw")
    _, err = proc.communicate(b"\n  \n", timeout=120)
    assert proc.returncode == 3 and b"no text to speak" in err and b"Traceback" not in err
    proc = _start("--raw")
    try:
        _send(proc, "A line for a reader who leaves.\n")
        _read_at_least(proc, 1000)
        proc.stdout.close()  # the reader went away
        _send(proc, "Nobody hears this line any more, it is long enough to fill a pipe.\n")
        try:
            proc.stdin.close()
        except BrokenPipeError:
            pass
        assert proc.wait(60) == 141  # PIPE_CLOSED, quietly
        assert b"Traceback" not in proc.stderr.read()
    finally:
        proc.kill()


@pytest.mark.parametrize("sig,code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_stop_signal_mid_stream_leaves_no_file(tmp_path, sig, code):
    out = tmp_path / "stopped.wav"
    proc = _start("-o", str(out))
    try:
        _send(proc, "Some words to start with.\n")
        time.sleep(3.0)
        proc.send_signal(sig)
        assert proc.wait(60) == code
        assert b"Traceback" not in proc.stderr.read()
    finally:
        proc.kill()
    assert list(tmp_path.iterdir()) == []


def test_live_input_through_a_warm_server(tmp_path):
    """With the user's server answering, each piece is a request to it: the say process loads no
    model, and the lines are still spoken as they arrive."""
    from support.server import ServerProcess

    (tmp_path / "srv").mkdir()
    srv = ServerProcess(tmp_path / "srv")
    try:
        audio = _two_lines(_start("--raw", server=srv.url))
        served = srv.model_status()
        assert served is not None and served["requests"] >= 2  # one request per line
        assert 2.5 < len(audio) / BYTES_PER_SECOND < 8.0
    finally:
        srv.stop()
