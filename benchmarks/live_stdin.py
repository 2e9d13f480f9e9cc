"""Lines that arrive over time on stdin (docs/benchmarks.md, "Live input"): `ttscli say --raw`
against `piper --output-raw` on the same joe voice, in alternating runs.

    python benchmarks/live_stdin.py [--runs 5] [--gap 6]

A writer sends "Hello there, this is the first line.", waits ``--gap`` seconds, sends a
second line and closes stdin. Reported per tool (medians): seconds from the start of the
process to the first audio byte, and seconds from the moment the second line was written to
the first audio byte after it (with a rate of 22,050 Hz s16le, the audio of line one is
about 2.5 s long, so it has all arrived before line two is sent when the gap is 6 s; on a
machine so loaded that it has not, line two waits until it has).
"""

from __future__ import annotations

import argparse
import os
import select
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _measure import ensure_bytecode, median, piper_joe  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
LINES = ("Hello there, this is the first line.\n", "And this is the second line, a little later.\n")


def _drain(fd: int, until: float) -> tuple[int, float | None]:
    """Read what comes before ``until`` (monotonic); (bytes, time of the first byte)."""
    got, first = 0, None
    while (left := until - time.monotonic()) > 0:
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            break
        block = os.read(fd, 1 << 16)
        if not block:
            break
        first = first or time.monotonic()
        got += len(block)
    return got, first


def one_run(cmd: list[str], gap: float, env: dict) -> tuple[float, float]:
    """(first audio after start, first audio after the second line) in seconds."""
    started = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    fd = proc.stdout.fileno()
    proc.stdin.write(LINES[0].encode())
    proc.stdin.flush()
    _, first = _drain(fd, started + gap)
    if first is None:  # a slow machine: the first line is not heard within the gap yet
        _, first = _drain(fd, started + 120)
    _drain(fd, time.monotonic() + 0.5)  # the rest of line one's audio
    sent = time.monotonic()
    proc.stdin.write(LINES[1].encode())
    proc.stdin.close()
    _, second = _drain(fd, sent + 60)
    proc.stdout.read()
    proc.wait()
    if first is None or second is None:
        raise SystemExit(f"{cmd[0]}: no audio for a line (first={first}, second={second})")
    return first - started, second - sent


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--gap", type=float, default=6.0)
    args = ap.parse_args()
    ensure_bytecode()
    piper, model = piper_joe()
    env = dict(os.environ, PYTHONPATH=str(REPO))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    tools = {"ttscli": [sys.executable, "-m", "ttscli", "say", "--raw", "--no-server"],
             "piper": [piper, "-m", model, "--output-raw"]}
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in tools}
    for name, cmd in tools.items():  # warm-up: caches, page cache
        one_run(cmd, args.gap, env)
    for _ in range(args.runs):
        for name, cmd in tools.items():
            results[name].append(one_run(cmd, args.gap, env))
    load = os.getloadavg()[0]
    print(f"live stdin, {args.runs} alternating runs, gap {args.gap:g} s, load average {load:.1f}")
    for name, rows in results.items():
        print(f"{name:8s} first audio {median([r[0] for r in rows]):.2f} s, "
              f"second line to its audio {median([r[1] for r in rows]):.2f} s")
    for k, label in ((0, "first audio"), (1, "second line")):
        ratios = [a[k] / b[k] for a, b in zip(results["ttscli"], results["piper"])]
        print(f"ratio ttscli/piper, {label}: {median(ratios):.2f} (runs {min(ratios):.2f}-{max(ratios):.2f})")


if __name__ == "__main__":
    main()
