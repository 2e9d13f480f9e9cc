"""How long hardware detection takes: the probe runs on every `ttscli say`.

    python benchmarks/probe_time.py [--runs N]

Measures, on this machine:
  * probe() in-process (files only; what `say` pays besides importing its runtime),
  * probe() on the simulated DGX Spark (parsing cost with 20 CPUs and nvidia-smi output),
  * each runtime's status in a fresh process (dominated by importing the runtime),
  * `ttscli doctor --json` wall time vs `ttscli --version` (start-up baseline), and
    vs the peer report `python -m torch.utils.collect_env` when torch is installed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]


def _timed(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _wall(cmd: list[str], runs: int) -> float:
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}

    def once():
        subprocess.run(cmd, check=True, capture_output=True, env=env)

    once()  # warm the page cache
    return _timed(once, runs)


def _runtime_in_fresh_process(name: str) -> float:
    code = ("import time; from ttscli.runtime.runtimes import probe_runtime; from ttscli.runtime.sources import real;"
            f"t=time.perf_counter(); probe_runtime({name!r}, real()); print(time.perf_counter()-t)")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, env=env)
    return float(out.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    from support import hwsim
    from ttscli.runtime.hardware import probe

    rows = [
        ("probe() this machine (files only)", _timed(lambda: probe(), args.runs * 10)),
        ("probe() simulated DGX Spark, detailed", _timed(lambda: probe(hwsim.dgx_spark(), detailed=True), args.runs * 10)),
    ]
    for name in ("onnxruntime", "llama.cpp", "sherpa-onnx", "torch"):
        rows.append((f"status of {name} (fresh process, incl. import)", _runtime_in_fresh_process(name)))
    code = ("import time; from ttscli.runtime import sources; t=time.perf_counter(); "
            "sources._torch_facts(from_metadata=False); print(time.perf_counter()-t)")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(REPO)})
    rows.append(("torch facts by importing torch (no +cpu shortcut)", float(out.stdout.strip())))
    code = ("import time, onnxruntime; from ttscli.runtime.planners import plan_for; t=time.perf_counter(); "
            "plan_for('onnxruntime'); print(time.perf_counter()-t)")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(REPO)})
    rows.append(("what `say` adds: plan_for('onnxruntime') once ORT is imported", float(out.stdout.strip())))
    cli = [sys.executable, "-m", "ttscli"]
    version = _wall(cli + ["--version"], args.runs)
    doctor = _wall(cli + ["doctor", "--json"], args.runs)
    rows += [("ttscli --version (start-up baseline)", version), ("ttscli doctor --json", doctor)]
    try:
        import importlib.util

        if importlib.util.find_spec("torch") is not None:
            peer = _wall([sys.executable, "-m", "torch.utils.collect_env"], max(3, args.runs // 2))
            rows.append(("peer: python -m torch.utils.collect_env", peer))
    except subprocess.CalledProcessError:
        peer = None
    width = max(len(r[0]) for r in rows)
    for label, seconds in rows:
        print(f"{label:<{width}}  {seconds * 1000:9.2f} ms")
    print(f"doctor minus start-up: {(doctor - version) * 1000:.0f} ms")
    if rows[-1][0].startswith("peer"):
        print(f"doctor / torch collect_env: {doctor / rows[-1][1]:.2f}x")


if __name__ == "__main__":
    main()
