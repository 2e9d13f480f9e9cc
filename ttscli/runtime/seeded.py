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
graph's per-phoneme durations as an extra output (see :mod:`.durations`) and
turn 1-D convolutions into 2-D ones for the CPU's blocked kernels (see
:mod:`.blocked`).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .. import paths
from ..errors import OutputError
from ..fsio import atomic_path, atomic_write
from .blocked import VERSION as BLOCKED_VERSION

log = logging.getLogger(__name__)

NOISE_PREFIX = "ttscli_noise_"
REWRITE_VERSION = "3"


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


def _cached(source: Path, durations: bool = False, blocked: bool = False) -> tuple[Path, Path]:
    """(rewritten model, its marker of noise input names) in the cache, for ``source``."""
    st = source.stat()
    layout = f"blocked{BLOCKED_VERSION}" if blocked else "plain"
    key = hashlib.sha256(f"{REWRITE_VERSION}|{source.resolve()}|{st.st_size}|{st.st_mtime_ns}|{durations}|{layout}"
                         .encode()).hexdigest()[:24]
    target = paths.cache_dir() / "seeded-onnx" / f"{source.stem}-{key}.onnx"
    return target, target.with_suffix(".inputs")


def discard(source: Path, durations: bool = False, blocked: bool = False) -> None:
    """Remove the cached rewrite of ``source`` (damaged): the next load rebuilds it."""
    for path in _cached(source, durations, blocked):
        try:
            path.unlink()
        except OSError:
            pass


@dataclass(frozen=True)
class Derived:
    """What :func:`seeded_model_path` made of a model."""

    model: Path | bytes  # the graph to run: a cached file, the source itself, or bytes
    noise_inputs: list[str]
    durations: str | None  # the exposed duration output, if asked for and found
    blocked: int  # 1-D convolutions rewritten as 2-D (see .blocked); > 0 wants ORT_ENABLE_ALL


def seeded_model_path(source: Path, durations: bool = False, blocked: bool = False) -> Derived:
    """A rewritten copy of ``source`` (cached): noise inputs, the duration output when
    ``durations``, 1-D convolutions as 2-D when ``blocked`` (:mod:`.blocked`).

    Models that need no rewrite are returned unchanged. When the cache cannot be
    written, the rewritten model comes back as bytes.
    """
    target, marker = _cached(source, durations, blocked)
    cache = target.parent
    if target.exists() and marker.exists():
        names, exposed, convs = _read_marker(marker.read_text())
        return Derived(target if names or exposed or convs else source, names, exposed, convs)
    import onnx

    from . import blocked as blocked_layout
    from . import durations as duration_graph

    model = onnx.load(str(source))
    names = _rewrite(model)
    exposed = duration_graph.expose(model) if durations else None
    convs = blocked_layout.rewrite(model) if blocked else 0
    changed = bool(names or exposed or convs)
    try:
        paths.ensure_dir(cache, "cache")
        if changed:
            with atomic_path(target) as tmp:
                onnx.save(model, str(tmp))
        atomic_write(marker, "\n".join(names + ([f"{_DURATION_MARK}{exposed}"] if exposed else [])
                                       + ([f"{_BLOCKED_MARK}{convs}"] if convs else [])))
    except (OSError, OutputError) as exc:  # an unwritable cache only costs speed
        reason = exc.one_line() if isinstance(exc, OutputError) else str(exc)
        log.warning("cannot cache the seeded model (%s); using it from memory", reason)
        if changed:
            return Derived(model.SerializeToString(), names, exposed, convs)
    return Derived(target if changed else source, names, exposed, convs)


_DURATION_MARK = "durations:"
_BLOCKED_MARK = "blocked:"


def _read_marker(text: str) -> tuple[list[str], str | None, int]:
    lines = [n for n in text.split("\n") if n.strip()]
    exposed = next((n[len(_DURATION_MARK):] for n in lines if n.startswith(_DURATION_MARK)), None)
    convs = next((n[len(_BLOCKED_MARK):] for n in lines if n.startswith(_BLOCKED_MARK)), "0")
    names = [n for n in lines if not n.startswith((_DURATION_MARK, _BLOCKED_MARK))]
    return names, exposed, int(convs) if convs.isdigit() else 0


def noise(names: list[str], seed: int, length: int) -> dict[str, np.ndarray]:
    return {
        name: np.random.default_rng([seed & 0xFFFFFFFF, k]).standard_normal(length, dtype=np.float32)
        for k, name in enumerate(names)
    }


def text_seed(text: str, base: int | None) -> int:
    """A per-segment seed: the same text and --seed always give the same audio."""
    digest = hashlib.blake2b(f"{base or 0}|{text}".encode(), digest_size=4).digest()
    return int.from_bytes(digest, "little")
