"""Neural audio codec decoders on onnxruntime: NeuCodec (NeuTTS) and SNAC 24 kHz (Orpheus).

Both turn integer codes into 24 kHz audio. A *frame* is the unit the language
model completes at once and the decoder turns into a fixed number of samples:

* NeuCodec: one code per frame, 50 frames/s, 480 samples each. Input ``codes``
  [1, 1, T] (int32 in the published export; the dtype is read from the graph).
* SNAC 24 kHz: Orpheus emits 7 tokens per frame that fill three codebooks at
  1, 2 and 4 codes per frame (inputs ``audio_codes.0/1/2`` [1, L], [1, 2L],
  [1, 4L]); each frame is 2048 samples (hop 512 × 4 fine codes).

Graphs that sample noise (SNAC's NoiseBlocks, if exported) run through
:mod:`ttscli.runtime.onnx` with seeded noise, so audio is reproducible.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

import numpy as np

from ...errors import IntegrityError
from ...runtime import onnx as ort_runtime
from ...runtime.plan import RuntimePlan

log = logging.getLogger(__name__)

SAMPLE_RATE = 24000
_INT_TYPES = {"tensor(int32)": np.int32, "tensor(int64)": np.int64}


def _int_dtype(onnx_type: str, path: Path, name: str):
    if onnx_type not in _INT_TYPES:
        raise IntegrityError(f"{path.name}: input {name!r} has type {onnx_type}, expected integer codes",
                             hint="the file is not a codec decoder for this model family")
    return _INT_TYPES[onnx_type]


class CodecDecoder:
    hop: int = 0  # samples per frame
    sample_rate: int = SAMPLE_RATE
    kind: str = ""

    def __init__(self, path: Path, plan: RuntimePlan):
        self.path = path
        # The decoder runs while llama.cpp generates on other cores: idle ORT threads
        # must sleep, not spin, or they steal the generator's CPU.
        config = {"session.intra_op.allow_spinning": "0", **plan.ort_session_config}
        self.onnx = ort_runtime.load(path, replace(plan, ort_session_config=config))

    def decode(self, frames: np.ndarray, seed: int = 0) -> np.ndarray:
        raise NotImplementedError

    def _run(self, feeds: dict, seed: int, n_samples: int) -> np.ndarray:
        out = self.onnx.run(feeds, seed=seed, noise_len=4 * n_samples + 4096)[0]
        return np.asarray(out, dtype=np.float32).reshape(-1)


class NeuCodecDecoder(CodecDecoder):
    hop = 480
    kind = "NeuCodec"

    def __init__(self, path: Path, plan: RuntimePlan):
        super().__init__(path, plan)
        inputs = self.onnx.inputs
        if "codes" not in inputs:
            raise IntegrityError(f"{path.name} is not a NeuCodec decoder (inputs: {', '.join(inputs)})",
                                 hint="NeuTTS needs the NeuCodec ONNX decoder, whose input is named 'codes'")
        self.dtype = _int_dtype(inputs["codes"].type, path, "codes")

    def decode(self, frames: np.ndarray, seed: int = 0) -> np.ndarray:
        codes = np.asarray(frames, dtype=self.dtype).reshape(1, 1, -1)
        return self._run({"codes": codes}, seed, codes.shape[-1] * self.hop)


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
        self.dtypes = [_int_dtype(self.onnx.inputs[n].type, path, n) for n in self.names]

    def decode(self, frames: np.ndarray, seed: int = 0) -> np.ndarray:
        books = snac_codebooks(frames)
        feeds = {name: book.astype(dtype).reshape(1, -1) for name, book, dtype in zip(self.names, books, self.dtypes)}
        return self._run(feeds, seed, len(books[0]) * self.hop)
