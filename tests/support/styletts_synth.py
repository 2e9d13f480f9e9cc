"""Tiny StyleTTS2-style ONNX graphs with the real KittenTTS/Kokoro I/O, for tests.

KittenTTS weights cannot be fetched here, so the Kitten path runs on a graph
with Kitten's real interface: inputs ``input_ids`` int64 [1, n], ``style``
float32 [1, 256], ``speed`` float32 [1]; outputs ``waveform`` float32
[samples] and ``duration`` int64 [n]. The graph makes the audio readable:

* every input id becomes a block of ``BLOCK / speed`` samples of value id/256,
  so the ids the backend sent can be decoded back from the audio;
* the first block (the leading pad) carries ``style[0, 0]`` instead, which
  tells which style row the backend picked.

With Kitten's framing ``[0, *ids, 10, 0]`` and its trim of the last 5000
samples, BLOCK = 2500 makes the trim remove exactly the two end tokens.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

BLOCK = 2500
VOICES = ["expr-voice-2-m", "expr-voice-2-f", "expr-voice-3-m", "expr-voice-3-f",
          "expr-voice-4-m", "expr-voice-4-f", "expr-voice-5-m", "expr-voice-5-f"]


def build_graph(path: Path, *, token_input: str = "input_ids", speed_type: str = "float",
                audio_output: str = "waveform") -> Path:
    import onnx
    from onnx import TensorProto, helper

    speed_elem = {"float": TensorProto.FLOAT, "int32": TensorProto.INT32}[speed_type]
    c = lambda name, dtype, dims, vals: helper.make_node(  # noqa: E731
        "Constant", [], [name], value=helper.make_tensor(name, dtype, dims, vals))
    nodes = [
        c("c256", TensorProto.FLOAT, [], [256.0]),
        c("cblock", TensorProto.FLOAT, [], [float(BLOCK)]),
        c("zero", TensorProto.INT64, [2], [0, 0]),
        c("one_one", TensorProto.INT64, [2], [1, 1]),
        c("from1", TensorProto.INT64, [2], [0, 1]),
        c("big", TensorProto.INT64, [2], [1, 1 << 30]),
        c("idx1", TensorProto.INT64, [1], [1]),
        c("col", TensorProto.INT64, [2], [-1, 1]),
        c("flat", TensorProto.INT64, [1], [-1]),
        helper.make_node("Cast", [token_input], ["ids_f"], to=TensorProto.FLOAT),
        helper.make_node("Div", ["ids_f", "c256"], ["vals"]),
        helper.make_node("Slice", ["style", "zero", "one_one"], ["s00"]),
        helper.make_node("Slice", ["vals", "from1", "big"], ["rest"]),
        helper.make_node("Concat", ["s00", "rest"], ["vals2"], axis=1),
        helper.make_node("Reshape", ["vals2", "col"], ["column"]),
        helper.make_node("Cast", ["speed"], ["speed_f"], to=TensorProto.FLOAT),
        helper.make_node("Div", ["cblock", "speed_f"], ["len_f"]),
        helper.make_node("Round", ["len_f"], ["len_r"]),
        helper.make_node("Cast", ["len_r"], ["len_i"], to=TensorProto.INT64),
        helper.make_node("Shape", [token_input], ["ids_shape"]),
        helper.make_node("Gather", ["ids_shape", "idx1"], ["n"], axis=0),
        helper.make_node("Concat", ["n", "len_i"], ["grid"], axis=0),
        helper.make_node("Expand", ["column", "grid"], ["blocks"]),
        helper.make_node("Reshape", ["blocks", "flat"], [audio_output]),
        helper.make_node("Expand", ["len_i", "n"], ["duration"]),
    ]
    graph = helper.make_graph(
        nodes, "styletts_synthetic",
        [helper.make_tensor_value_info(token_input, TensorProto.INT64, [1, "sequence_length"]),
         helper.make_tensor_value_info("style", TensorProto.FLOAT, [1, 256]),
         helper.make_tensor_value_info("speed", speed_elem, [1])],
        [helper.make_tensor_value_info(audio_output, TensorProto.FLOAT, ["num_samples"]),
         helper.make_tensor_value_info("duration", TensorProto.INT64, ["sequence_length"])],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="ttscli-tests")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    return path


def style_table(rows: int, seed: int) -> np.ndarray:
    """A voicepack whose column 0 encodes the row number (row r → r / 1000)."""
    rng = np.random.default_rng(seed)
    table = rng.standard_normal((rows, 256)).astype(np.float32) * 0.1
    table[:, 0] = np.arange(rows, dtype=np.float32) / 1000.0
    return table


def kitten_dir(root: Path, *, rows: int = 400, speed_priors: dict | None = None) -> Path:
    """A KittenTTS 0.8-style model directory (model, voices.npz, config.json)."""
    root.mkdir(parents=True, exist_ok=True)
    build_graph(root / "kitten_tts_nano_v0_8.onnx")
    np.savez(root / "voices.npz", **{v: style_table(rows, i) for i, v in enumerate(VOICES)})
    (root / "config.json").write_text(json.dumps({
        "name": "Kitten TTS Nano (synthetic test graph)", "version": "0.8", "type": "ONNX2",
        "model": "kitten-tts-nano-0.8", "model_file": "kitten_tts_nano_v0_8.onnx", "voices": "voices.npz",
        "speed_priors": speed_priors or {},
        "voice_aliases": {"Bella": "expr-voice-2-f", "Jasper": "expr-voice-2-m", "Luna": "expr-voice-3-f",
                          "Bruno": "expr-voice-3-m", "Rosie": "expr-voice-4-f", "Hugo": "expr-voice-4-m",
                          "Kiki": "expr-voice-5-f", "Leo": "expr-voice-5-m"},
    }))
    return root


def decode(audio: np.ndarray, block: int = BLOCK) -> tuple[float, list[int]]:
    """(style[0,0] of the row used, ids) from one call's audio."""
    values = audio[::block]
    return float(values[0]), [int(round(v * 256)) for v in values[1:]]
