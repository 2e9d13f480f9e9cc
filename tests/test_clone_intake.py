"""Bad and odd reference recordings: each is processed or refused with one line.

Refusals go through the real CLI (exit code, one stderr line, no traceback).
Files that must be accepted go through the real CLI too, with the cheap
synthetic NeuTTS encoder (see test_clone_neutts), and their conditioned clip is
checked in process: mono, the encoder's rate, loudness, length policy.
"""

from __future__ import annotations

import logging

import numpy as np
import pytest

from support.clone_helpers import SCIPY_WAVS, SPEECH, neutts_model, neutts_setup, speechlike, write_wav
from support.cli import assert_clean_error, run_cli
from ttscli.clone import conditioning, reference
from ttscli.errors import BadInput

TEXT = "Hello from the reference voice."


@pytest.fixture(scope="module")
def neu(tmp_path_factory):
    pytest.importorskip("torch")
    pytest.importorskip("llama_cpp")
    root = tmp_path_factory.mktemp("intake")
    return root, neutts_setup(root), neutts_model(root / "model", 0, [5, 6, 7])


def clone(neu, *refs, name="v"):
    root, env, model = neu
    return run_cli("clone", name, *map(str, refs), "--model", str(model), "--text", TEXT, env=env)


def loudness(samples, rate):
    import pyloudnorm

    return pyloudnorm.Meter(rate).integrated_loudness(samples.astype(np.float64))


# --- refused, one line each


def test_silence_is_refused(neu, tmp_path):
    path = write_wav(tmp_path / "silence.wav", np.zeros(48000 * 3, np.float32), 48000)
    assert_clean_error(clone(neu, path), 3, "silence.wav", "silent")


def test_half_second_clip_is_refused_naming_its_length(neu, tmp_path):
    path = write_wav(tmp_path / "short.wav", speechlike(0.5, 16000)[int(0.4 * 16000):-int(0.4 * 16000)], 16000)
    line = assert_clean_error(clone(neu, path), 3, "0.5", "at least 1 s")
    assert "short.wav" in line


def test_text_file_renamed_wav_is_refused(neu, tmp_path):
    path = tmp_path / "notes.wav"
    path.write_text("this is not audio\n" * 50)
    assert_clean_error(clone(neu, path), 3, "notes.wav", "not an audio file")


def test_empty_and_zero_sample_files(neu, tmp_path):
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    assert_clean_error(clone(neu, empty), 3, "empty.wav", "0 bytes")
    nothing = write_wav(tmp_path / "nothing.wav", np.zeros((0,), np.float32), 16000)
    assert_clean_error(clone(neu, nothing), 3, "nothing.wav", "no audio samples")


def test_nan_samples_are_refused(neu, tmp_path):
    x = speechlike(2.0, 16000)
    x[1000:1010] = np.nan
    path = write_wav(tmp_path / "nan.wav", x, 16000, subtype="FLOAT")
    assert_clean_error(clone(neu, path), 3, "nan.wav", "NaN")


def test_missing_reference(neu, tmp_path):
    assert_clean_error(clone(neu, tmp_path / "nope.wav"), 4, "nope.wav", "does not exist")


@pytest.mark.parametrize("name", [
    "test-44100Hz-le-1ch-4bytes-early-eof.wav",  # truncated
    "test-44100Hz-le-1ch-4bytes-early-eof-no-data.wav",
    "test-44100Hz-le-1ch-4bytes-incomplete-chunk.wav",
    "test-8000Hz-le-1ch-1byte-ulaw.wav",  # 8-bit mu-law
    "test-8000Hz-le-3ch-5S-24bit.wav",  # 3 channels
    "test-44100Hz-le-1ch-4bytes-rf64.wav",  # RF64
    "test-48000Hz-2ch-64bit-float-le-wavex.wav",  # 64-bit float
    "test-8000Hz-le-3ch-5S-64bit.wav",  # 64-bit integer PCM (libsndfile refuses it)
])
def test_scipy_odd_wavs(neu, name):
    """All are shorter than a second: read (or found unreadable), then refused with one line."""
    if SCIPY_WAVS is None or not (SCIPY_WAVS / name).exists():
        pytest.skip("scipy's test WAVs are not installed")
    proc = clone(neu, SCIPY_WAVS / name)
    line = assert_clean_error(proc, 3)
    assert name in line


@pytest.mark.parametrize("name,rate,channels", [
    ("test-8000Hz-le-1ch-1byte-ulaw.wav", 8000, 1),
    ("test-8000Hz-le-3ch-5S-24bit.wav", 8000, 3),
    ("test-44100Hz-le-1ch-4bytes-rf64.wav", 44100, 1),
    ("test-48000Hz-2ch-64bit-float-le-wavex.wav", 48000, 2),
])
def test_scipy_odd_wavs_are_read(name, rate, channels):
    if SCIPY_WAVS is None or not (SCIPY_WAVS / name).exists():
        pytest.skip("scipy's test WAVs are not installed")
    raw = reference.read(SCIPY_WAVS / name)
    assert (raw.sample_rate, raw.channels) == (rate, channels)
    assert raw.samples.ndim == 1 and raw.samples.dtype == np.float32 and np.isfinite(raw.samples).all()


