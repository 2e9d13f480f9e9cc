"""Exact loudness: `convert --loudness` and every `batch` chapter reach the target within ±0.5 LU
with the true peak at most -1 dBTP, as ffmpeg's ebur128 filter measures the written files."""

from __future__ import annotations

import re
import subprocess

import numpy as np
import pytest
import soundfile as sf
from support.cli import SHARED, run_cli

pytestmark = pytest.mark.slow

LIGHTHOUSE = [
    "The lighthouse stood at the edge of the cliff. Every evening the keeper climbed the narrow stairs.",
    "One winter a storm came in from the north. The wind tore shingles from the roofs!",
    "Near midnight she saw a small boat struggling toward the harbor. She kept the light burning.",
]


def ebur128(path) -> tuple[float, float]:
    """(integrated LUFS, true peak dBTP) of a file, measured by ffmpeg."""
    from ttscli.audio.ffmpeg import exe

    proc = subprocess.run([exe(), "-nostdin", "-hide_banner", "-nostats", "-i", str(path), "-af",
                           "ebur128=peak=true:framelog=quiet", "-f", "null", "-"], capture_output=True, text=True)
    summary = proc.stderr[proc.stderr.rfind("Summary:"):]
    loud = float(re.search(r"I:\s*(-?[\d.]+)\s*LUFS", summary).group(1))
    peak = float(re.search(r"Peak:\s*(-?[\d.]+|-inf)\s*dBFS", summary).group(1))
    return loud, peak


@pytest.fixture(scope="module")
def voice_wav(tmp_path_factory):
    path = tmp_path_factory.mktemp("loud") / "voice.wav"
    proc = run_cli("say", " ".join(LIGHTHOUSE), "-o", str(path))
    assert proc.returncode == 0, proc.stderr.decode()
    return path


@pytest.mark.parametrize("target", [-16.0, -20.0, -23.0])
def test_convert_reaches_the_target(voice_wav, tmp_path, target):
    before = ebur128(voice_wav)
    out = tmp_path / "out.flac"
    proc = run_cli("convert", str(voice_wav), str(out), "--loudness", str(target))
    assert proc.returncode == 0 and b"warning" not in proc.stderr, proc.stderr.decode()
    loud, peak = ebur128(out)
    assert abs(loud - target) <= 0.5 and peak <= -1.0, (before, loud, peak)


def test_convert_real_recording_to_m4a(tmp_path):
    src = SHARED / "speech" / "jfk.flac"
    if not src.exists():
        pytest.skip("shared speech is absent")
    out = tmp_path / "jfk.m4a"
    proc = run_cli("convert", str(src), str(out), "--loudness", "-16")
    assert proc.returncode == 0, proc.stderr.decode()
    loud, peak = ebur128(out)
    assert abs(loud + 16) <= 0.5 and peak <= -1.0, (loud, peak)


def test_unreachable_target_is_reported(tmp_path):
    src = tmp_path / "quiet.wav"
    sf.write(str(src), np.zeros(22050, dtype=np.float32), 22050)  # silence has no loudness to scale
    proc = run_cli("convert", str(src), str(tmp_path / "out.wav"), "--loudness", "-16")
    assert proc.returncode == 0, proc.stderr.decode()
    assert "cannot reach -16.0 LUFS" in proc.stderr.decode()


def test_every_batch_chapter_reaches_the_target(tmp_path):
    src = tmp_path / "lighthouse.txt"
    src.write_text("".join(f"Chapter {i}\n\n{p}\n\n" for i, p in enumerate(LIGHTHOUSE, 1)))
    out = tmp_path / "out"
    proc = run_cli("batch", str(src), "-o", str(out), "--format", "flac", "--format", "m4b", "--loudness", "-16")
    assert proc.returncode == 0 and b"warning" not in proc.stderr, proc.stderr.decode()
    files = sorted((out / "lighthouse").glob("*.flac"))
    assert len(files) == 3
    for path in [*files, out / "lighthouse.m4b"]:
        loud, peak = ebur128(path)
        assert abs(loud + 16) <= 0.5 and peak <= -1.0, (path.name, loud, peak)
