"""A differentiable Kokoro decoder: the timbre half of the style → audio, in torch.

The offline int8 graph is not ported module by module: the part of it that depends on the
decoder's style half (``/decoder/Slice_output_0``, style[:128]) is executed node by node with
torch operations, so gradients reach the style. Every other tensor it reads (the aligned text
features, F0 and energy curves, the harmonic source — all of which depend only on the tokens
and the prosody half) is captured once per phrase from onnxruntime as extra graph outputs.

Integer ops are emulated in float: ``DynamicQuantizeLinear`` rounds with a straight-through
gradient (its scale is treated as a constant), ``ConvInteger``/``MatMulInteger`` subtract the
zero points and run float conv/matmul on the int8 values, so the forward pass reproduces the
int8 graph's arithmetic and the backward pass is that of the dequantized model.
"""

from __future__ import annotations

import os

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import helper, numpy_helper

TIMBRE_INPUT = "/decoder/Slice_output_0"
PARTS = 24  # checkpointed parts of the decoder's steps (memory against one more forward pass)
ROOMY = 10 << 30  # bytes of available memory above which the steps keep what autograd needs instead


def available_memory() -> int | None:
    """MemAvailable from /proc/meminfo, else free pages × page size, else None."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def _attrs(node) -> dict:
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


def _op(node):
    try:
        return OPS[node.op_type]
    except KeyError:
        raise NotImplementedError(f"{node.op_type} ({node.name})") from None


class TimbreDecoder:
    """The style-dependent part of the Kokoro graph, run in torch.

    ``capture(tokens, style)`` runs onnxruntime once and keeps the tensors the decoder reads that
    do not depend on style[:128]; ``audio(timbre, captured)`` then renders the phrase for any
    timbre vector (a (128,) torch tensor), differentiably.
    """

    def __init__(self, model_path: str, threads: int = 1, checkpoint: bool | None = None):
        import onnxruntime as ort

        model = onnx.load(model_path)
        graph = model.graph
        reach = {TIMBRE_INPUT}
        self.nodes = []
        for node in graph.node:
            if any(i in reach for i in node.input):
                self.nodes.append(node)
                reach.update(node.output)
        if graph.output[0].name not in reach or [i.name for i in graph.input][:3] != ["tokens", "style", "speed"]:
            raise NotImplementedError(f"not the Kokoro v1.0 export this runs (no {TIMBRE_INPUT} before the audio)")
        self.steps = [(_op(n), _attrs(n), n, list(n.input), list(n.output)) for n in self.nodes]
        self._last_use = self._liveness(graph.output[0].name)
        self._parts = self._partition(graph.output[0].name, PARTS)
        if checkpoint is None:  # the same gradient either way; the memory decides
            room = available_memory()
            checkpoint = room is None or room < ROOMY
        self.checkpoint = checkpoint
        inits = {i.name: i for i in graph.initializer}
        needed = {i for n in self.nodes for i in n.input if i and i not in reach}
        self.consts = {}
        for name in needed & inits.keys():
            arr = numpy_helper.to_array(inits[name])
            t = torch.from_numpy(np.array(arr))
            self.consts[name] = t.float() if arr.dtype in (np.uint8, np.int8, np.float32, np.float64) else t.long()
        self.external = sorted(needed - inits.keys())
        self.output = graph.output[0].name
        for name in self.external:
            graph.output.append(onnx.ValueInfoProto(name=name))
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])
        self.names = [self.output, *self.external]

    def _liveness(self, keep: str) -> list[list[str]]:
        """Per step, the intermediate tensors read for the last time there (freed after it; a
        render of a 2 s phrase otherwise holds every node's output, gigabytes)."""
        produced = {name for _, _, _, _, outputs in self.steps for name in outputs}
        last: dict[str, int] = {}
        for index, (_, _, _, inputs, _) in enumerate(self.steps):
            for name in inputs:
                if name in produced:
                    last[name] = index
        done: list[list[str]] = [[] for _ in self.steps]
        for name, index in last.items():
            if name != keep:
                done[index].append(name)
        return done

    def _partition(self, keep: str, parts: int) -> list[tuple[int, int, list[str], list[str]]]:
        """(start, end, what the part reads from before it, what it makes for after it) per part."""
        made = {name: index for index, (_, _, _, _, outputs) in enumerate(self.steps) for name in outputs}
        last = {TIMBRE_INPUT: -1}
        for index, (_, _, _, inputs, _) in enumerate(self.steps):
            for name in inputs:
                if name in made or name == TIMBRE_INPUT:
                    last[name] = index
        bounds = sorted({round(k * len(self.steps) / parts) for k in range(parts + 1)})
        out = []
        for start, end in zip(bounds, bounds[1:]):
            reads = {name for _, _, _, inputs, _ in self.steps[start:end] for name in inputs}
            takes = sorted(n for n in reads if n == TIMBRE_INPUT or made.get(n, end) < start)
            gives = sorted(n for _, _, _, _, outputs in self.steps[start:end] for n in outputs
                           if n == keep or last.get(n, -1) >= end)
            out.append((start, end, takes, gives))
        return out

    def _run(self, env: dict, start: int, end: int) -> None:
        """Steps ``start:end`` on ``env``, each output freed after its last reader."""
        for (op, attrs, node, inputs, outputs), done in zip(self.steps[start:end], self._last_use[start:end]):
            env.update(zip(outputs, op([env.get(i) if i else None for i in inputs], attrs, node)))
            for name in done:
                env.pop(name, None)

    def capture(self, tokens, style: np.ndarray, speed: float = 1.0) -> dict:
        feeds = {"tokens": np.asarray([tokens], dtype=np.int64),
                 "style": np.asarray(style, dtype=np.float32).reshape(1, 256),
                 "speed": np.asarray([speed], dtype=np.float32)}
        outs = self.session.run(self.names, feeds)
        cap = {}
        for name, arr in zip(self.external, outs[1:]):
            t = torch.from_numpy(np.array(arr))
            cap[name] = t if t.is_floating_point() else t.long()
        cap["__audio__"] = np.asarray(outs[0], dtype=np.float32).reshape(-1)
        return cap

    def audio(self, timbre: torch.Tensor, captured: dict) -> torch.Tensor:
        """The phrase's audio for ``timbre``. With ``checkpoint`` (less than :data:`ROOMY` of memory
        available) and gradients, the steps run in :data:`PARTS` parts under
        ``torch.utils.checkpoint``: each part keeps only its inputs for the backward pass and runs
        again there (one step's peak 4.8 → 3.2 GB, the step about 1.5× as long; the gradient is
        the same)."""
        fixed = dict(self.consts)
        fixed.update({k: v for k, v in captured.items() if k != "__audio__"})
        timbre = timbre.reshape(1, 128)
        if not (self.checkpoint and torch.is_grad_enabled() and timbre.requires_grad):
            env = {**fixed, TIMBRE_INPUT: timbre}
            self._run(env, 0, len(self.steps))
            return env[self.output].reshape(-1)
        from torch.utils.checkpoint import checkpoint

        live = {TIMBRE_INPUT: timbre}
        for start, end, takes, gives in self._parts:
            def part(*tensors, start=start, end=end, takes=takes, gives=gives):
                env = {**fixed, **dict(zip(takes, tensors))}
                self._run(env, start, end)
                return tuple(env[name] for name in gives)

            live.update(zip(gives, checkpoint(part, *(live[name] for name in takes), use_reentrant=False)))
            for name in [n for n in live if n not in gives and not self._read_after(n, end)]:
                del live[name]
        return live[self.output].reshape(-1)

    def _read_after(self, name: str, end: int) -> bool:
        return any(name in takes for start, _, takes, _ in self._parts if start >= end)
