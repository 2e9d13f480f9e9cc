"""Chunk WAVs → one normalized chapter WAV → per-chapter files, all streamed block by block.

Memory does not grow with the book: a chapter is read twice from its chunk
files (once to measure loudness, once to write it with the gain applied) and
never held whole. Every file is written under a temporary name and renamed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Iterator

import numpy as np

from ..audio.chunk import to_pcm16
from ..fsio import AtomicFile, write_failure
from ..audio.loudness import LoudnessMeter
from .tags import Tags

BLOCK = 65536
CHAPTER_TAIL = 1.0  # s of silence closing each chapter, so chapters do not run into each other


def _blocks(paths: Iterable[Path]) -> Iterator[np.ndarray]:
    import soundfile as sf

    for path in paths:
        with sf.SoundFile(str(path)) as fh:
            while True:
                block = fh.read(BLOCK, dtype="float32")
                if not len(block):
                    break
                yield block


def chapter_wav(chunk_files: list[Path], rate: int, target: Path, loudness: float | None) -> int:
    """Write the chapter to ``target`` (16-bit WAV, normalized to ``loudness`` LUFS); return its frames."""
    import soundfile as sf

    gain = 1.0
    if loudness is not None:
        meter = LoudnessMeter(rate)
        for block in _blocks(chunk_files):
            meter.feed(block)
        gain = meter.gain_to(loudness)
    atomic = AtomicFile(target, user_output=True)
    frames = 0
    try:
        with sf.SoundFile(str(atomic.tmp), "w", samplerate=rate, channels=1, format="WAV", subtype="PCM_16") as out:
            for block in _blocks(chunk_files):
                pcm = to_pcm16(block * np.float32(gain)) if gain != 1.0 else to_pcm16(block)
                out.write(pcm)
                frames += len(pcm)
            tail = np.zeros(int(CHAPTER_TAIL * rate), dtype="<i2")
            out.write(tail)
            frames += len(tail)
    except BaseException as exc:
        atomic.discard()
        raise write_failure(exc, target) from exc
    atomic.commit()
    return frames


def encode(sources: list[Path], rate: int, target: Path, fmt: str, *, tags: Tags | None = None, **options) -> None:
    """Encode the mono WAVs ``sources`` one after the other into ``target`` (atomically), tagged."""
    from ..audio.encode import encode_blocks
    from . import tags as tagging

    finish = (lambda tmp: tagging.write(tmp, fmt, tags)) if tags is not None else None
    encode_blocks(_blocks(sources), rate, 1, target, fmt, finish=finish, **options)
