"""What `batch --verify` costs: wall time of a plain batch vs the same batch with --verify.

    python benchmarks/batch_verify.py [--words 800] [--rounds 2]

A generated book (the paragraphs of texts/english_250.txt, each made unique by a
numbered opening, see batch_book.py) is converted to an .m4b with the bundled
Piper voice (joe), from scratch each time, alternately without and with
--verify (Whisper tiny.en int8 on the CPU hears every chunk). Reports the median
wall times, their ratio, the takes --verify needed and the load average (the
machine may be shared: the ratio is what to compare).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _measure import median, run  # noqa: E402
from batch_book import make_book  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=800)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="batch-verify-"))
    try:
        book = tmp / "book.txt"
        words = make_book(book, args.words)
        walls: dict[str, list[float]] = {"plain": [], "verify": []}
        retakes = 0
        for _ in range(args.rounds):
            for kind in walls:
                out = tmp / kind
                shutil.rmtree(out, ignore_errors=True)
                cmd = [sys.executable, "-m", "ttscli", "batch", str(book), "-o", str(out)]
                walls[kind].append(run(cmd + (["--verify"] if kind == "verify" else []))["wall"])
                if kind == "verify":
                    records = json.loads((out / ".ttscli" / "book" / "manifest.json").read_text())["verify"]
                    retakes = sum(r["take"] > 1 or len(r["takes"]) > 1 for r in records.values())
        plain, checked = median(walls["plain"]), median(walls["verify"])
        print(f"book: {words} words, {args.rounds} rounds, load average {os.getloadavg()[0]:.2f} "
              f"on {os.cpu_count()} CPUs")
        print("| run | median wall s |\n|---|---|")
        print(f"| plain batch | {plain:.1f} |\n| --verify | {checked:.1f} |")
        print(f"ratio --verify / plain: {checked / plain:.2f}; chunks re-taken: {retakes}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
