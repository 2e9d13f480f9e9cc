"""Chunk WAVs → one normalized chapter WAV → per-chapter files, all streamed block by block.

Memory does not grow with the book: a chapter is streamed from its chunk files
several times (to measure loudness, to check the limited result, to write it;
see ``audio.normalize``) and never held whole. Every file is written under a
temporary name and renamed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Iterator

import numpy as np

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


def chapter_wav(chunk_files: list[Path], rate: int, target: Path, loudness: float | None):
    """Write the chapter to ``target`` (16-bit WAV, normalized to ``loudness`` LUFS with true peak
    ≤ -1 dBTP); return (frames, the Normalization or None)."""
    import soundfile as sf

    from ..audio.encode import encode_blocks
    from ..audio.normalize import normalize

    done = normalize(lambda: _blocks(chunk_files), rate, loudness) if loudness is not None else None

    def with_tail():
        yield from _blocks(chunk_files)
        yield np.zeros(int(CHAPTER_TAIL * rate), dtype=np.float32)

    encode_blocks(with_tail(), rate, 1, target, "wav", audio_filter=done.audio_filter if done else None)
    return sf.info(str(target)).frames, done


def encode(sources: list[Path], rate: int, target: Path, fmt: str, *, tags: Tags | None = None, **options) -> None:
    """Encode the mono WAVs ``sources`` one after the other into ``target`` (atomically), tagged."""
    from ..audio.encode import encode_blocks
    from . import tags as tagging

    finish = (lambda tmp: tagging.write(tmp, fmt, tags)) if tags is not None else None
    encode_blocks(_blocks(sources), rate, 1, target, fmt, finish=finish, **options)
