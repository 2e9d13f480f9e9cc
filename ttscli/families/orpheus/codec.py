"""SNAC 24 kHz's ONNX decoder (Orpheus): 7 tokens per frame fill three codebooks.

The codebooks hold 1, 2 and 4 codes per frame (inputs ``audio_codes.0/1/2`` [1, L], [1, 2L],
[1, 4L]); each frame is 2048 samples (hop 512 × 4 fine codes). Graphs that sample noise (SNAC's
NoiseBlocks, if exported) are run with seeded noise.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from ...errors import IntegrityError
from ...runtime.plan import RuntimePlan
from .._shared.codec import CodecDecoder, int_dtype

log = logging.getLogger(__name__)


def snac_codebooks(frames: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Split 7-token frames into SNAC's three codebooks (coarse to fine).

    Per frame [t0..t6]: codebook 0 gets t0; codebook 1 gets t1, t4; codebook 2
    gets t2, t3, t5, t6 — the interleave Orpheus was trained with.
    """
    f = np.asarray(frames, dtype=np.int64).reshape(-1, 7)
    return f[:, 0].copy(), f[:, [1, 4]].reshape(-1), f[:, [2, 3, 5, 6]].reshape(-1)


class SnacDecoder(CodecDecoder):
    hop = 2048
    kind = "SNAC"
    NAMES = ("audio_codes.0", "audio_codes.1", "audio_codes.2")

    def __init__(self, path: Path, plan: RuntimePlan):
        super().__init__(path, plan)
        names = list(self.onnx.input_names)
        if all(n in self.onnx.inputs for n in self.NAMES):
            self.names = self.NAMES
        elif len(names) == 3:  # another export with its own names: take them in order
            self.names = tuple(names)
            log.debug("SNAC decoder %s: inputs %s taken in order as codebooks 0, 1, 2", path.name, names)
        else:
            raise IntegrityError(f"{path.name} is not a SNAC decoder (inputs: {', '.join(names)})",
                                 hint="Orpheus needs the SNAC 24 kHz ONNX decoder (inputs audio_codes.0/1/2)")
        self.dtypes = [int_dtype(self.onnx.inputs[n].type, path, n) for n in self.names]

    def decode(self, frames: np.ndarray, seed: int = 0) -> np.ndarray:
        books = snac_codebooks(frames)
        feeds = {name: book.astype(dtype).reshape(1, -1) for name, book, dtype in zip(self.names, books, self.dtypes)}
        return self._run(feeds, seed, len(books[0]) * self.hop)
