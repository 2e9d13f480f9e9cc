"""The format table (ttscli/audio/formats.py): one entry plus an encoder is a new output format.

A toy format is declared by a package outside ttscli, through the ``ttscli.formats`` entry point
(an entry: name, media type, who writes it, its encoder). Nothing else is changed, and both
`say -o x.toy` (in this process) and the server's ``response_format: "toy"`` (a real `ttscli
serve` process, a real HTTP client) write it; the samples in it are the ones `say -o x.wav` and
the server's wav response carry.
"""

from __future__ import annotations

import io
import os
import struct

import numpy as np
import pytest
import soundfile as sf
from support.cli import invoke
from support.server import ServerProcess

from ttscli.audio import formats

JOE = "piper:en_US-joe-medium"
TEXT = "The toy format holds these words."

TOY_MODULE = '''
import struct

import numpy as np

from ttscli.audio.formats import SAY, SERVE, Format


class ToyEncoder:
    """b"TOY1", the rate (u32 LE), 16-bit samples, then b"END" and the sample count."""

    def __init__(self, rate, emit):
        self.emit, self.count = emit, 0
        emit(b"TOY1" + struct.pack("<I", rate))

    def write(self, samples):
        pcm = (np.clip(samples, -1.0, 1.0) * 32767.0).round().astype("<i2")
        self.count += len(pcm)
        self.emit(pcm.tobytes())

    def close(self):
        self.emit(b"END" + struct.pack("<I", self.count))

    def kill(self):
        pass


TOY = Format("toy", "audio/x-toy", frozenset({SAY, SERVE}), encoder="toy_format:ToyEncoder")
'''


@pytest.fixture()
def toy_site(tmp_path_factory):
    """A directory that, on sys.path, installs the toy format through an entry point."""
    site = tmp_path_factory.mktemp("toy-site")
    (site / "toy_format.py").write_text(TOY_MODULE)
    dist = site / "toy_format-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: toy-format\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[ttscli.formats]\ntoy = toy_format:TOY\n")
    return site


@pytest.fixture()
def toy_installed(toy_site, monkeypatch):
    monkeypatch.syspath_prepend(str(toy_site))
    monkeypatch.setattr(formats, "_plugins_loaded", False)
    monkeypatch.setattr(formats, "FORMATS", dict(formats.FORMATS))  # the plugin leaves with the test
    yield


def _toy(data: bytes) -> tuple[np.ndarray, int]:
    assert data[:4] == b"TOY1", data[:16]
    (rate,) = struct.unpack("<I", data[4:8])
    assert data[-7:-4] == b"END"
    (count,) = struct.unpack("<I", data[-4:])
    pcm = np.frombuffer(data[8:-7], dtype="<i2")
    assert len(pcm) == count
    return pcm, rate


def _wav_pcm(data: bytes) -> tuple[np.ndarray, int]:
    audio, rate = sf.read(io.BytesIO(data), dtype="int16")
    return audio, rate


def test_table_is_the_one_place_formats_are_declared():
    assert formats.names(formats.SAY, builtin=True) == ("wav", "flac", "ogg", "opus", "mp3")
    assert formats.FORMATS["opus"].rates == formats.OPUS_RATES
    assert formats.FORMATS["opus"].rate_for(22050) == 24000 and formats.FORMATS["wav"].rate_for(22050) == 22050
    assert not formats.FORMATS["m4b"].streamable and formats.FORMATS["mp3"].tags == "id3"
    assert "toy" not in formats.FORMATS


def test_unknown_format_names_the_choices(tmp_path):
    r = invoke("say", "hi", "-o", str(tmp_path / "x.toy"))
    assert r.returncode == 2, r.err
    assert "unsupported output format 'toy'" in r.err and "wav, flac, ogg, opus, mp3" in r.err
    assert not (tmp_path / "x.toy").exists()


def test_say_writes_a_format_declared_by_a_plugin(toy_installed, tmp_path):
    toy, wav = tmp_path / "x.toy", tmp_path / "x.wav"
    r = invoke("say", TEXT, "-o", str(toy))
    assert r.returncode == 0, r.err
    assert invoke("say", TEXT, "-o", str(wav)).returncode == 0
    samples, rate = _toy(toy.read_bytes())
    reference, wav_rate = sf.read(wav, dtype="int16")
    assert rate == wav_rate == 22050
    assert 1.0 < len(samples) / rate < 6.0 and np.abs(samples).max() > 1000  # speech, not silence
    # the same samples as the WAV, within the rounding of the two float->int16 conversions
    assert len(samples) == len(reference) and np.abs(samples.astype(int) - reference).max() <= 1
    assert "toy" in formats.names(formats.SAY)  # completion and error hints list it too


def test_server_speaks_a_format_declared_by_a_plugin(toy_site, tmp_path):
    pytest.importorskip("starlette")
    pytest.importorskip("uvicorn")
    path = os.pathsep.join(p for p in (str(toy_site), os.environ.get("PYTHONPATH", "")) if p)
    home = tmp_path / "home"
    home.mkdir()
    server = ServerProcess(home, env={"PYTHONPATH": path})
    try:
        status, headers, body = server.speech(model=JOE, input=TEXT, response_format="toy")
        assert status == 200, body[:300]
        assert {k.lower(): v for k, v in headers.items()}["content-type"] == "audio/x-toy"
        samples, rate = _toy(body)
        status, _, wav = server.speech(model=JOE, input=TEXT, response_format="wav")
        assert status == 200
        reference, wav_rate = _wav_pcm(wav)
        assert rate == wav_rate == 22050
        assert len(samples) == len(reference) and np.abs(samples.astype(int) - reference).max() <= 1
        status, _, error = server.speech(model=JOE, input=TEXT, response_format="toy2")
        assert status == 400 and b"toy" in error  # the choices listed include the plugin's
    finally:
        server.stop()
