"""The look-ahead queue (backends/lookahead.py): with more segments queued than
workers, a worker that finished a short segment starts the next one instead of idling
behind a long one that is still being computed; the first segment runs alone (first audio
first); order and content never change. Sessions: a family's model with every thread for
runs alone, and a per-worker copy opened only when segments run side by side."""

from __future__ import annotations

import threading
import time

from ttscli.backends.lookahead import WORKERS_ENV, Sessions, _job, in_order, side_by_side
from ttscli.runtime.plan import SHARED_ARENA, RuntimePlan
from ttscli.text.segments import Segment


def _run(queued: int | None):
    started: dict[int, float] = {}
    lock = threading.Lock()
    seconds = {0: 0.1, 1: 0.6, 2: 0.05, 3: 0.05, 4: 0.05}  # a first sentence, a long one, short ones

    def work(seg: Segment):
        k = int(seg.text)
        with lock:
            started[k] = time.perf_counter()
        time.sleep(seconds[k])
        return [k]

    t0 = time.perf_counter()
    out = [(seg.text, list(audio)) for seg, audio in in_order([Segment(str(k)) for k in range(5)], work, 2, queued)]
    return out, {k: v - t0 for k, v in started.items()}


EXPECTED = [(str(k), [k]) for k in range(5)]


def test_the_first_segment_runs_alone():
    out, started = _run(queued=4)
    assert out == EXPECTED
    assert min(v for k, v in started.items() if k) >= 0.1  # nothing started before the first was done


def test_short_segments_do_not_wait_behind_a_long_one():
    out, started = _run(queued=4)
    assert out == EXPECTED
    assert started[4] < 0.5  # segments 3 and 4 ran while segment 1 was still going


def test_one_per_worker_waits_for_the_head():
    out, started = _run(queued=None)  # the default: as many queued as workers
    assert out == EXPECTED
    assert started[3] >= 0.65  # segment 3 could start only after segment 1 was delivered


def test_only_the_segments_after_the_first_are_side_by_side():
    seen: dict[int, bool] = {}

    def work(seg: Segment):
        seen[int(seg.text)] = side_by_side()
        return []

    list(in_order([Segment(str(k)) for k in range(4)], work, 2, 4))
    assert seen == {0: False, 1: True, 2: True, 3: True}
    assert not side_by_side()  # the caller's own thread is never marked


def _sessions(threads: int, device: str = "cpu"):
    opened: list[RuntimePlan] = []

    def open_model(plan: RuntimePlan):
        time.sleep(0.05)  # long enough for two callers to overlap
        opened.append(plan)
        return f"model {len(opened)}"

    plan = RuntimePlan(runtime="onnxruntime", device=device, threads=threads)
    return Sessions(open_model, plan), opened


def test_sessions_one_with_every_thread_until_segments_run_side_by_side(monkeypatch):
    monkeypatch.delenv(WORKERS_ENV, raising=False)
    sessions, opened = _sessions(threads=2)
    assert sessions.workers == 2 and opened[0].threads == 2 and opened[0].ort_session_config[SHARED_ARENA] == "1"
    assert sessions.for_run() == "model 1" and len(opened) == 1  # a direct call, or a first segment
    picked: list[str] = []
    done = threading.Barrier(2)

    def beside():
        _job.beside = True  # as in_order marks a look-ahead job
        done.wait()
        picked.append(sessions.for_run())

    threads = [threading.Thread(target=beside) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert picked == ["model 2", "model 2"] and len(opened) == 2  # opened once, though both asked at once
    assert opened[1].threads == 1 and opened[1].ort_session_config[SHARED_ARENA] == "1"
    assert sessions.opened() == ["model 1", "model 2"]


def test_sessions_with_one_worker_never_open_a_second(monkeypatch):
    monkeypatch.delenv(WORKERS_ENV, raising=False)
    for sessions, opened in (_sessions(threads=1), _sessions(threads=4, device="cuda")):
        _job.beside = True
        try:
            assert sessions.workers == 1 and sessions.for_run() == "model 1"
        finally:
            _job.beside = False
        assert len(opened) == 1 and SHARED_ARENA not in opened[0].ort_session_config


def test_an_onnxruntime_without_a_shared_arena_still_loads(monkeypatch):
    """runtime.onnx registers the shared arena once; a build that refuses leaves each session its own."""
    import onnxruntime as ort

    from ttscli.runtime import onnx as ort_runtime

    calls = []

    def refuse(*args):
        calls.append(args)
        raise RuntimeError("not in this build")

    monkeypatch.setattr(ort_runtime, "_arena_registered", False)
    monkeypatch.setattr(ort, "create_and_register_allocator", refuse)
    ort_runtime._shared_arena(ort)
    ort_runtime._shared_arena(ort)
    assert len(calls) == 1  # tried once, quietly
