"""A third-party model family through the `ttscli.backends` entry point: the example sine
family (tests/sine_plugin) declares its runtime and what it needs installed, a packaged model,
a clone encoder and a doctor check, and every command reads them."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf

from blocked_imports import block_imports
from support.clone_helpers import write_wav
from support.cli import invoke
from support.registry import fresh_registry


@pytest.fixture
def sine(tmp_path, monkeypatch):
    site = tmp_path / "site"
    dist = site / "sine_plugin-1.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: sine-plugin\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[ttscli.backends]\nsine = sine_plugin:FAMILY\n")
    monkeypatch.syspath_prepend(str(site))
    home = tmp_path / "sine-home"
    home.mkdir()
    (home / "sine.model").write_text("")
    monkeypatch.setenv("SINE_PLUGIN_HOME", str(home))
    with fresh_registry():
        yield home


def test_plugin_family_is_registered_and_detected(sine):
    from ttscli.backends import registry

    spec = registry.get("sine")
    assert spec.runtimes() == ("onnxruntime",) and "sine" in registry.cloneable()
    assert registry.detect_family(["sine.model"]).name == "sine"
    from ttscli import catalog  # its file roles come from its own declaration, as a built-in's do

    assert catalog.families()["sine"].required_roles() == ("model",)
    assert catalog.detect_roles("sine", ["a/sine.model", "README.md"]) == {"model": ["a/sine.model"]}
    assert "piper" in registry.families()  # the built-ins are still there


def test_plugin_family_speaks_lists_and_shows(sine, tmp_path):
    out = tmp_path / "sine.wav"
    r = invoke("say", "one two three", "-m", "sine:a440", "--voice", "low", "-o", str(out))
    assert r.code == 0, r.err
    audio, rate = sf.read(out, dtype="float32")
    assert rate == 16000 and len(audio) == 3 * 1600
    spectrum = np.abs(np.fft.rfft(audio))
    assert abs(np.fft.rfftfreq(len(audio), 1 / rate)[spectrum.argmax()] - 220) < 5
    r = invoke("list")
    assert r.code == 0 and "sine:a440" in r.out
    r = invoke("show", "sine:a440", "--json")
    assert r.code == 0 and '"code": "MIT"' in r.out


def test_plugin_family_clones(sine, tmp_path):
    t = np.arange(3 * 16000) / 16000
    wav = write_wav(tmp_path / "ref.wav", (0.3 * np.sin(2 * np.pi * 330 * t)).astype(np.float32), 16000)
    r = invoke("clone", "hum", str(wav), "--model", "sine:a440")
    assert r.code == 0, r.err
    out = tmp_path / "hum.wav"
    r = invoke("say", "hello", "--voice", "hum", "-o", str(out))  # the stored voice names its model
    assert r.code == 0, r.err
    audio, rate = sf.read(out, dtype="float32")
    spectrum = np.abs(np.fft.rfft(audio))
    assert abs(np.fft.rfftfreq(len(audio), 1 / rate)[spectrum.argmax()] - 330) < 10


def test_plugin_doctor_check_and_missing_dependency(sine):
    (sine / "sine.model").unlink()
    r = invoke("doctor")
    assert r.code == 0 and "the sine model file is missing" in r.out
    with block_imports("sine_plugin_dep"):
        r = invoke("say", "hi", "-m", "sine:a440", "-o", str(sine / "x.wav"))
    assert r.code == 5
    assert r.err.strip().splitlines() == [r.err.strip()] and "pip install sine-plugin-dep" in r.err
    assert "Traceback" not in r.err and "SineBackend" not in r.err
