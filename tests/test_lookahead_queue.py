"""The look-ahead queue (backends/lookahead.py): with more segments queued than
workers, a worker that finished a short segment starts the next one instead of idling
behind a long one that is still being computed; the first segment runs alone (first audio
first); order and content never change."""

from __future__ import annotations

import threading
import time

from ttscli.backends.lookahead import in_order
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
