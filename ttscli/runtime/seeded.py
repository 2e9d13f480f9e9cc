"""Reproducible noise for ONNX graphs that sample (VITS, HiFi-GAN sources).

onnxruntime's RandomNormalLike draws from a process-wide generator, so the same
sentence comes out different on every run and a resumed audiobook would not
match an uninterrupted one. We rewrite each RandomNormalLike node to read its
noise from a new graph input instead, and feed that input from a NumPy
generator seeded per segment. NumPy's stream is prefix-stable (the first n
values do not depend on how many are drawn), so the buffer size never changes
the result; a buffer that turns out too small is simply regrown.

The rewritten model is cached (keyed by the source file's size, mtime and path)
so the rewrite costs once per model. The same rewrite can also expose the
graph's per-phoneme durations as an extra output (see :mod:`.durations`).
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import numpy as np

from .. import paths
from ..errors import OutputError
from ..fsio import atomic_path, atomic_write

log = logging.getLogger(__name__)

NOISE_PREFIX = "ttscli_noise_"
REWRITE_VERSION = "2"


def _rewrite(model) -> list[str]:
    """Replace RandomNormalLike nodes in ``model`` (onnx.ModelProto) in place."""
    import onnx
    from onnx import TensorProto, helper

    graph = model.graph
    names: list[str] = []
    new_nodes = []
    for node in graph.node:
        if node.op_type != "RandomNormalLike" or node.domain not in ("", "ai.onnx"):
            new_nodes.append(node)
            continue
        attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        k = len(names)
        noise = f"{NOISE_PREFIX}{k}"
        names.append(noise)
        graph.input.append(helper.make_tensor_value_info(noise, TensorProto.FLOAT, [f"noise_len_{k}"]))
        p = f"/ttscli_seeded_{k}/"
        shape, count, zero, flat = p + "shape", p + "count", p + "zero", p + "flat"
        new_nodes += [
            helper.make_node("Shape", [node.input[0]], [shape], name=p + "Shape"),
            helper.make_node("ReduceProd", [shape], [count], name=p + "ReduceProd", keepdims=1),
            helper.make_node("Constant", [], [zero], name=p + "Zero",
                             value=helper.make_tensor(zero, TensorProto.INT64, [1], [0])),
            helper.make_node("Slice", [noise, zero, count], [flat], name=p + "Slice"),
        ]
        out = p + "shaped"
        new_nodes.append(helper.make_node("Reshape", [flat, shape], [out], name=p + "Reshape"))
        scale, mean = float(attrs.get("scale", 1.0)), float(attrs.get("mean", 0.0))
        if scale != 1.0:
            c = p + "scale"
            new_nodes.append(helper.make_node("Constant", [], [c], value=helper.make_tensor(c, TensorProto.FLOAT, [], [scale])))
            new_nodes.append(helper.make_node("Mul", [out, c], [p + "scaled"]))
            out = p + "scaled"
        if mean != 0.0:
            c = p + "mean"
            new_nodes.append(helper.make_node("Constant", [], [c], value=helper.make_tensor(c, TensorProto.FLOAT, [], [mean])))
            new_nodes.append(helper.make_node("Add", [out, c], [p + "meaned"]))
            out = p + "meaned"
        dtype = int(attrs.get("dtype", TensorProto.FLOAT))
        if dtype != TensorProto.FLOAT:
            new_nodes.append(helper.make_node("Cast", [out], [node.output[0]], to=dtype))
        else:
            new_nodes.append(helper.make_node("Identity", [out], [node.output[0]]))
    if names:
        del graph.node[:]
        graph.node.extend(new_nodes)
        onnx.checker.check_model(model)
    return names


def _cached(source: Path, durations: bool = False) -> tuple[Path, Path]:
    """(rewritten model, its marker of noise input names) in the cache, for ``source``."""
    st = source.stat()
    key = hashlib.sha256(f"{REWRITE_VERSION}|{source.resolve()}|{st.st_size}|{st.st_mtime_ns}|{durations}"
                         .encode()).hexdigest()[:24]
    target = paths.cache_dir() / "seeded-onnx" / f"{source.stem}-{key}.onnx"
    return target, target.with_suffix(".inputs")


def discard(source: Path, durations: bool = False) -> None:
    """Remove the cached rewrite of ``source`` (damaged): the next load rebuilds it."""
    for path in _cached(source, durations):
        try:
            path.unlink()
        except OSError:
            pass


def seeded_model_path(source: Path, durations: bool = False) -> tuple[Path | bytes, list[str], str | None]:
    """Path of a rewritten copy of ``source`` (cached), its noise input names and the name
    of its duration output (None when not asked for or not found).

    Models that need no rewrite are returned unchanged. When the cache cannot be
    written, the rewritten model comes back as bytes.
    """
    target, marker = _cached(source, durations)
    cache = target.parent
    if target.exists() and marker.exists():
        names, exposed = _read_marker(marker.read_text())
        return (target if names or exposed else source), names, exposed
    import onnx

    from . import durations as duration_graph

    model = onnx.load(str(source))
    names = _rewrite(model)
    exposed = duration_graph.expose(model) if durations else None
    changed = bool(names or exposed)
    try:
        paths.ensure_dir(cache, "cache")
        if changed:
            with atomic_path(target) as tmp:
                onnx.save(model, str(tmp))
        atomic_write(marker, "\n".join(names + ([f"{_DURATION_MARK}{exposed}"] if exposed else [])))
    except (OSError, OutputError) as exc:  # an unwritable cache only costs speed
        reason = exc.one_line() if isinstance(exc, OutputError) else str(exc)
        log.warning("cannot cache the seeded model (%s); using it from memory", reason)
        if changed:
            return model.SerializeToString(), names, exposed
    return (target if changed else source), names, exposed


_DURATION_MARK = "durations:"


def _read_marker(text: str) -> tuple[list[str], str | None]:
    lines = [n for n in text.split("\n") if n.strip()]
    exposed = next((n[len(_DURATION_MARK):] for n in lines if n.startswith(_DURATION_MARK)), None)
    return [n for n in lines if not n.startswith(_DURATION_MARK)], exposed


def noise(names: list[str], seed: int, length: int) -> dict[str, np.ndarray]:
    return {
        name: np.random.default_rng([seed & 0xFFFFFFFF, k]).standard_normal(length, dtype=np.float32)
        for k, name in enumerate(names)
    }


def text_seed(text: str, base: int | None) -> int:
    """A per-segment seed: the same text and --seed always give the same audio."""
    digest = hashlib.blake2b(f"{base or 0}|{text}".encode(), digest_size=4).digest()
    return int.from_bytes(digest, "little")
