"""`ttscli say` end to end on the embedded Piper joe voice (real weights, real ORT)."""

from __future__ import annotations

import io
import wave

import numpy as np
import pytest
import soundfile as sf

from support.asr import transcribe, word_errors

from support.cli import assert_clean_error, run_cli

SENTENCE = "The quick brown fox jumps over the lazy dog near the river bank."


def _rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x.astype(np.float64)))))


@pytest.fixture(scope="module")
def hello_wav(tmp_path_factory):
    out = tmp_path_factory.mktemp("say") / "hello.wav"
    proc = run_cli("say", SENTENCE, "-o", str(out))
    assert proc.returncode == 0, proc.stderr.decode()
    return out


def test_say_writes_speech_file(hello_wav):
    audio, rate = sf.read(hello_wav, dtype="float32")
    assert rate == 22050
    assert audio.ndim == 1
    words = len(SENTENCE.split())
    # Speech runs at roughly 2-4 words per second.
    assert words / 4.5 < len(audio) / rate < words / 1.5
    assert _rms(audio) > 0.03  # far above silence (digital silence is 0)


def test_say_asr_round_trip(hello_wav, whisper):
    audio, rate = sf.read(hello_wav, dtype="float32")
    errors, n = word_errors(SENTENCE, transcribe(whisper, audio, rate))
    assert errors <= 1, (errors, n)


def test_stdout_wav_stream_parses(tmp_path):
    proc = run_cli("say", "Streaming to a pipe works.", "-o", "-")
    assert proc.returncode == 0, proc.stderr.decode()
    audio, rate = sf.read(io.BytesIO(proc.stdout), dtype="int16")
    assert rate == 22050 and len(audio) > rate // 2
    # The header says "unknown length" (0xFFFFFFFF) because a pipe cannot be rewound.
    assert proc.stdout[4:8] == b"\xff\xff\xff\xff" and proc.stdout[40:44] == b"\xff\xff\xff\xff"


