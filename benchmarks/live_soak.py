"""A `tail -f`-style soak of `ttscli say --raw` (docs/benchmarks.md, "Live input"): a line every
second for ``--minutes`` minutes, the audio read and thrown away; the resident memory of the
say process is sampled every ``--every`` seconds. The lines repeat every minute (60 lines whose
numbers, and so lengths, vary), so the first minute has shown the process every length it will
see: onnxruntime's arena grows to the longest input so far, which is not a leak.

    python benchmarks/live_soak.py [--minutes 30] [--every 30]

Prints the RSS samples and the change from the first sample after warm-up (the first minute)
to the last: the goal is "flat within 10 %".
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=30.0)
    ap.add_argument("--every", type=float, default=30.0)
    args = ap.parse_args()
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.Popen([sys.executable, "-m", "ttscli", "say", "--raw", "--no-server"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    heard = [0]

    def drain() -> None:
        while block := proc.stdout.read1(1 << 16):
            heard[0] += len(block)

    threading.Thread(target=drain, daemon=True).start()
    started = time.monotonic()
    samples: list[tuple[float, float]] = []
    n = 0
    next_sample = started + 60.0  # after a minute of warm-up
    while (now := time.monotonic()) - started < args.minutes * 60:
        n += 1
        k = n % 60
        proc.stdin.write(f"Log line {k}: the service answered request {k * 137 % 1000} in {k % 90} "
                         "milliseconds.\n".encode())
        proc.stdin.flush()
        if now >= next_sample:
            samples.append((now - started, rss_mib(proc.pid)))
            print(f"{samples[-1][0] / 60:5.1f} min  RSS {samples[-1][1]:7.1f} MiB  audio {heard[0] / 44100:7.0f} s",
                  flush=True)
            next_sample += args.every
        time.sleep(max(0.0, started + n - time.monotonic()))
    if len(samples) >= 2:
        first, last = samples[0][1], samples[-1][1]
        print(f"{n} lines; RSS {first:.1f} -> {last:.1f} MiB ({(last - first) / first:+.1%}), "
              f"max after warm-up {max(r for _, r in samples):.1f} MiB, load average {os.getloadavg()[0]:.1f}")
    proc.stdin.close()
    try:
        proc.wait(300)
    except subprocess.TimeoutExpired:  # a loaded machine: the say process is still speaking queued lines
        print("say was still speaking queued lines 5 minutes after the last one; stopped")
        proc.kill()
        proc.wait()


if __name__ == "__main__":
    main()
