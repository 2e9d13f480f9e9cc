"""Where a model's ONNX time goes: onnxruntime's own profiler, per operator type and per node.

    python benchmarks/ort_profile.py [--model kokoro:v1.0-int8-ja] [--text FILE] [--top 15]

The text (default: benchmarks/texts/english_250.txt) goes through ttscli's front end
and backend once to collect every model call's inputs; the same inputs are then run,
one after another on one thread, in a fresh profiling session built exactly as ttscli
builds its own (the rewritten graph, the same optimization level). Kernel times are
summed from the profile. Set TTSCLI_ORT_BLOCKED=0 to profile the plain graph.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=None, help="model id (default: ttscli's default voice)")
    ap.add_argument("--text", default=str(HERE / "texts" / "english_250.txt"))
    ap.add_argument("--top", type=int, default=15)
    args = ap.parse_args()
    os.environ["TTSCLI_WORKERS"] = "1"

    import onnxruntime as ort

    from ttscli import engine
    from ttscli.request import Request
    from ttscli.backends.base import SynthesisOptions

    loaded = engine.load(args.model, None)
    model = loaded.backend.onnx
    session = model.session
    calls: list[dict] = []

    class Recorder:  # stands in for the session: records each call's feeds, then runs it
        def __getattr__(self, name):
            return getattr(session, name)

        def run(self, names, feeds, *rest):
            calls.append(dict(feeds))
            return session.run(names, feeds, *rest)

    model.session = Recorder()
    text = Path(args.text).read_text(encoding="utf-8")
    for _ in engine.chunks(loaded, engine.segments(Request(text), loaded), SynthesisOptions()):
        pass

    graph = model._seeded(model.duration_output is not None, model.blocked_convs > 0)
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = opts.inter_op_num_threads = 1
    opts.enable_mem_pattern = model.mem_pattern
    opts.graph_optimization_level = (ort.GraphOptimizationLevel.ORT_ENABLE_ALL if model.blocked_convs
                                     else ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED)
    opts.enable_profiling = True
    opts.profile_file_prefix = str(Path(tempfile.mkdtemp()) / "ort")
    profiled = ort.InferenceSession(graph if isinstance(graph, bytes) else str(graph), opts,
                                    providers=["CPUExecutionProvider"])
    started = time.thread_time()
    for feeds in calls:
        profiled.run(None, feeds)
    cpu = time.thread_time() - started
    events = json.loads(Path(profiled.end_profiling()).read_text())

    by_type: collections.Counter = collections.Counter()
    by_node: collections.Counter = collections.Counter()
    for event in events:
        if event.get("cat") == "Node" and event["name"].endswith("_kernel_time"):
            by_type[event["args"].get("op_name")] += event["dur"]
            by_node[event["name"][: -len("_kernel_time")]] += event["dur"]
    total = sum(by_type.values()) or 1
    print(f"model {loaded.backend.model.id}: {len(calls)} calls, {cpu:.2f} CPU s on one thread, "
          f"kernel time {total / 1e6:.2f} s; 1-D convolutions run blocked: {model.blocked_convs}\n")
    print("| operator | s | share |\n|---|---|---|")
    for op, t in by_type.most_common(args.top):
        print(f"| {op} | {t / 1e6:.2f} | {100 * t / total:.1f} % |")
    print("\n| node | s | share |\n|---|---|---|")
    for node, t in by_node.most_common(args.top):
        print(f"| {node} | {t / 1e6:.2f} | {100 * t / total:.1f} % |")


if __name__ == "__main__":
    sys.exit(main())
