"""BiCodec's decoder exported once to ONNX and run on onnxruntime (the CPU path).

On two CPU cores onnxruntime ran the decoder at its real size in 0.37x the time of
PyTorch (alternating runs, 58 frames, a loaded machine; see docs/models.md#spark-tts).
The first CPU run of a model exports the decoder (:mod:`.bicodec`, with the model's
weights) into the cache, keyed by the weights file (path, size, mtime), its config,
this export's version and the torch version; later runs load the cached graph.
When the export cannot be made (an unwritable cache, an exporter error) PyTorch decodes.
"""

from __future__ import annotations

import hashlib
import json
import logging
import warnings
from pathlib import Path

import numpy as np

from ... import paths
from ...fsio import AtomicFile
from ...runtime.plan import RuntimePlan
from .._shared.codec import CodecDecoder

log = logging.getLogger(__name__)

VERSION = 1
INPUTS = ("semantic", "globals")


def cache_path(config: dict, weights: Path) -> Path:
    import torch

    st = weights.stat()
    body = json.dumps({k: config.get(k) for k in ("quantizer", "speaker_encoder", "prenet", "decoder")},
                      sort_keys=True)
    key = hashlib.sha256(f"{VERSION}|{weights.resolve()}|{st.st_size}|{st.st_mtime_ns}|{body}|{torch.__version__}"
                         .encode()).hexdigest()[:24]
    return paths.cache_dir() / "spark-bicodec" / f"decoder-{key}.onnx"


def export(config: dict, weights: Path) -> Path | None:
    """The cached ONNX decoder for these weights, exported now if needed; None if it cannot be."""
    import torch

    from .bicodec import load_decoder

    target = cache_path(config, weights)
    if target.is_file():
        return target
    model = load_decoder(config, weights)
    token_num = model.speaker_encoder.token_num
    example = (torch.zeros(1, 20, dtype=torch.long), torch.zeros(1, token_num, dtype=torch.long))
    log.info("preparing BiCodec's decoder for onnxruntime (once per model)")
    try:
        paths.ensure_dir(target.parent, "cache")
        atomic = AtomicFile(target)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # the tracer's notes about shape-dependent branches
                torch.onnx.export(model, example, str(atomic.tmp), input_names=list(INPUTS), output_names=["audio"],
                                  dynamic_axes={"semantic": {1: "frames"}}, opset_version=17, dynamo=False)
            atomic.commit()
        except BaseException:
            atomic.discard()
            raise
    except Exception as exc:  # noqa: BLE001 - OSError, exporter errors: PyTorch decodes instead
        log.debug("no ONNX BiCodec decoder (%s); decoding with PyTorch", exc)
        return None
    return target


class OnnxBiCodec(CodecDecoder):
    """The exported decoder: codes in, float32 audio out (16 kHz, ``hop`` samples per code)."""

    kind = "BiCodec"
    sample_rate = 16000

    def __init__(self, path: Path, plan: RuntimePlan, hop: int, token_num: int):
        super().__init__(path, plan)
        self.hop = hop
        self.token_num = token_num

    def decode(self, semantic: np.ndarray, globals_: np.ndarray) -> np.ndarray:
        feeds = {"semantic": np.asarray(semantic, dtype=np.int64).reshape(1, -1),
                 "globals": np.asarray(globals_, dtype=np.int64).reshape(1, -1)}
        return self._run(feeds, 0, feeds["semantic"].shape[1] * self.hop)
