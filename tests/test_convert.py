"""`ttscli convert` with real speech from the bundled voice and the bundled ffmpeg."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf
from support.cli import assert_clean_error, run_cli


@pytest.fixture(scope="module")
def speech(tmp_path_factory):
    path = tmp_path_factory.mktemp("convert") / "speech.wav"
    proc = run_cli("say", "Converting speech between formats keeps every word.", "-o", str(path))
    assert proc.returncode == 0, proc.stderr.decode()
    return path


def _duration(path) -> float:
    from ttscli.audio.ffmpeg import read_blocks

    rate, _, blocks = read_blocks(path)
    return sum(len(b) for b in blocks) / rate


@pytest.mark.parametrize("fmt", ["wav", "flac", "ogg", "opus", "mp3", "m4a", "m4b"])
def test_every_output_format(speech, tmp_path, fmt):
    out = tmp_path / f"speech.{fmt}"
    proc = run_cli("convert", str(speech), str(out))
    assert proc.returncode == 0, proc.stderr.decode()
    assert _duration(out) == pytest.approx(sf.info(str(speech)).duration, abs=0.08)
    from ttscli.audio.ffmpeg import probe

    rate, channels = probe(out)
    assert channels == 1 and rate in (22050, 24000, 48000)
    assert [p for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


def test_rate_channels_and_loudness(speech, tmp_path):
    import pyloudnorm

    out = tmp_path / "loud.flac"
    proc = run_cli("convert", str(speech), str(out), "--rate", "16000", "--channels", "2", "--loudness", "-23")
    assert proc.returncode == 0, proc.stderr.decode()
    audio, rate = sf.read(str(out))
    assert rate == 16000 and audio.shape[1] == 2
    assert np.allclose(audio[:, 0], audio[:, 1])
    assert pyloudnorm.Meter(rate).integrated_loudness(audio) == pytest.approx(-23.0, abs=0.5)


def test_compressed_input_through_ffmpeg_and_bitrate(speech, tmp_path):
    m4a = tmp_path / "speech.m4a"
    assert run_cli("convert", str(speech), str(m4a), "--bitrate", "32k").returncode == 0
    back = tmp_path / "back.wav"
    proc = run_cli("convert", str(m4a), str(back))
    assert proc.returncode == 0, proc.stderr.decode()
    audio, rate = sf.read(str(back))
    original, _ = sf.read(str(speech))
    assert rate == 22050 and abs(len(audio) - len(original)) < rate * 0.1
    assert np.abs(audio).max() > 0.1
    small = tmp_path / "small.mp3"
    big = tmp_path / "big.mp3"
    run_cli("convert", str(speech), str(small), "--bitrate", "32k")
    run_cli("convert", str(speech), str(big), "--bitrate", "128k")
    assert small.stat().st_size < big.stat().st_size


def test_several_inputs_into_a_directory(speech, tmp_path):
    other = tmp_path / "other.flac"
    assert run_cli("convert", str(speech), str(other)).returncode == 0
    out = tmp_path / "mp3s"
    proc = run_cli("convert", str(speech), str(other), str(out), "--format", "mp3")
    assert proc.returncode == 0, proc.stderr.decode()
    assert sorted(p.name for p in out.iterdir()) == ["other.mp3", "speech.mp3"]
    assert_clean_error(run_cli("convert", str(speech), str(other), str(tmp_path / "x")), 2, "--format")


def test_refuses_to_overwrite_its_input(speech, tmp_path):
    copy = tmp_path / "copy.wav"
    copy.write_bytes(speech.read_bytes())
    before = copy.read_bytes()
    assert_clean_error(run_cli("convert", str(copy), str(copy)), 2, "input itself")
    assert_clean_error(run_cli("convert", str(copy), str(tmp_path), "--format", "wav"), 2, "input itself")
    assert copy.read_bytes() == before


def test_bad_inputs(tmp_path, readonly_dir, speech):
    text = tmp_path / "notes.txt"
    text.write_text("not audio at all")
    assert_clean_error(run_cli("convert", str(text), str(tmp_path / "a.wav")), 3, "not an audio file")
    assert_clean_error(run_cli("convert", str(tmp_path / "none.wav"), str(tmp_path / "b.wav")), 3, "does not exist")
    assert_clean_error(run_cli("convert", str(speech), str(tmp_path / "c.aiff")), 2, "unsupported output format")
    assert_clean_error(run_cli("convert", str(speech), str(readonly_dir / "d.wav")), 8)
    assert_clean_error(run_cli("convert", str(speech)), 2, "input and the output")
    assert not any((tmp_path / n).exists() for n in ("a.wav", "b.wav", "c.aiff"))
    assert list(readonly_dir.iterdir()) == []
