"""MCP: 20 synthesis calls in one `ttscli mcp` session vs 20 `ttscli say --no-server` processes.

    pip install -e ".[mcp,bench]"
    python benchmarks/mcp_calls.py [--calls 20] [--rounds 2]

Each call writes one short sentence (a different one each time) to a WAV file. The MCP side
is timed from spawning the server to the last result, so its start-up and the one model load
are included; it uses the SDK's stdio client. Rounds alternate between the two. Everything
runs on the embedded Piper joe voice. Prints a Markdown table and the load average.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _measure import ensure_bytecode, median  # noqa: E402

LINES = [f"Notification number {i}: the build has finished." for i in range(1, 201)]


def mcp_session(out: Path, calls: int) -> float:
    from mcp.client.session import ClientSession
    from mcp.client.stdio import StdioServerParameters, stdio_client

    params = StdioServerParameters(command=sys.executable, args=["-m", "ttscli", "mcp", "--output-dir", str(out)],
                                   env=dict(os.environ))

    async def main() -> float:
        started = time.perf_counter()
        async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            for i in range(calls):
                res = await session.call_tool("write_speech", {"text": LINES[i], "path": f"call-{i}.wav"})
                if res.is_error:
                    raise RuntimeError(res.content[0].text)
            return time.perf_counter() - started

    return asyncio.run(main())


def processes(out: Path, calls: int) -> float:
    started = time.perf_counter()
    for i in range(calls):
        subprocess.run([sys.executable, "-m", "ttscli", "say", "--no-server", LINES[i], "-o", str(out / f"say-{i}.wav")],
                       check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--calls", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    ensure_bytecode()
    print(f"load before: {os.getloadavg()}", file=sys.stderr)
    ours, theirs = [], []
    with tempfile.TemporaryDirectory() as name:
        out = Path(name)
        for _ in range(args.rounds):
            ours.append(mcp_session(out, args.calls))
            theirs.append(processes(out, args.calls))
    print(f"load after: {os.getloadavg()}", file=sys.stderr)
    a, b = median(ours), median(theirs)
    print(f"| {args.calls} short synthesis calls ({args.rounds} rounds, median) | seconds |")
    print("|---|---|")
    print(f"| one `ttscli mcp` session (start-up and model load included) | {a:.2f} |")
    print(f"| {args.calls} `ttscli say --no-server` processes | {b:.2f} |")
    print(f"| speed-up | {b / a:.1f}x |")


if __name__ == "__main__":
    main()
