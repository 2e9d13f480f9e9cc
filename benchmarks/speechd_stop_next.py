"""A screen reader's STOP, then the next message: seconds from sending the next SPEAK to its
first audio (``705 AUDIO``), with the module driven over pipes as speech-dispatcher drives it.

    python benchmarks/speechd_stop_next.py [--runs 8] [--config 'DefaultModel kokoro:v1.0-int8-ja']

Each run speaks a long message, waits for its first audio (plus 0-150 ms), sends STOP and, once
the module has answered 703, sends a one-word message. A STOP stops the model runs in progress
(``Backend.interrupt``), so the next message does not wait for a chunk nobody will hear.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from support.speechd import Module  # noqa: E402

LONG = " ".join(f"This is sentence number {i}, which keeps the module talking for a while." for i in range(12))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=8)
    ap.add_argument("--config", default="", help="lines of the module's configuration file")
    args = ap.parse_args()
    mod = Module(Path(tempfile.mkdtemp()), config=args.config)
    mod.init()
    waits = []
    try:
        for run in range(args.runs):
            mod.speak(LONG)
            while mod.timed(60)[1] != b"705 AUDIO\n":
                pass
            time.sleep(0.05 * (run % 4))
            mod.send("STOP")
            mod.events(timeout=30)
            sent = time.monotonic()
            mod.speak("Next.")
            while True:
                at, raw = mod.timed(60)
                if raw == b"705 AUDIO\n":
                    waits.append(at - sent)
                    break
            mod.events(timeout=30)
    finally:
        mod.close()
    print(f"STOP, then the next message's first audio: median {statistics.median(waits):.3f} s "
          f"(runs: {', '.join(f'{w:.3f}' for w in waits)}), load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
