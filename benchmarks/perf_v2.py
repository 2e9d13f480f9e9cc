"""Performance v2 measurements (docs/performance.md): ttscli say vs the piper CLI on
the joe voice, peak RSS on a long text, first audio on a pipe.

    pip install -e ".[bench]"
    python benchmarks/perf_v2.py [--runs 3]

Runs alternate (ttscli, piper, ttscli long, first audio, ...) in one sitting;
the tables give medians of wall time, CPU time (user+sys, all threads) and peak
RSS (whole process, from wait4), and the ratios ttscli/piper. The long text
(2,049 words) is made here from benchmarks/texts/english_250.txt: its
paragraphs in rotating order, each night numbered, cut to 2,049 words.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _measure import ensure_bytecode, median, piper_joe, run  # noqa: E402

HERE = Path(__file__).parent
TEXT = HERE / "texts" / "english_250.txt"
LONG_WORDS = 2049


def long_text(words: int = LONG_WORDS) -> str:
    """``words`` words of varied English prose built from the 264-word benchmark text."""
    paragraphs = [p.strip() for p in TEXT.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    out: list[str] = []
    count, night = 0, 0
    while count < words:
        night += 1
        for i in range(len(paragraphs)):
            para = f"Night {night}. " + paragraphs[(i + night) % len(paragraphs)]
            take = para.split()[: words - count]
            count += len(take)
            text = " ".join(take)
            out.append(text if text.endswith((".", "!", "?")) else text + ".")
            if count >= words:
                break
    return "\n\n".join(out) + "\n"


FIRST_CPU = """
import sys, time
c0 = time.process_time()
from ttscli import engine
from ttscli.request import Request
from ttscli.backends.base import SynthesisOptions
loaded = engine.load(None, None)
c1 = time.process_time()
text = open(sys.argv[1], encoding="utf-8").read()
next(engine.chunks(loaded, engine.segments(Request(text), loaded), SynthesisOptions()))
print(f"{c1 - c0:.2f} {time.process_time() - c1:.2f}")
"""


def first_audio(cmd: list[str]) -> float:
    """Seconds from start to the first byte on stdout; the process is stopped there."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    proc.stdout.read(1)
    first = time.perf_counter() - started
    proc.kill()
    proc.wait()
    return first


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    ensure_bytecode()  # as an installed package has it

    piper, joe_model = piper_joe()
    tmp = Path(tempfile.mkdtemp())
    long_path = tmp / "long.txt"
    long_path.write_text(long_text(), encoding="utf-8")
    ttscli = [sys.executable, "-m", "ttscli"]
    cmds = {
        "ttscli 264 words": ttscli + ["say", "-f", str(TEXT), "-o", str(tmp / "t.wav")],
        "piper CLI 264 words": [piper, "-m", joe_model, "-i", str(TEXT), "-f", str(tmp / "p.wav")],
        f"ttscli {LONG_WORDS} words": ttscli + ["say", "-f", str(long_path), "-o", str(tmp / "long.wav")],
    }
    first_cmd = ttscli + ["say", "-f", str(long_path), "--raw"]
    run(ttscli + ["say", "warm up", "-o", str(tmp / "warm.wav")])  # fills the optimized-graph caches
    res = {k: {"wall": [], "cpu": [], "rss": []} for k in cmds}
    firsts: list[float] = []
    for _ in range(args.runs):
        for name, cmd in cmds.items():
            r = run(cmd)
            res[name]["wall"].append(r["wall"])
            res[name]["cpu"].append(r["cpu_s"])
            res[name]["rss"].append(r["rss_mib"])
        firsts.append(first_audio(first_cmd))

    print(f"runs: {args.runs} (medians), load average: {os.getloadavg()[0]:.1f}\n")
    print("| command | wall s | CPU s | peak RSS MiB |")
    print("|---|---|---|---|")
    med = {k: {m: median(v) for m, v in d.items()} for k, d in res.items()}
    for name, m in med.items():
        print(f"| {name} | {m['wall']:.2f} | {m['cpu']:.2f} | {m['rss']:.0f} |")
    t, p, long = med["ttscli 264 words"], med["piper CLI 264 words"], med[f"ttscli {LONG_WORDS} words"]
    print(f"| **ratio ttscli/piper (264 words)** | **{t['wall'] / p['wall']:.2f}** | "
          f"**{t['cpu'] / p['cpu']:.2f}** | **{t['rss'] / p['rss']:.2f}** |")
    print(f"\npeak RSS {LONG_WORDS} words / 264 words: {long['rss'] / t['rss']:.2f}")
    load_cpu, first_cpu = run([sys.executable, "-c", FIRST_CPU, str(long_path)])["stdout"].split()
    print(f"CPU seconds to the first audio chunk, {LONG_WORDS} words: import + model load {float(load_cpu):.2f}, "
          f"text preparation + first chunk {float(first_cpu):.2f}")
    print(f"first audio byte on a pipe, {LONG_WORDS} words (from process start, warm): "
          f"{median(firsts):.2f} s (runs: {', '.join(f'{x:.2f}' for x in firsts)})")


if __name__ == "__main__":
    main()