def test_stdout_redirected_to_file_gets_real_sizes(tmp_path):
    out = tmp_path / "redirect.wav"
    with open(out, "wb") as fh:
        import subprocess
        import sys

        proc = subprocess.run([sys.executable, "-m", "ttscli", "say", "Seekable output.", "-o", "-"],
                              stdout=fh, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr.decode()
    with wave.open(str(out)) as w:  # the stdlib reader needs exact sizes
        assert w.getframerate() == 22050 and w.getnframes() == (out.stat().st_size - 44) // 2


def test_raw_pcm_byte_count_and_rate_note():
    wav = run_cli("say", "Raw mode test.", "-o", "-")
    raw = run_cli("say", "Raw mode test.", "--raw")
    assert raw.returncode == 0, raw.stderr.decode()
    samples, _ = sf.read(io.BytesIO(wav.stdout), dtype="int16")
    assert len(raw.stdout) == 2 * len(samples)
    assert "22050 Hz" in raw.stderr.decode() and "s16le" in raw.stderr.decode()


def test_stdin_input(tmp_path):
    out = tmp_path / "stdin.wav"
    proc = run_cli("say", "-o", str(out), input="Reading from standard input.".encode())
    assert proc.returncode == 0, proc.stderr.decode()
    assert sf.info(out).duration > 1.0


def test_file_input_and_formats(tmp_path):
    src = tmp_path / "in.txt"
    src.write_text("\ufeffA file with a byte order mark.\r\nAnd a second line.\r\n", encoding="utf-8")
    for ext, fmt in (("flac", "FLAC"), ("ogg", "OGG"), ("mp3", "MP3")):
        out = tmp_path / f"out.{ext}"
        proc = run_cli("say", "-f", str(src), "-o", str(out))
        assert proc.returncode == 0, proc.stderr.decode()
        info = sf.info(out)
        assert info.format == fmt and info.duration > 1.5


def test_first_audio_arrives_before_the_rest_is_synthesized():
    """Read the stream incrementally: the first sentence's audio must be flushed
    while later sentences are still being synthesized."""
    import subprocess
    import sys
    import time

    text = " ".join(f"This is sentence number {i}, and it is long enough to take a while." for i in range(12))
    proc = subprocess.Popen([sys.executable, "-m", "ttscli", "say", text, "-o", "-"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    first = proc.stdout.read(44 + 4096)
    t_first = time.monotonic()
    rest = proc.stdout.read()
    t_end = time.monotonic()
    assert proc.wait() == 0
    assert len(first) == 44 + 4096 and len(rest) > 10 * len(first)
    assert t_end - t_first > 0.5  # synthesis was still going on after the first audio


def test_volume_and_speed(tmp_path):
    base, fast, quiet = tmp_path / "b.wav", tmp_path / "f.wav", tmp_path / "q.wav"
    assert run_cli("say", SENTENCE, "-o", str(base)).returncode == 0
    assert run_cli("say", SENTENCE, "--speed", "1.5", "-o", str(fast)).returncode == 0
    assert run_cli("say", SENTENCE, "--volume", "0.25", "-o", str(quiet)).returncode == 0
    b, _ = sf.read(base)
    f, _ = sf.read(fast)
    q, _ = sf.read(quiet)
    assert len(f) < 0.8 * len(b)
    assert _rms(q) < 0.5 * _rms(b)


def test_sentence_silence_adds_time(tmp_path):
    text = "One sentence here. Another sentence there. A third one."
    plain, padded = tmp_path / "p.wav", tmp_path / "s.wav"
    assert run_cli("say", text, "-o", str(plain)).returncode == 0
    assert run_cli("say", text, "--sentence-silence", "1.0", "-o", str(padded)).returncode == 0
    extra = sf.info(padded).duration - sf.info(plain).duration
    assert 1.6 < extra < 2.4  # two gaps between three sentences


# --- errors -----------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   \n\t  "])
def test_empty_text_exit_3_no_file(tmp_path, text):
    out = tmp_path / "empty.wav"
    proc = run_cli("say", text, "-o", str(out))
    assert_clean_error(proc, 3, "no text")
    assert list(tmp_path.iterdir()) == []


def test_empty_stdin(tmp_path):
    out = tmp_path / "e.wav"
    assert_clean_error(run_cli("say", "-o", str(out), input=b""), 3, "empty")
    assert not out.exists()


def test_output_is_directory(tmp_path):
    assert_clean_error(run_cli("say", "Hi.", "-o", str(tmp_path)), 8, "directory")


def test_output_dir_missing(tmp_path):
    assert_clean_error(run_cli("say", "Hi.", "-o", str(tmp_path / "nope" / "x.wav")), 8, "does not exist")


def test_output_read_only_dir(readonly_dir):
    assert_clean_error(run_cli("say", "Hi.", "-o", str(readonly_dir / "x.wav")), 8, "permission")
    assert list(readonly_dir.iterdir()) == []


def test_output_full_device():
    assert_clean_error(run_cli("say", "Hello there.", "-o", "/dev/full"), 8, "no space")


def test_existing_output_untouched_on_failure(tmp_path):
    out = tmp_path / "keep.wav"
    out.write_bytes(b"previous contents")
    assert_clean_error(run_cli("say", "Hi.", "-o", str(out), "--model", "piper:nope"), 4, "unknown model")
    assert out.read_bytes() == b"previous contents"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.wav"]


def test_interrupted_run_leaves_no_partial_file(tmp_path):
    import signal
    import subprocess
    import sys
    import time

    out = tmp_path / "long.wav"
    text = "This is a long text that keeps the synthesizer busy for a good while. " * 40
    proc = subprocess.Popen([sys.executable, "-m", "ttscli", "say", text, "-o", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any(p.name.endswith(".part") for p in tmp_path.iterdir()):
        time.sleep(0.05)
    time.sleep(0.3)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err.decode()
    assert b"Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_closed_stdout_is_quiet():
    import subprocess
    import sys

    text = "A long text to make sure the reader closes early. " * 20
    p1 = subprocess.Popen([sys.executable, "-m", "ttscli", "say", text, "-o", "-"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    p1.stdout.read(100)
    p1.stdout.close()
    err = p1.stderr.read()
    assert p1.wait(timeout=120) == 141
    assert err == b""


def test_unknown_model_suggests(tmp_path):
    line = assert_clean_error(run_cli("say", "Hi.", "--model", "piper:en_US-joe-mediun"), 4)
    assert "did you mean piper:en_US-joe-medium" in line


def test_unknown_voice_single_speaker():
    assert_clean_error(run_cli("say", "Hi.", "--voice", "nobody", "-o", "-"), 4, "nobody")


def test_bad_speed_is_usage_error():
    assert_clean_error(run_cli("say", "Hi.", "--speed", "-1", "-o", "-"), 2, "--speed")


def test_unsupported_extension():
    assert_clean_error(run_cli("say", "Hi.", "-o", "x.xyz"), 2, "xyz")


def test_debug_shows_traceback():
    proc = run_cli("--debug", "say", "Hi.", "--model", "piper:nope")
    assert proc.returncode == 4
    assert b"Traceback" in proc.stderr
