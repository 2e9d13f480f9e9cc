"""The look-ahead queue (backends/lookahead.py): with more segments queued than
workers, a worker that finished a short segment starts the next one instead of idling
behind a long one that is still being computed; order and content never change."""

from __future__ import annotations

import threading
import time

from ttscli.backends.lookahead import in_order
from ttscli.text.segments import Segment


def _run(queued: int | None):
    started: dict[int, float] = {}
    lock = threading.Lock()
    seconds = {0: 0.6, 1: 0.05, 2: 0.05, 3: 0.05}  # a long sentence, then short ones

    def work(seg: Segment):
        k = int(seg.text)
        with lock:
            started[k] = time.perf_counter()
        time.sleep(seconds[k])
        return [k]

    t0 = time.perf_counter()
    out = [(seg.text, list(audio)) for seg, audio in in_order([Segment(str(k)) for k in range(4)], work, 2, queued)]
    return out, {k: v - t0 for k, v in started.items()}


def test_short_segments_do_not_wait_behind_a_long_one():
    out, started = _run(queued=4)
    assert out == [("0", [0]), ("1", [1]), ("2", [2]), ("3", [3])]
    assert started[3] < 0.4  # segments 2 and 3 ran while segment 0 was still going


def test_one_per_worker_waits_for_the_head():
    out, started = _run(queued=None)  # the default: as many queued as workers
    assert out == [("0", [0]), ("1", [1]), ("2", [2]), ("3", [3])]
    assert started[2] >= 0.55  # segment 2 could start only after segment 0 was delivered
