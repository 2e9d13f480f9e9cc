"""Segments synthesized ahead in worker threads and delivered in order.

On a CPU, two sentences run side by side: the decoders' convolutions (HiFi-GAN in
Piper, iSTFTNet in Kokoro) scale poorly across intra-op threads, so this keeps both
cores busy, and it degrades far better than one two-thread run when other processes
compete for the cores (measured in docs/performance.md). One onnxruntime session
serves both workers. By default it has half the threads each; a session with one
intra-op thread runs each call on the calling thread. A family that sets
``LookAhead.share_threads`` gives the shared session every thread, with no spinning
idle threads: a segment that runs alone (a short request, a line of live input) then
has both cores, and two at once share them. Order is kept, and the audio is the same
bytes as one worker's with the same threads per session (onnxruntime may round
differently with another intra-op thread count; for Piper and Kokoro it does not). A GPU
runs one segment at a time. ``TTSCLI_WORKERS`` overrides the count.

A family may instead keep :class:`Sessions`: its model opened with every thread for runs
that have the cores to themselves (the first segment, a lone line, a direct call), and
opened once more with a thread per worker the first time two segments run side by side.
"""

from __future__ import annotations

import os
import threading
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from typing import TYPE_CHECKING, Callable, Generic, Iterable, Iterator, TypeVar

from ..runtime.plan import SHARED_ARENA

if TYPE_CHECKING:
    from ..audio.chunk import AudioChunk
    from ..runtime.plan import RuntimePlan
    from ..text.segments import Segment

WORKERS_ENV = "TTSCLI_WORKERS"
M = TypeVar("M")
_job = threading.local()  # .beside: this thread runs a segment that may have company (see in_order)


def env_workers() -> int | None:
    value = os.environ.get(WORKERS_ENV, "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else None


def _all_threads(plan: "RuntimePlan") -> int:
    return plan.threads or os.cpu_count() or 1


def split_threads(plan: "RuntimePlan", share: bool = False) -> tuple[int, "RuntimePlan"]:
    """(segments run at once, the plan for the session) within the plan's thread count.
    ``share``: the workers' session keeps every thread, its idle ones sleeping instead of
    spinning (see the module docstring)."""
    threads = _all_threads(plan)
    workers = env_workers() or (2 if plan.device == "cpu" and threads >= 2 else 1)
    if workers <= 1 or plan.device != "cpu":
        return workers, plan
    if share:
        config = {**plan.ort_session_config, "session.intra_op.allow_spinning": "0"}
        return workers, replace(plan, threads=threads, ort_session_config=config)
    return workers, replace(plan, threads=max(1, threads // workers))


def side_by_side() -> bool:
    """True in a look-ahead job that may run beside another one (not the first segment)."""
    return getattr(_job, "beside", False)


def _beside(work: Callable[["Segment"], list["AudioChunk"]], seg: "Segment") -> list["AudioChunk"]:
    _job.beside = True
    try:
        return work(seg)
    finally:
        _job.beside = False


class Sessions(Generic[M]):
    """One model opened for two kinds of run: ``alone`` with every thread (made at load), and
    ``beside`` with a thread per worker, opened the first time two segments run side by side
    (a text of several sentences). :meth:`for_run` picks one for the calling thread. The two
    draw working memory from one arena.

    Why: a decoder that scales poorly across threads does the most work with one thread per
    segment and two segments at once, but a segment that runs alone then uses one core (Kokoro:
    a 48-character line took 1.8 s this way and 1.1 s with both threads). A text of one segment
    (a server request, a line of live input, a screen reader's message) never opens the second
    session, so it pays neither its memory nor its load time. Needs a runtime whose output does
    not depend on the thread count (measured for Kokoro's graph: identical bytes)."""

    def __init__(self, open_model: Callable[["RuntimePlan"], M], plan: "RuntimePlan"):
        self.workers, beside = split_threads(plan)
        self._open = open_model
        if self.workers > 1:  # the two sessions share one arena (runtime.plan.SHARED_ARENA)
            config = {**plan.ort_session_config, SHARED_ARENA: "1"}
            plan = replace(plan, threads=_all_threads(plan), ort_session_config=config)
            beside = replace(beside, ort_session_config=config)
        self._beside_plan = beside
        self.alone: M = open_model(plan)
        self._beside: M | None = None
        self._lock = threading.Lock()

    def for_run(self) -> M:
        if self.workers <= 1 or not side_by_side():
            return self.alone
        with self._lock:  # both workers' first runs may ask at once: open it once
            if self._beside is None:
                self._beside = self._open(self._beside_plan)
            return self._beside

    def opened(self) -> list[M]:
        return [m for m in (self.alone, self._beside) if m is not None]


class LookAhead:
    """Mixin for backends whose segments are independent: ``_workers`` comes from
    :func:`split_threads` at load; ``TTSCLI_WORKERS`` still overrides it per run.
    ``queue_per_worker``: segments handed to the pool per worker (see :func:`in_order`)."""

    _workers = 1
    queue_per_worker = 1
    share_threads = False  # see split_threads

    def workers(self) -> int:
        return env_workers() or self._workers

    def queued(self) -> int:
        return self.workers() * self.queue_per_worker


def in_order(segments: Iterable["Segment"], work: Callable[["Segment"], list["AudioChunk"]], workers: int,
             queued: int | None = None) -> Iterator[tuple["Segment", Iterator["AudioChunk"]]]:
    """Each segment with its audio, in order, up to ``workers`` segments computed at once.

    ``queued`` (default ``workers``) segments are handed to the pool ahead of the one
    being delivered. With more than ``workers``, a worker whose short segment finished
    starts the next one instead of waiting for a long one ahead of it to be delivered:
    Kokoro runs whole sentences of uneven length (measured: 18.2 vs 20.5 s for the
    264-word text), while Piper's clause-sized pieces gained nothing and peaked higher.
    The first spoken segment runs alone, so nothing competes with the first audio (the
    front end's work on the next sentences and a second worker both wait for it); look-ahead
    then starts at full width, its jobs marked :func:`side_by_side`. Stopping the iteration (a
    closed pipe, Ctrl-C) cancels what has not started."""
    queued = max(workers, queued or workers)
    alone = True  # until the first spoken segment is delivered
    pending: deque[tuple[Segment, Future | None]] = deque()
    source = iter(segments)
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ttscli-segment")
    try:
        exhausted = False
        while True:
            while not exhausted and len(pending) < (1 if alone else queued):
                seg = next(source, None)
                if seg is None:
                    exhausted = True
                    break
                job = None
                if not seg.is_silence:
                    job = pool.submit(work, seg) if alone else pool.submit(_beside, work, seg)
                pending.append((seg, job))
            if not pending:
                return
            seg, job = pending.popleft()
            audio = job.result() if job is not None else ()
            alone = alone and job is None
            yield seg, iter(audio)
    finally:
        for _, job in pending:
            if job is not None:
                job.cancel()
        pool.shutdown(wait=True, cancel_futures=True)
