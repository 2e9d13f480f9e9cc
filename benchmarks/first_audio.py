"""First audio on a pipe (docs/performance.md, "First audio"): seconds and CPU seconds from
process start to the first byte of `ttscli say -f long.txt --raw` on the 2,049-word text.

    python benchmarks/first_audio.py [--runs 7] [--vs-piper] [CHECKOUT ...]

With several checkouts (e.g. `.` and a checkout of main made with `git worktree add`), runs
alternate between them in one sitting, each with PYTHONPATH set to its checkout. CPU seconds
(user + system, all threads, read from /proc at the first byte; Linux only) depend much
less on the machine's load than wall time. The first run of each checkout fills the
optimized-graph cache and the bytecode cache (PYTHONDONTWRITEBYTECODE is dropped, as
for an installed package) and is not counted (warm). With a `ttscli serve` running, `say` goes
through it (the fast client); the process is stopped at its first byte, and the server needs a
moment to finish the chunk it was on, so every run is followed by a one-second pause.
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
from _measure import median  # noqa: E402
from perf_v2 import long_text  # noqa: E402


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of a running process (all its threads), from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def first_byte(cmd: list[str], env: dict) -> tuple[float, float | None]:
    """(wall, CPU) seconds from start to the first byte on stdout; the process is stopped there.
    It runs in the checkout that PYTHONPATH names (`python -m` puts the working directory first)."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, cwd=env["PYTHONPATH"])
    got = proc.stdout.read(1)
    wall = time.perf_counter() - started
    cpu = _cpu_seconds(proc.pid)
    proc.kill()
    proc.wait()
    if not got:
        raise SystemExit(f"no audio from {' '.join(cmd)}")
    return wall, cpu


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--words", type=int, default=2049)
    ap.add_argument("--vs-piper", action="store_true",
                    help="alternate with `piper --output-raw` on the same text and joe voice (the bench extra)")
    ap.add_argument("checkouts", nargs="*", default=["."])
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp())
    text = tmp / "long.txt"
    text.write_text(long_text(args.words), encoding="utf-8")
    cmd = [sys.executable, "-m", "ttscli", "say", "-f", str(text), "--raw"]
    base = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}  # as installed: .pyc cached
    envs = {c: {**base, "PYTHONPATH": str(Path(c).resolve())} for c in args.checkouts}
    cmds = {c: cmd for c in envs}
    if args.vs_piper:
        from _measure import piper_joe

        piper, model = piper_joe()
        # piper reads the text on stdin; a shell gives it the file (the same text, the same voice)
        cmds["piper --output-raw"] = ["sh", "-c", f'exec "{piper}" -m "{model}" --output-raw < "{text}"']
        envs["piper --output-raw"] = {**base, "PYTHONPATH": str(Path(args.checkouts[0]).resolve())}
    for c, env in envs.items():
        first_byte(cmds[c], env)  # warm: caches filled, files in the page cache
    res: dict[str, list[tuple[float, float | None]]] = {c: [] for c in envs}
    for _ in range(args.runs):
        for c, env in envs.items():
            res[c].append(first_byte(cmds[c], env))
            time.sleep(1.0)  # a warm server finishes the chunk it was on when the reader left
    print(f"{args.words} words, runs: {args.runs}, load average: {os.getloadavg()[0]:.1f}")
    for c, runs in res.items():
        walls = [w for w, _ in runs]
        cpus = [x for _, x in runs if x is not None]
        cpu = f", CPU median {median(cpus):.2f} s (runs: {', '.join(f'{x:.2f}' for x in cpus)})" if cpus else ""
        print(f"{c}: wall median {median(walls):.2f} s (runs: {', '.join(f'{w:.2f}' for w in walls)}){cpu}")
    if args.vs_piper:
        first = args.checkouts[0]
        ratios = [a[0] / b[0] for a, b in zip(res[first], res["piper --output-raw"])]
        print(f"first audio, {first} / piper: median {median(ratios):.2f} "
              f"(pairs {min(ratios):.2f}-{max(ratios):.2f})")


if __name__ == "__main__":
    main()
