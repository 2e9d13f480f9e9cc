"""`batch --cluster ray` against `batch --jobs 2` on one machine, and a cost model for many nodes.

    python benchmarks/batch_cluster.py [--words 20000] [--runs 2] [--rss-seconds 90]

1. Overhead: a generated book (benchmarks/batch_book.py's generator) is made
   with `--jobs 2` and with `--cluster ray` (a local Ray, one actor per core),
   from scratch, in alternating runs; wall time ratio cluster / jobs.
2. Driver memory: peak RSS of the driver process alone (VmHWM from /proc,
   polled) for a 100 KB and a 1 MB book, each stopped after --rss-seconds (the
   books are read, cut and queued before the first chunk is synthesized).
3. Cost model from the cluster run's --json-progress events: chunks per second
   per actor, audio seconds per wall second per actor, scheduling overhead per
   chunk ((cluster wall - jobs wall) / chunks), bytes moved per audio second,
   driver assembly/encode time per audio second (after the last chunk), and the
   projected wall time for 1,000 books on 10 and 100 nodes like this one.
Prints Markdown and the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from batch_book import make_book  # noqa: E402

BOOK_WORDS = 80_000  # a typical novel, for the projection


def _cmd(src: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "ttscli", "--threads", "1", "batch", str(src), "-o", str(out), "--format", "wav",
            "--json-progress", *extra]


def _hwm_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def run(cmd: list[str], limit: float | None = None) -> dict:
    """Wall seconds, the driver's own peak RSS (MiB) and its JSON progress events."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
        peak = 0
        while proc.poll() is None:
            peak = max(peak, _hwm_kib(proc.pid))
            if limit and time.perf_counter() - started > limit:
                proc.kill()
                proc.wait()
                break
            time.sleep(0.05)
        wall = time.perf_counter() - started
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
    if not limit and proc.returncode != 0:
        raise RuntimeError(text[-800:])
    events = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    return {"wall": wall, "rss_mib": peak / 1024, "events": events, "ended": time.perf_counter()}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--words", type=int, default=20000)
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--rss-seconds", type=float, default=90.0)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ttscli-cluster-bench-"))
    try:
        src = work / "book.txt"
        words = make_book(src, args.words)
        jobs, ray = [], []
        for i in range(args.runs):
            for name, extra, sink in (("jobs", ("--jobs", "2"), jobs), ("ray", ("--cluster", "ray"), ray)):
                out = work / f"{name}{i}"
                sink.append(run(_cmd(src, out, *extra)))
                shutil.rmtree(out)
        ratios = [r["wall"] / j["wall"] for j, r in zip(jobs, ray)]
        print(f"load average at start of summary: {os.getloadavg()}")
        print(f"\n### Overhead on one machine ({words} words, {args.runs} alternating pairs)\n")
        print("| run | --jobs 2 wall s | --cluster ray wall s | ratio |")
        print("|---|---|---|---|")
        for i, (j, r, q) in enumerate(zip(jobs, ray, ratios), 1):
            print(f"| {i} | {j['wall']:.1f} | {r['wall']:.1f} | {q:.2f} |")
        print(f"\nmedian ratio: **{statistics.median(ratios):.2f}x**")

        last = ray[-1]
        chunks = [e for e in last["events"] if e["event"] == "chunk"]
        cluster = next(e for e in last["events"] if e["event"] == "cluster")
        actors = cluster["actors"]
        audio = chunks[-1]["audio_seconds"]
        synth_wall = chunks[-1]["elapsed"]
        after = last["wall"] - synth_wall  # startup + chapter assembly and encode are outside `elapsed`
        jobs_wall = statistics.median(j["wall"] for j in jobs)
        per_chunk = (statistics.median(r["wall"] for r in ray) - jobs_wall) / len(chunks)
        rate = 22050
        per_actor_audio = audio / synth_wall / actors
        print("\n### Cost model (from the last cluster run)\n")
        print(f"- chunks: {len(chunks)}, actors: {actors}, audio: {audio:.0f} s, synthesis wall: {synth_wall:.1f} s")
        print(f"- chunks per second per actor: {len(chunks) / synth_wall / actors:.3f}")
        print(f"- audio seconds per wall second per actor: {per_actor_audio:.2f}")
        print(f"- scheduling overhead per chunk vs --jobs 2: {per_chunk * 1000:.0f} ms")
        print(f"- bytes moved per audio second: {2 * rate} (int16 mono at {rate} Hz) + the chunk text")
        print(f"- driver time outside synthesis (start-up, Ray start, assembly): {after:.1f} s")
        book_audio = BOOK_WORDS / 190 * 60
        for nodes in (10, 100):
            total_actors = nodes * actors
            synth = 1000 * book_audio / (per_actor_audio * total_actors)
            print(f"- 1,000 books of {BOOK_WORDS} words on {nodes} nodes like this one ({total_actors} actors): "
                  f"synthesis {synth / 3600:.1f} h; driver traffic {1000 * book_audio * 2 * rate / 2**30:.0f} GiB "
                  f"in total ({1000 * book_audio * 2 * rate / synth / 2**20:.1f} MiB/s)")

        print("\n### Driver peak RSS against book length\n")
        print("| book | driver peak RSS MiB |")
        print("|---|---|")
        for kb in (100, 1000):
            book = work / f"book{kb}.txt"
            make_book(book, kb * 1024 // 6)
            res = run(_cmd(book, work / f"rss{kb}", "--cluster", "ray"), limit=args.rss_seconds)
            print(f"| {kb} KB | {res['rss_mib']:.0f} |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
