"""The Ray worker: an actor that loads the model once and turns chunks into PCM.

This module is imported inside Ray worker processes (on any node of the
cluster); it needs ttscli and the model installed there, nothing else. Audio
goes back through Ray's object store as int16 samples, so a worker needs no
shared filesystem and no write access to the output.
"""

from __future__ import annotations

import os
import time


class ChunkWorker:
    """Plain class; :func:`remote_class` wraps it with ``ray.remote`` at run time."""

    def __init__(self, voice, threads: int, env: dict) -> None:
        from ..runtime.plan import THREADS_ENV

        os.environ.update(env)
        os.environ[THREADS_ENV] = str(threads)
        self.voice = voice

    def node(self) -> str:
        import ray

        return ray.get_runtime_context().get_node_id()

    def synthesize(self, chunk, seed=None, timings=None) -> tuple[str, object, int, float, dict | None]:
        """(key, int16 samples, sample rate, compute seconds, timing record or None) for one chunk (in its
        cast voice, if any); ``seed`` for a re-take, ``timings`` a book.subtitles mode, as a local worker."""
        from .workers import _loaded_for, chunk_audio

        voice = chunk.voice or self.voice
        loaded = _loaded_for(voice)  # each model of a cast is loaded once per actor
        started = time.perf_counter()
        pcm, rate, record = chunk_audio(loaded, voice, chunk, seed, timings)
        return chunk.key, pcm, rate, time.perf_counter() - started, record


def remote_class(ray, threads: int, gpu_fraction: float):
    """ChunkWorker as a Ray actor class holding ``threads`` CPUs (and a GPU share, if any)."""
    return ray.remote(num_cpus=threads, num_gpus=gpu_fraction or 0, max_restarts=0,
                      max_concurrency=1)(ChunkWorker)
