"""Chunk synthesis: in this process (--jobs 1) or in N worker processes.

Each worker loads the model once and writes each chunk's audio to
``chunks/<key>.wav`` itself (16-bit PCM, atomically), so only keys and sample
counts cross process boundaries. Workers use cores // N threads each, so
workers × threads never exceeds the cores. Results come back in book order.
"""

from __future__ import annotations

import logging
import os
import signal
import time
from pathlib import Path
from typing import Iterable, Iterator

import numpy as np

from . import subtitles
from .chunks import Chunk, Voice

log = logging.getLogger(__name__)
_STATE: dict = {}


def threads_per_worker(jobs: int) -> tuple[int, int]:
    """(workers, threads each): at most one worker per core, and workers × threads ≤ cores.

    --threads (TTSCLI_THREADS) sets the threads per worker, lowered to fit with
    several workers; with one worker it is taken as given (as `say` does).
    """
    from ..runtime.hardware import this_machine
    from ..runtime.plan import THREADS_ENV

    cores = this_machine(()).usable_cores
    workers = max(1, min(jobs, cores))
    if workers < jobs:
        log.warning("--jobs %d is more than the %d usable cores; running %d workers", jobs, cores, workers)
    threads = cores // workers
    asked = os.environ.get(THREADS_ENV, "").strip()
    if asked.isdigit() and int(asked) > 0:
        threads = int(asked) if workers == 1 else min(threads, int(asked))
    return workers, max(1, threads)


def write_wav(path: Path, pcm: np.ndarray, rate: int) -> None:
    """16-bit mono WAV, written to a temp name and renamed (a killed run never leaves half a chunk)."""
    import soundfile as sf

    from ..fsio import atomic_path

    with atomic_path(path) as tmp:
        sf.write(str(tmp), pcm, rate, format="WAV", subtype="PCM_16")


def synthesize(loaded, voice: Voice, chunk: Chunk, seed: int | None = None,
               timings=None) -> tuple[np.ndarray, int]:
    """(16-bit samples, rate) of ``chunk`` spoken by ``voice`` (resampled and levelled when it says so);
    ``seed`` overrides the voice's (a re-take); ``timings`` (a timing.collector.Collector) times its words."""
    from .. import engine
    from ..audio.chunk import to_pcm16
    from ..backends.base import SynthesisOptions

    options = SynthesisOptions(speed=voice.speed, volume=voice.volume, seed=voice.seed if seed is None else seed,
                               lang=voice.lang)
    parts = [c.samples for c in engine.chunks(loaded, chunk.as_segments(), options, timings)]
    audio = np.concatenate(parts) if parts else np.zeros(0, np.float32)
    rate = loaded.backend.sample_rate
    if voice.rate and voice.rate != rate:
        from ..audio.resample import resample

        audio, rate = resample(audio, rate, voice.rate), voice.rate
    if voice.level is not None:
        from .voicing import speech_level

        level = speech_level(audio)
        if np.isfinite(level):
            audio = audio * np.float32(10 ** ((voice.level - level) / 20.0))
    return to_pcm16(audio), rate


def _load(voice: Voice):
    from .. import engine

    return engine.load(voice.model, voice.voice)


def _loaded_for(voice: Voice):
    """The loaded model of ``voice`` (each model and voice of a cast is loaded once per process)."""
    cache = _STATE.setdefault("cache", {})
    key = (voice.model_id, voice.voice)
    if key not in cache:
        cache[key] = _load(voice)
    return cache[key]


def _collector(loaded, voice: Voice, mode: str | None):
    """A timing collector for the next chunk when timings are wanted (``mode``: book.subtitles
    WORDS or EPUB), else None."""
    if not mode:
        return None
    from ..timing.collector import Collector

    backend = loaded.backend
    if backend.timings == "model":
        return Collector(backend.sample_rate)
    if mode == subtitles.EPUB:  # each sentence's span is exact; its words are spread over it
        collector = Collector(backend.sample_rate)
        collector.source = subtitles.SENTENCE
        return collector
    from ..timing.aligned import Aligner

    return Collector(backend.sample_rate, Aligner(voice.lang or backend.language))


def chunk_audio(loaded, voice: Voice, chunk: Chunk, seed: int | None, mode: str | None):
    """(16-bit samples, rate, timing record or None) of a chunk, as a worker or a Ray actor makes it."""
    timings = _collector(loaded, voice, mode)
    pcm, rate = synthesize(loaded, voice, chunk, seed, timings)
    if seed is None:
        from .verify import corrupt

        pcm = corrupt(" ".join(s[0] for s in chunk.segments), pcm)  # a test hook; a no-op otherwise
    if timings is None:
        return pcm, rate, None
    timings.finish()
    return pcm, rate, subtitles.timing_record(timings)


def _watch_parent(parent: int) -> None:
    """A worker whose parent was killed (kill -9) exits instead of waiting forever for tasks."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def _init_worker(voice: Voice, threads: int, env: dict, timings: str | None = None) -> None:
    import threading

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops the pool
    threading.Thread(target=_watch_parent, args=(os.getppid(),), daemon=True).start()
    from ..runtime.plan import THREADS_ENV

    os.environ.update(env)
    os.environ[THREADS_ENV] = str(threads)
    _STATE.update(voice=voice, timings=timings)
    _loaded_for(voice)


def _work(task: tuple) -> tuple[str, int, int, float]:
    """Synthesize one chunk into its file; task = (chunk, path) or, for a re-take, (chunk, path, seed)."""
    chunk, path, *rest = task
    seed = rest[0] if rest else None
    voice = chunk.voice or _STATE["voice"]
    started = time.perf_counter()
    loaded = _loaded_for(voice)
    pcm, rate, record = chunk_audio(loaded, voice, chunk, seed, _STATE.get("timings"))
    write_wav(Path(path), pcm, rate)
    if record is not None:
        subtitles.save_chunk(Path(path), record)
    return chunk.key, len(pcm), rate, time.perf_counter() - started


class Synthesizer:
    """``run(tasks)`` → (key, samples, rate, seconds) per task, in order; ``close()`` stops workers."""

    def __init__(self, voice: Voice, jobs: int, timings: str | None = None):
        self.voice = voice
        self.timings = timings  # also time each chunk's words (book.subtitles WORDS or EPUB)
        self.workers, self.threads = threads_per_worker(jobs)
        self._pool = None
        self._loaded = None

    def run(self, tasks: Iterable[tuple]) -> Iterator[tuple[str, int, int, float]]:
        if self.workers == 1:
            for task in tasks:
                if self._loaded is None:
                    from ..runtime.plan import THREADS_ENV

                    os.environ.setdefault(THREADS_ENV, str(self.threads))
                    _STATE.update(voice=self.voice, timings=self.timings)
                    self._loaded = True
                yield _work(task)
            return
        import multiprocessing

        if self._pool is None:
            env = {k: v for k, v in os.environ.items() if k.startswith(("TTSCLI_", "HF_"))}
            ctx = multiprocessing.get_context("spawn")  # no fork after the runtime may have started threads
            args = (self.voice, self.threads, env, self.timings)
            self._pool = ctx.Pool(self.workers, initializer=_init_worker, initargs=args)
        yield from self._pool.imap(_work, tasks, chunksize=1)

    def close(self, abort: bool = False) -> None:
        if self._pool is not None:
            if abort:
                self._pool.terminate()
            else:
                self._pool.close()
            self._pool.join()
            self._pool = None
