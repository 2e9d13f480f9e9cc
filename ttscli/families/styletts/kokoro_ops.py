"""The ONNX operators of Kokoro's decoder, as torch functions (for kokoro_torch.TimbreDecoder).

``OPS`` maps an op type to ``run(inputs, attributes, node) -> outputs``. The integer ops are
emulated in float: ``DynamicQuantizeLinear`` rounds with a straight-through gradient (its scale is
treated as a constant), ``ConvInteger``/``MatMulInteger`` subtract the zero points and run float
conv/matmul on the int8 values, so the forward pass is the int8 graph's arithmetic and the
backward pass that of the dequantized model.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
import onnx
from onnx import helper


def attributes(node) -> dict:
    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def _ints(t) -> list[int]:
    return [int(v) for v in torch.as_tensor(t).reshape(-1).tolist()]


def _is_float(t) -> bool:
    return torch.is_tensor(t) and t.is_floating_point()


def _pad1d(x, pads):
    left, right = pads[0], pads[len(pads) // 2]
    if left == right:
        return x, left
    return F.pad(x, (left, right)), 0


def _conv(x, w, b, a, transpose=False):
    stride, dil, group = a.get("strides", [1])[0], a.get("dilations", [1])[0], a.get("group", 1)
    pads = a.get("pads", [0, 0])
    if transpose:
        return F.conv_transpose1d(x, w, b, stride=stride, padding=pads[0], dilation=dil, groups=group,
                                  output_padding=a.get("output_padding", [0])[0])
    x, pad = _pad1d(x, pads)
    return F.conv1d(x, w, b, stride=stride, padding=pad, dilation=dil, groups=group)


def _dql(x):
    lo = torch.clamp(x.detach().min(), max=0.0)
    hi = torch.clamp(x.detach().max(), min=0.0)
    scale = torch.clamp((hi - lo) / 255.0, min=1e-12)
    zp = torch.clamp(torch.round(-lo / scale), 0, 255)
    soft = x / scale + zp
    hard = torch.clamp(torch.round(x.detach() / scale) + zp, 0, 255)
    return soft + (hard - soft).detach(), scale, zp


def _slice(x, starts, ends, axes, steps):
    index = [slice(None)] * x.dim()
    for s, e, ax, st in zip(starts, ends, axes, steps):
        n = x.shape[ax]
        s = max(0, min(n, s + n if s < 0 else s))
        e = max(0, min(n, e + n if e < 0 else e))
        if st < 0:
            raise NotImplementedError("negative slice steps")
        index[ax] = slice(s, e, st)
    return x[tuple(index)]


def _gather(x, idx, axis):
    idx = torch.as_tensor(idx).long()
    axis = axis % x.dim()
    idx = torch.where(idx < 0, idx + x.shape[axis], idx)
    out = x.index_select(axis, idx.reshape(-1))
    return out.reshape((*x.shape[:axis], *idx.shape, *x.shape[axis + 1:]))


def _reshape(x, shape):
    shape = [x.shape[i] if s == 0 else s for i, s in enumerate(_ints(shape))]
    return x.reshape(shape)


def _cast(x, to):
    if to in (onnx.TensorProto.FLOAT, onnx.TensorProto.DOUBLE, onnx.TensorProto.FLOAT16):
        return x.float() if torch.is_tensor(x) else torch.tensor(x, dtype=torch.float32)
    if to == onnx.TensorProto.BOOL:
        return x.bool()
    if _is_float(x) and x.requires_grad:  # float → int on the gradient path: truncate, pass the gradient
        return x + (torch.trunc(x.detach()) - x).detach()
    return torch.trunc(x).long() if _is_float(x) else x.long()


def _resize(x, a, scales, sizes):
    if a.get("mode", b"nearest") != b"nearest":
        raise NotImplementedError("only nearest resize")
    if sizes is not None and sizes.numel():
        factors = [int(s) // n for s, n in zip(_ints(sizes), x.shape)]
    else:
        factors = [int(round(float(s))) for s in scales.reshape(-1).tolist()]
    for ax, f in enumerate(factors):
        if f != 1:
            x = x.repeat_interleave(f, dim=ax)
    return x


def _scatter_nd(data, indices, updates):
    out = data.clone()
    idx = indices.long()
    k = idx.shape[-1]
    flat = idx.reshape(-1, k)
    out[tuple(flat[:, j] for j in range(k))] = updates.reshape(flat.shape[0], *data.shape[k:]).to(out.dtype)
    return out


def _opt(ins, i):
    return ins[i] if len(ins) > i and ins[i] is not None else None


def _arith(op):
    fn = {"Add": torch.add, "Sub": torch.sub, "Mul": torch.mul, "Div": torch.div, "Pow": torch.pow}[op]

    def run(ins, a, node):
        x, y = ins[0], ins[1]
        if op == "Div" and not _is_float(x) and not _is_float(y):
            return [torch.div(x, y, rounding_mode="trunc")]
        return [fn(x, y)]
    return run


def _unary(fn):
    return lambda ins, a, node: [fn(ins[0])]


def _reduce_mean(ins, a, node):
    axes = _ints(ins[1]) if _opt(ins, 1) is not None else a.get("axes")
    return [ins[0].mean(dim=axes, keepdim=bool(a.get("keepdims", 1)))]


def _integer_op(conv):
    def run(ins, a, node):
        x = ins[0] - (_opt(ins, 2) if _opt(ins, 2) is not None else 0)
        zp = _opt(ins, 3)
        w = ins[1].float()
        if zp is not None:
            w = w - (zp.float().reshape(-1, 1, 1) if conv else zp.float())
        return [_conv(x, w, None, a) if conv else torch.matmul(x, w)]
    return run


def _unsqueeze(ins, a, node):
    x = ins[0]
    for ax in sorted(_ints(ins[1])):
        x = x.unsqueeze(ax)
    return [x]


def _squeeze(ins, a, node):
    x = ins[0]
    axes = _ints(ins[1]) if _opt(ins, 1) is not None else [i for i, n in enumerate(x.shape) if n == 1]
    for ax in sorted((ax % x.dim() for ax in axes), reverse=True):
        x = x.squeeze(ax)
    return [x]


def _split(ins, a, node):
    x, axis = ins[0], a.get("axis", 0)
    if _opt(ins, 1) is not None:
        sizes = _ints(ins[1])
    else:
        n = a.get("num_outputs", len(node.output))
        sizes = [-(-x.shape[axis] // n)] * n
        sizes[-1] = x.shape[axis] - sum(sizes[:-1])
    return list(torch.split(x, sizes, dim=axis))


def _concat(ins, a, node):
    ts = [t for t in ins if t is not None and t.numel() > 0] or ins[:1]
    dtype = torch.float32 if any(_is_float(t) for t in ts) else ts[0].dtype
    return [torch.cat([t.to(dtype) for t in ts], dim=a["axis"])]


def _slice_op(ins, a, node):
    axes = _ints(ins[3]) if _opt(ins, 3) is not None else list(range(len(_ints(ins[1]))))
    steps = _ints(ins[4]) if _opt(ins, 4) is not None else [1] * len(axes)
    return [_slice(ins[0], _ints(ins[1]), _ints(ins[2]), axes, steps)]


def _pad(ins, a, node):
    pads = _ints(ins[1])
    rank = len(pads) // 2
    flat = []
    for ax in reversed(range(rank)):
        flat += [pads[ax], pads[ax + rank]]
    while flat and flat[-1] == 0 and flat[-2] == 0:
        flat = flat[:-2]
    return [F.pad(ins[0], flat, mode=a.get("mode", b"constant").decode()) if flat else ins[0]]


def _nonzero(ins, a, node):
    x = ins[0]
    return [torch.stack(torch.nonzero(x, as_tuple=True)) if x.dim() else torch.nonzero(x).T]


OPS = {
    **{op: _arith(op) for op in ("Add", "Sub", "Mul", "Div", "Pow")},
    **{op: _unary(fn) for op, fn in (("Sqrt", torch.sqrt), ("Sin", torch.sin), ("Cos", torch.cos),
                                      ("Exp", torch.exp), ("Tanh", torch.tanh), ("Floor", torch.floor))},
    "Cast": lambda ins, a, node: [_cast(ins[0], a["to"])],
    "ReduceMean": _reduce_mean,
    "DynamicQuantizeLinear": lambda ins, a, node: list(_dql(ins[0])),
    "ConvInteger": _integer_op(conv=True),
    "MatMulInteger": _integer_op(conv=False),
    "MatMul": lambda ins, a, node: [torch.matmul(ins[0], ins[1])],
    "Conv": lambda ins, a, node: [_conv(ins[0], ins[1], _opt(ins, 2), a)],
    "ConvTranspose": lambda ins, a, node: [_conv(ins[0], ins[1], _opt(ins, 2), a, transpose=True)],
    "LeakyRelu": lambda ins, a, node: [F.leaky_relu(ins[0], a.get("alpha", 0.01))],
    "Unsqueeze": _unsqueeze,
    "Squeeze": _squeeze,
    "Reshape": lambda ins, a, node: [_reshape(ins[0], ins[1])],
    "Split": _split,
    "Concat": _concat,
    "Slice": _slice_op,
    "Gather": lambda ins, a, node: [_gather(ins[0], ins[1], a.get("axis", 0))],
    "Shape": lambda ins, a, node: [torch.tensor(list(ins[0].shape)[a.get("start", 0):a.get("end", None)])],
    "Expand": lambda ins, a, node: [ins[0].expand(torch.broadcast_shapes(tuple(ins[0].shape), tuple(_ints(ins[1]))))],
    "Resize": lambda ins, a, node: [_resize(ins[0], a, _opt(ins, 2), _opt(ins, 3))],
    "Pad": _pad,
    "Range": lambda ins, a, node: [torch.arange(ins[0].item(), ins[1].item(), ins[2].item())],
    "Greater": lambda ins, a, node: [torch.gt(ins[0], ins[1])],
    "Less": lambda ins, a, node: [torch.lt(ins[0], ins[1])],
    "Equal": lambda ins, a, node: [torch.eq(ins[0], ins[1])],
    "NonZero": _nonzero,
    "Transpose": lambda ins, a, node: [ins[0].permute(a.get("perm", list(reversed(range(ins[0].dim())))))],
    "Where": lambda ins, a, node: [torch.where(ins[0], ins[1], ins[2])],
    "ScatterND": lambda ins, a, node: [_scatter_nd(ins[0], ins[1], ins[2])],
}


def op_for(node):
    try:
        return OPS[node.op_type]
    except KeyError:
        raise NotImplementedError(f"{node.op_type} ({node.name})") from None
