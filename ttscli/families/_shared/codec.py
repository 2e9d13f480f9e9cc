"""Neural audio codec decoders on onnxruntime: the base the speech-LM families' decoders share.

A decoder turns integer codes into 24 kHz audio. A *frame* is the unit the language model
completes at once and the decoder turns into a fixed number of samples (``hop``); each family
supplies its decoder (its input names and code layout) in its own package.

Graphs that sample noise run through :mod:`ttscli.runtime.onnx` with seeded noise, so audio is
reproducible.
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


def int_dtype(onnx_type: str, path: Path, name: str):
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