# --- accepted (processed)


def test_clipped_audio_is_used_with_a_warning(neu, tmp_path, caplog):
    x = np.clip(speechlike(4.0, 16000, level=1.5), -1.0, 1.0)
    path = write_wav(tmp_path / "clipped.wav", x, 16000, subtype="FLOAT")
    proc = clone(neu, path, name="clipped")
    assert proc.returncode == 0, proc.stderr.decode()
    assert b"clipped" in proc.stderr and b"warning" in proc.stderr
    with caplog.at_level(logging.WARNING):
        clip = conditioning.condition([reference.read(path)], 16000, 15.0)
    assert clip.clipped > 0.01 and "clipped" in caplog.text
    assert np.max(np.abs(clip.samples)) <= conditioning.PEAK_LIMIT + 1e-6


def test_192khz_reference(neu, tmp_path):
    path = write_wav(tmp_path / "hi.wav", speechlike(3.5, 192000), 192000, subtype="PCM_24")
    assert clone(neu, path, name="hires").returncode == 0
    clip = conditioning.condition([reference.read(path)], 16000, 15.0)
    assert clip.sample_rate == 16000 and 3.3 < clip.seconds < 3.9
    assert abs(loudness(clip.samples, 16000) - conditioning.TARGET_LUFS) < 1.0


def test_mp3_reference(neu, tmp_path):
    path = write_wav(tmp_path / "voice.mp3", speechlike(3.0, 44100), 44100, format="MP3")
    assert clone(neu, path, name="mp3").returncode == 0
    raw = reference.read(path)
    # MP3 is decoded by ffmpeg (libmpg123 "decodes" anything named .mp3), at its fixed decode rate
    assert raw.sample_rate == reference.FFMPEG_RATE and 3.5 < raw.seconds < 4.2


def test_m4a_goes_through_ffmpeg(neu, tmp_path):
    import subprocess

    from ttscli.audio import ffmpeg

    wav = write_wav(tmp_path / "src.wav", speechlike(3.0, 24000), 24000)
    m4a = tmp_path / "voice.m4a"
    subprocess.run([ffmpeg.exe(), "-loglevel", "error", "-i", str(wav), "-c:a", "aac", str(m4a)], check=True)
    raw = reference.read(m4a)
    assert raw.sample_rate == reference.FFMPEG_RATE and 3.5 < raw.seconds < 4.0
    assert clone(neu, m4a, name="m4a").returncode == 0


def test_jfk_44k_stereo(neu):
    if SPEECH is None:
        pytest.skip("shared speech is absent")
    path = SPEECH / "jfk.flac"
    raw = reference.read(path)
    assert raw.sample_rate == 44100 and raw.channels == 2
    clip = conditioning.condition([raw], 16000, 15.0)
    assert clip.sample_rate == 16000 and 8.0 < clip.seconds <= 11.0 and clip.window is None
    assert abs(loudness(clip.samples, 16000) - conditioning.TARGET_LUFS) < 1.0
    assert clone(neu, path, name="jfk").returncode == 0


def test_short_reference_warns(neu, tmp_path):
    path = write_wav(tmp_path / "two.wav", speechlike(2.0, 16000), 16000)
    proc = clone(neu, path, name="two")
    assert proc.returncode == 0 and b"only 2" in proc.stderr


def test_long_reference_uses_the_best_window(neu, tmp_path):
    """40 s: 15 s of near-silence, 20 s of speech, 5 s of noise floor: the window lands in the speech."""
    rate = 16000
    speech = speechlike(20.0, rate)
    quiet = np.random.default_rng(1).standard_normal(15 * rate).astype(np.float32) * 0.002
    x = np.concatenate([quiet, speech, quiet[: 5 * rate]])
    x[: rate // 2] = 0.3 * np.sin(np.arange(rate // 2) / 5)  # a click at the start so trimming keeps the quiet part
    path = write_wav(tmp_path / "long.wav", x, rate)
    clip = conditioning.condition([reference.read(path)], rate, 15.0)
    start, end = clip.window
    assert end - start <= 15.0 and start >= 14.0 and end <= 36.0
    proc = clone(neu, path, name="long")
    assert proc.returncode == 0 and b"window with the most speech" in proc.stderr


def test_several_references_are_joined(neu, tmp_path):
    a = write_wav(tmp_path / "a.wav", speechlike(2.0, 16000, seed=1), 16000)
    b = write_wav(tmp_path / "b.flac", speechlike(2.0, 48000, seed=2), 48000)
    raws = [reference.read(a), reference.read(b)]
    clip = conditioning.condition(raws, 16000, 15.0)
    assert 4.0 < clip.seconds < 5.2  # two trimmed clips and a 0.3 s gap
    assert reference.sources_sha256(raws) != reference.sources_sha256(raws[::-1])
    assert clone(neu, a, b, name="joined").returncode == 0


def test_silent_file_among_several_is_named():
    with pytest.raises(BadInput, match="quiet.wav is silent"):
        raw = reference.RawAudio(reference.Path("quiet.wav"), np.zeros(32000, np.float32), 16000, 1, "0")
        conditioning.condition([raw], 16000, 15.0)
