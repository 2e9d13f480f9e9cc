"""ttscli say vs the piper CLI (piper-tts) on the same voice file and text.

    pip install -e ".[bench]"
    python benchmarks/say_vs_piper.py [--runs 3]

Alternates the two tools, reports medians of wall time, real-time factor, peak
RSS and time to the first audio byte on stdout, and the ratios ttscli/piper.
Also times `ttscli --help`. Prints a Markdown table for the README.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import soundfile as sf

sys.path.insert(0, str(Path(__file__).parent))
from _measure import median, piper_joe, run  # noqa: E402

HERE = Path(__file__).parent
TEXT = HERE / "texts" / "english_250.txt"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()

    piper, joe_model = piper_joe()
    text = TEXT.read_bytes()
    tmp = Path(tempfile.mkdtemp())
    ttscli = [sys.executable, "-m", "ttscli"]
    cmds = {
        "ttscli": ttscli + ["say", "-f", str(TEXT), "-o", str(tmp / "ttscli.wav")],
        "piper": [piper, "-m", joe_model, "-i", str(TEXT), "-f", str(tmp / "piper.wav")],
    }
    stream_cmds = {
        "ttscli": ttscli + ["say", "-f", str(TEXT), "--raw"],
        "piper": [piper, "-m", joe_model, "--output-raw"],
    }
    run(ttscli + ["say", "warm up", "-o", str(tmp / "warm.wav")])  # fills the seeded-model cache
    results: dict[str, dict[str, list[float]]] = {k: {"wall": [], "rss": [], "first": []} for k in cmds}
    for _ in range(args.runs):
        for name in cmds:
            r = run(cmds[name])
            results[name]["wall"].append(r["wall"])
            results[name]["rss"].append(r["rss_mib"])
            s = run(stream_cmds[name], stdin=text if name == "piper" else None, first_byte_after=0)
            results[name]["first"].append(s["first_byte"])
    durations = {name: sf.info(str(tmp / f"{name}.wav")).duration for name in cmds}
    helps = []
    for _ in range(5):
        t = time.perf_counter()
        run(ttscli + ["--help"])
        helps.append(time.perf_counter() - t)

    rows = []
    for name in cmds:
        m = {k: median(v) for k, v in results[name].items()}
        rows.append((name, m["wall"], m["wall"] / durations[name], m["rss"], m["first"], durations[name]))
    t, p = rows[0], rows[1]
    print(f"words: {len(text.split())}, runs: {args.runs} (medians)\n")
    print("| tool | wall s | RTF | peak RSS MiB | first audio s | audio s |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r[0]} | {r[1]:.2f} | {r[2]:.3f} | {r[3]:.0f} | {r[4]:.2f} | {r[5]:.1f} |")
    print(f"| **ratio ttscli/piper** | **{t[1] / p[1]:.2f}** | {t[2] / p[2]:.2f} | {t[3] / p[3]:.2f} | "
          f"{t[4] / p[4]:.2f} | |")
    print(f"\n`ttscli --help`: {median(helps):.3f} s (median of 5)")


if __name__ == "__main__":
    main()
