"""Per-phoneme durations out of a TTS graph, for word timings at no extra cost.

Duration-based TTS graphs (VITS/Piper, StyleTTS2/Kokoro/Kitten) predict how many
frames each input token lasts, round them to whole frames (``Ceil`` in VITS,
``Round`` then ``Clip`` in StyleTTS2) and expand the encoder output by them. That
rounded tensor is all word timings need. :func:`expose` makes it an extra graph
output (after the existing ones, so output indices do not move); it is found by
the operator that rounds, not by a tensor name that differs between exports:
the first ``Ceil``/``Round`` of the main graph, followed through a ``Clip`` that
bounds it.

:func:`frames_to_samples` then reads the frame length from the run itself
(audio samples / total frames), so no hop size is assumed.
"""

from __future__ import annotations

import numpy as np

_ROUNDING = ("Ceil", "Round")
_FOLLOW = ("Clip",)


def find(graph) -> str | None:
    """Name of the rounded duration tensor of ``graph`` (onnx.GraphProto), or None."""
    consumers: dict[str, list] = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)
    for node in graph.node:
        if node.op_type in _ROUNDING and node.domain in ("", "ai.onnx"):
            name = node.output[0]
            after = [n for n in consumers.get(name, []) if n.op_type in _FOLLOW]
            if after:
                name = after[0].output[0]
            return name
    return None


def expose(model) -> str | None:
    """Add the duration tensor of ``model`` (onnx.ModelProto) as a graph output; its name or None."""
    from onnx import TensorProto, helper

    graph = model.graph
    name = find(graph)
    if name is None:
        return None
    if name not in {o.name for o in graph.output}:
        graph.output.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, None))
    return name


def frames_to_samples(frames: np.ndarray, n_samples: int) -> tuple[np.ndarray, float]:
    """Sample boundaries of each token (len(frames) + 1 values) and the samples per frame.

    ``frames`` are the model's rounded per-token frame counts; ``n_samples`` the
    length of the audio the same run produced.
    """
    frames = np.maximum(np.asarray(frames, dtype=np.float64).reshape(-1), 0.0)
    total = float(frames.sum())
    hop = n_samples / total if total > 0 else 0.0
    edges = np.concatenate([[0.0], np.cumsum(frames)]) * hop
    return np.rint(edges).astype(np.int64), hop
