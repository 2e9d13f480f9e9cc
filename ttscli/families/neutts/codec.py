"""NeuCodec's ONNX decoder (NeuTTS): one code per frame, 50 frames/s, 480 samples each.

Input ``codes`` [1, 1, T] (int32 in the published export; the dtype is read from the graph).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ...errors import IntegrityError
from ...runtime.plan import RuntimePlan
from .._shared.codec import CodecDecoder, int_dtype


class NeuCodecDecoder(CodecDecoder):
    hop = 480
    kind = "NeuCodec"

    def __init__(self, path: Path, plan: RuntimePlan):
        super().__init__(path, plan)
        inputs = self.onnx.inputs
        if "codes" not in inputs:
            raise IntegrityError(f"{path.name} is not a NeuCodec decoder (inputs: {', '.join(inputs)})",
                                 hint="NeuTTS needs the NeuCodec ONNX decoder, whose input is named 'codes'")
        self.dtype = int_dtype(inputs["codes"].type, path, "codes")

    def decode(self, frames: np.ndarray, seed: int = 0) -> np.ndarray:
        codes = np.asarray(frames, dtype=self.dtype).reshape(1, 1, -1)
        return self._run({"codes": codes}, seed, codes.shape[-1] * self.hop)
