"""1-D convolutions rewritten as 2-D ones so onnxruntime runs them in its blocked layout.

onnxruntime's CPU provider has fast direct-convolution kernels that work on
channels in blocks of 8 or 16 (the "NCHWc" layout, chosen for the CPU's vector
width), but its layout optimizer only hands them 2-D convolutions. The decoders
of VITS/HiFi-GAN voices are stacks of 1-D convolutions, which otherwise run as
im2col + matrix multiply. A 1-D convolution over ``[N, C, T]`` is the same
computation as a 2-D one over ``[N, C, 1, T]`` with a ``1 × k`` kernel, so each
qualifying ``Conv`` gets an ``Unsqueeze`` before it, a 4-D weight and a ``Squeeze``
after it, and the session is built at ``ORT_ENABLE_ALL`` so the layout
transformer takes them. Measured on the Piper joe voice (AVX-512 CPU, one
thread): 18 % less CPU per text; the audio differs from the plain graph only in
float rounding (max |Δ| ≈ 5e-5, a least-significant bit of 16-bit audio), and a
cached optimized copy reproduces it bit for bit (docs/performance.md).

Only float convolutions with a constant 3-D weight whose channel counts suit the
blocks are rewritten, and a graph with fewer than :data:`MIN_CONVS` of them is
left alone (an int8 Kokoro graph has almost none: its convolutions are
``ConvInteger``). ``TTSCLI_ORT_BLOCKED=0`` turns the rewrite off; it applies to
CPU sessions on x86-64 only (the blocked kernels are x86 code).
"""

from __future__ import annotations

import os
import platform
from collections import Counter

ENV = "TTSCLI_ORT_BLOCKED"
MIN_CONVS = 8
_BLOCK = 8  # the smallest block width (AVX2); AVX-512 uses 16 and checks again itself
_AXIS_NAME = "ttscli_blocked_axis2"


def wanted(providers: list) -> bool:
    """Whether sessions with these providers should get the rewrite on this machine."""
    if os.environ.get(ENV, "1").strip().lower() in ("0", "no", "off", "false"):
        return False
    names = [p[0] if isinstance(p, tuple) else p for p in providers]
    return names == ["CPUExecutionProvider"] and platform.machine().lower() in ("x86_64", "amd64")


def _qualifies(node, weights: dict, uses: dict) -> bool:
    if node.op_type != "Conv" or node.domain not in ("", "ai.onnx") or len(node.input) < 2:
        return False
    weight = weights.get(node.input[1])
    if weight is None or len(weight.dims) != 3 or weight.data_type != 1 or uses[weight.name] != 1:  # FLOAT
        return False
    out_channels, in_channels = weight.dims[0], weight.dims[1]
    return out_channels % _BLOCK == 0 and (in_channels % _BLOCK == 0 or in_channels < _BLOCK)


def _as_2d(attrs: dict) -> dict:
    out = dict(attrs)
    for key in ("kernel_shape", "strides", "dilations"):
        if key in out:
            out[key] = [1, *out[key]]
    if "pads" in out:
        begin, end = out["pads"]
        out["pads"] = [0, begin, 0, end]
    return out


def rewrite(model) -> int:
    """Rewrite the qualifying 1-D ``Conv`` nodes of ``model`` (onnx.ModelProto) in place;
    return how many were rewritten (0: the model is unchanged)."""
    import numpy as np
    from onnx import helper, numpy_helper

    graph = model.graph
    weights = {init.name: init for init in graph.initializer}
    uses = Counter(name for node in graph.node for name in node.input)
    chosen = [node for node in graph.node if _qualifies(node, weights, uses)]
    if len(chosen) < MIN_CONVS:
        return 0
    opset = next((op.version for op in model.opset_import if op.domain in ("", "ai.onnx")), 13)
    if opset >= 13:  # Squeeze/Unsqueeze take their axes as an input from opset 13 on
        graph.initializer.append(numpy_helper.from_array(np.array([2], dtype=np.int64), _AXIS_NAME))
        axes_in, axes_attr = [_AXIS_NAME], {}
    else:
        axes_in, axes_attr = [], {"axes": [2]}
    picked = {id(node) for node in chosen}
    nodes = []
    for k, node in enumerate(graph.node):
        if id(node) not in picked:
            nodes.append(node)
            continue
        weight = weights[node.input[1]]
        array = numpy_helper.to_array(weight)
        weight.CopyFrom(numpy_helper.from_array(np.ascontiguousarray(array[:, :, None, :]), weight.name))
        source, target = node.input[0], node.output[0]
        lifted, result = f"{source}__ttscli_2d_in_{k}", f"{target}__ttscli_2d_out"
        attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        nodes += [
            helper.make_node("Unsqueeze", [source, *axes_in], [lifted], name=f"{node.name}/ttscli_unsqueeze",
                             **axes_attr),
            helper.make_node("Conv", [lifted, *node.input[1:]], [result], name=node.name, **_as_2d(attrs)),
            helper.make_node("Squeeze", [result, *axes_in], [target], name=f"{node.name}/ttscli_squeeze",
                             **axes_attr),
        ]
    del graph.node[:]
    graph.node.extend(nodes)
    return len(chosen)
