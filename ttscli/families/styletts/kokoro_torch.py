"""A differentiable Kokoro decoder: the timbre half of the style → audio, in torch.

The offline int8 graph is not ported module by module: the part of it that depends on the
decoder's style half (``/decoder/Slice_output_0``, style[:128]) is executed node by node with
torch operations, so gradients reach the style. Every other tensor it reads (the aligned text
features, F0 and energy curves, the harmonic source — all of which depend only on the tokens
and the prosody half) is captured once per phrase from onnxruntime as extra graph outputs.

The operators themselves, integer ops emulated in float, are in kokoro_ops.py.
"""

from __future__ import annotations

import os

import numpy as np
import onnx
import torch
from onnx import numpy_helper

from .kokoro_ops import attributes, op_for

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
        self.steps = [(op_for(n), attributes(n), n, list(n.input), list(n.output)) for n in self.nodes]
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

    def _partition(self, keep: str, parts: int) -> list[tuple]:
        """(start, end, what the part reads from before it, what it makes for after it, what later
        parts read) per part."""
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
        later: set[str] = set()
        drops = []
        for _, end, takes, gives in reversed(out):  # after a part: what no later part reads
            drops.append(later)
            later = later | set(takes)
        return [(start, end, takes, gives, drop) for (start, end, takes, gives), drop in zip(out, reversed(drops))]

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
        for start, end, takes, gives, later in self._parts:
            def part(*tensors, start=start, end=end, takes=takes, gives=gives):
                env = {**fixed, **dict(zip(takes, tensors))}
                self._run(env, start, end)
                return tuple(env[name] for name in gives)

            live.update(zip(gives, checkpoint(part, *(live[name] for name in takes), use_reentrant=False)))
            live = {name: value for name, value in live.items() if name in gives or name in later}
        return live[self.output].reshape(-1)
