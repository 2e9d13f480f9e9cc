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

A strided transposed convolution (HiFi-GAN's upsamplers) becomes a polyphase
convolution first: ``stride`` ordinary convolutions of ``kernel / stride`` taps,
stacked as output channels, then interleaved and cropped, which is the same sum
(another 4–7 % less CPU on the joe voice: onnxruntime runs ConvTranspose as a
matrix multiply plus a scatter-add, never blocked).

Only float convolutions with a constant 3-D weight whose channel counts suit the
blocks and that have at least :data:`MIN_OUT_CHANNELS` output channels are rewritten.
onnxruntime shares a blocked convolution among threads by output rows and by groups of
four channel blocks (64 channels with AVX-512), and a 1-D convolution has one row, so a
narrower one runs on one thread: with the joe voice's 64- and 32-channel decoder stages
blocked, a lone sentence on two threads took 0.14 s instead of 0.115 s (docs/performance.md,
round 6). A graph with fewer than :data:`MIN_CONVS` of them is left alone (an int8 Kokoro
graph has almost none: its convolutions are ``ConvInteger``). ``TTSCLI_ORT_BLOCKED=0`` turns
the rewrite off; it applies to CPU sessions on x86-64 only (the blocked kernels are x86 code).
"""

from __future__ import annotations

import platform
from collections import Counter

from .plan import cpu_only, switched_off

ENV = "TTSCLI_ORT_BLOCKED"
VERSION = 3  # part of the cached rewrite's key: bump it whenever the rewrite changes
MIN_CONVS = 8
MIN_OUT_CHANNELS = 128  # two of onnxruntime's 64-channel work groups, so two threads share the work
_BLOCK = 8  # the smallest block width (AVX2); AVX-512 uses 16 and checks again itself
_AXIS_NAME = "ttscli_blocked_axis2"


def wanted(providers: list) -> bool:
    """Whether sessions with these providers should get the rewrite on this machine."""
    return not switched_off(ENV) and cpu_only(providers) and platform.machine().lower() in ("x86_64", "amd64")


def _attrs(node) -> dict:
    from onnx import helper

    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def _float_weight(node, weights: dict, uses: dict):
    """The constant 3-D float weight that only ``node`` uses, or None."""
    if node.domain not in ("", "ai.onnx") or len(node.input) < 2:
        return None
    weight = weights.get(node.input[1])
    if weight is None or len(weight.dims) != 3 or weight.data_type != 1 or uses[weight.name] != 1:  # FLOAT
        return None
    return weight


def _wide_enough(out_channels: int, min_out: int) -> bool:
    """Output channels that fill whole blocks, enough of them for two threads (MIN_OUT_CHANNELS)."""
    return out_channels % _BLOCK == 0 and out_channels >= min_out


def _qualifies(node, weights: dict, uses: dict, min_out: int) -> bool:
    weight = _float_weight(node, weights, uses) if node.op_type == "Conv" else None
    if weight is None:
        return False
    out_channels, in_channels = weight.dims[0], weight.dims[1]
    return _wide_enough(out_channels, min_out) and (in_channels % _BLOCK == 0 or in_channels < _BLOCK)


def _upsampler(node, weights: dict, uses: dict, min_out: int) -> bool:
    """A transposed convolution the polyphase form computes exactly: one group, no dilation,
    no output padding or shape, explicit pads, a kernel that is a multiple of the stride."""
    weight = _float_weight(node, weights, uses) if node.op_type == "ConvTranspose" else None
    if weight is None or (len(node.input) > 2 and node.input[2] and node.input[2] not in weights):
        return False
    attrs = _attrs(node)
    stride = (attrs.get("strides") or [1])[0]
    if (attrs.get("group", 1) != 1 or any(d != 1 for d in attrs.get("dilations", [1]))
            or any(attrs.get("output_padding", [0])) or "output_shape" in attrs
            or attrs.get("auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET")):
        return False
    in_channels, out_channels, kernel = weight.dims
    return (kernel % stride == 0 and in_channels % _BLOCK == 0 and _wide_enough(out_channels * stride, min_out)
            and len(attrs.get("pads", [0, 0])) == 2)


def _as_2d(attrs: dict) -> dict:
    out = dict(attrs)
    for key in ("kernel_shape", "strides", "dilations"):
        if key in out:
            out[key] = [1, *out[key]]
    if "pads" in out:
        begin, end = out["pads"]
        out["pads"] = [0, begin, 0, end]
    return out


class _Writer:
    """Emits the replacement nodes and their constants."""

    def __init__(self, graph, opset: int):
        import numpy as np
        from onnx import helper, numpy_helper

        self.np, self.helper, self.numpy_helper = np, helper, numpy_helper
        self.graph = graph
        self.nodes: list = []
        if opset >= 13:  # Squeeze/Unsqueeze take their axes as an input from opset 13 on
            self.axes_in, self.axes_attr = [self.constant(_AXIS_NAME, [2])], {}
        else:
            self.axes_in, self.axes_attr = [], {"axes": [2]}

    def constant(self, name: str, values, dtype=None):
        array = self.np.asarray(values, dtype=dtype or self.np.int64)
        self.graph.initializer.append(self.numpy_helper.from_array(array, name))
        return name

    def node(self, op: str, inputs: list, outputs: list, name: str, **attrs) -> None:
        self.nodes.append(self.helper.make_node(op, inputs, outputs, name=name, **attrs))

    def conv_2d(self, name: str, source: str, inputs: list, target: str, attrs: dict) -> None:
        """``target = Conv(source, *inputs)`` computed as a 2-D convolution over ``[N, C, 1, T]``."""
        lifted, result = f"{target}__ttscli_2d_in", f"{target}__ttscli_2d_out"
        self.node("Unsqueeze", [source, *self.axes_in], [lifted], f"{name}/ttscli_unsqueeze", **self.axes_attr)
        self.node("Conv", [lifted, *inputs], [result], name, **_as_2d(attrs))
        self.node("Squeeze", [result, *self.axes_in], [target], f"{name}/ttscli_squeeze", **self.axes_attr)

    def polyphase(self, node, weights: dict, k: int) -> None:
        """``ConvTranspose`` (stride s, kernel k = s·K) as a K-tap convolution with s·C_out output
        channels, phase r of output channel c at index r·C_out + c, then interleaved and cropped."""
        np = self.np
        w = self.numpy_helper.to_array(weights[node.input[1]])  # [C_in, C_out, k]
        attrs = _attrs(node)
        stride = (attrs.get("strides") or [1])[0]
        begin, end = attrs.get("pads", [0, 0])
        c_in, c_out, kernel = w.shape
        taps = kernel // stride
        # phase r, tap i reads the transposed kernel at r + stride·(taps - 1 - i)
        index = np.arange(stride)[:, None] + stride * (taps - 1 - np.arange(taps))[None, :]
        phases = w[:, :, index]  # [C_in, C_out, s, K]
        stacked = np.ascontiguousarray(phases.transpose(2, 1, 0, 3).reshape(stride * c_out, c_in, 1, taps))
        base = f"{node.name}/ttscli_polyphase_{k}"
        inputs = [self.constant(f"{base}/w", stacked, np.float32)]
        if len(node.input) > 2 and node.input[2]:
            bias = self.numpy_helper.to_array(weights[node.input[2]])
            inputs.append(self.constant(f"{base}/b", np.tile(bias, stride), np.float32))
        phased = f"{base}/phases"
        self.conv_2d(f"{base}/conv", node.input[0], inputs, phased,
                     {"kernel_shape": [taps], "pads": [taps - 1, taps - 1], "strides": [1]})
        self.node("Reshape", [phased, self.constant(f"{base}/split", [0, stride, c_out, -1])], [f"{base}/split_out"],
                  f"{base}/reshape_split")
        self.node("Transpose", [f"{base}/split_out"], [f"{base}/interleaved"], f"{base}/transpose", perm=[0, 2, 3, 1])
        self.node("Reshape", [f"{base}/interleaved", self.constant(f"{base}/joined", [0, c_out, -1])],
                  [f"{base}/full"], f"{base}/reshape_join")
        stop = -end if end else np.iinfo(np.int64).max
        self.node("Slice", [f"{base}/full", self.constant(f"{base}/start", [begin]), self.constant(f"{base}/stop", [stop]),
                            self.constant(f"{base}/axis", [2])], [node.output[0]], f"{base}/crop")


def rewrite(model, min_out_channels: int = MIN_OUT_CHANNELS) -> int:
    """Rewrite the qualifying convolutions of ``model`` (onnx.ModelProto) in place; return how
    many now run blocked (0: the model is unchanged)."""
    graph = model.graph
    weights = {init.name: init for init in graph.initializer}
    uses = Counter(name for node in graph.node for name in node.input)
    nodes = list(graph.node)  # positions, not id(): protobuf hands out fresh wrappers
    convs = {k for k, node in enumerate(nodes) if _qualifies(node, weights, uses, min_out_channels)}
    upsamplers = {k for k, node in enumerate(nodes) if _upsampler(node, weights, uses, min_out_channels)}
    if len(convs) + len(upsamplers) < MIN_CONVS:
        return 0
    opset = next((op.version for op in model.opset_import if op.domain in ("", "ai.onnx")), 13)
    out = _Writer(graph, opset)
    for k, node in enumerate(nodes):
        if k in upsamplers:
            out.polyphase(node, weights, k)
        elif k in convs:
            weight = weights[node.input[1]]
            array = out.numpy_helper.to_array(weight)
            weight.CopyFrom(out.numpy_helper.from_array(out.np.ascontiguousarray(array[:, :, None, :]), weight.name))
            out.conv_2d(node.name or f"ttscli_conv_{k}", node.input[0], list(node.input[1:]), node.output[0],
                        _attrs(node))
        else:
            out.nodes.append(node)
    dropped = {name for k in upsamplers for name in nodes[k].input[1:3]}
    kept = [init for init in graph.initializer if init.name not in dropped or uses[init.name] > 1]
    del graph.initializer[:]
    graph.initializer.extend(kept)
    del graph.node[:]
    graph.node.extend(out.nodes)
    return len(convs) + len(upsamplers)
