"""`ttscli pull` vs `hf download` (huggingface_hub CLI) from one loopback hub, and `ttscli list` latency.

    pip install -e ".[test]"
    python benchmarks/pull_vs_hf.py [--runs 3]

Both tools fetch the same files from the same local server (tests/hfserver.py) into
fresh caches, alternating; reported: median wall time, bytes the server sent,
peak RSS, and the ratio ttscli/hf. Two repositories:

* piper: the real joe voice as laid out in rhasspy/piper-voices (3 files, 63 MB)
  plus voices.json;
* kokoro-like: a 90 MB model file and 54 voicepacks of 522,240 bytes (random bytes,
  the Kokoro repository's layout), i.e. many small files.

ttscli does more per byte (sha256 of every file, md5 for Piper, file-type checks,
a resumable partial file); `hf download` checks sizes only.
Also times `ttscli list`, `ttscli list --available` and `ttscli --help`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))
from _measure import median, peer_cli, run  # noqa: E402
from support.hfserver import HubServer  # noqa: E402
from support.hubfiles import joe_files, voices_json  # noqa: E402

KOKORO = "onnx-community/Kokoro-82M-v1.0-ONNX"
KOKORO_COMMIT = "1939ad2a8e416c0acfeecc08a694d14ef25f2231"


def _serve(tmp: Path) -> None:
    """Run the hub in this (separate) process, so its memory does not count for the clients."""
    hub = _server(tmp)
    print(hub.url, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        hub.stop()


def _server(tmp: Path) -> HubServer:
    joe = joe_files()
    model = tmp / "model_quantized.onnx"
    with open(model, "wb") as fh:  # protobuf-looking header, then random bytes
        fh.write(b"\x08\x09" + os.urandom(90_000_000))
    voices = {f"voices/v{i:02d}.bin": os.urandom(522_240) for i in range(54)}
    hub = HubServer()
    hub.add_repo("rhasspy/piper-voices", {**joe, "voices.json": voices_json(joe)}, refs=("main", "v1.0.0"))
    hub.add_repo(KOKORO, {"onnx/model_quantized.onnx": model, "config.json": b'{"vocab": {}}',
                          "tokenizer.json": b"{}", **voices}, commits=(KOKORO_COMMIT,))
    return hub.start()


class RemoteHub:
    """The benchmark's handle on the server process."""

    def __init__(self, tmp: Path):
        self.proc = subprocess.Popen([sys.executable, __file__, "--serve", str(tmp)], stdout=subprocess.PIPE,
                                     text=True)
        self.url = self.proc.stdout.readline().strip()

    def env(self, hf_home: Path) -> dict[str, str]:
        return {"HF_ENDPOINT": self.url, "HF_HOME": str(hf_home), "HF_HUB_OFFLINE": "0", "HF_HUB_DISABLE_XET": "1",
                "HF_HUB_DISABLE_TELEMETRY": "1", "HF_TOKEN": ""}

    def _get(self, path: str) -> bytes:
        with urllib.request.urlopen(self.url + path) as resp:
            return resp.read()

    def clear(self) -> None:
        self._get("/_clear")

    def sent(self) -> int:
        return sum(r.get("bytes", 0) for r in json.loads(self._get("/_log")) if r["method"] == "GET")

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGINT)
        self.proc.wait(timeout=30)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--serve", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.serve:
        return _serve(Path(args.serve))
    hf = peer_cli("hf") or "hf"
    tmp = Path(tempfile.mkdtemp(prefix="pullbench-"))
    hub = RemoteHub(tmp)
    ttscli = [sys.executable, "-m", "ttscli"]
    cases = {
        "piper (3 files, 63 MB)": {
            "ttscli": ttscli + ["pull", "piper:en_US-joe-medium"],
            "hf": [hf, "download", "rhasspy/piper-voices", "--revision", "v1.0.0", "voices.json",
                   *sorted(joe_files())],
        },
        "kokoro-like (57 files, 118 MB)": {
            "ttscli": ttscli + ["pull", "kokoro:int8"],
            "hf": [hf, "download", KOKORO, "--revision", KOKORO_COMMIT, "--include", "voices/*.bin",
                   "--include", "onnx/model_quantized.onnx", "--include", "config.json", "--include",
                   "tokenizer.json"],
        },
    }
    results: dict = {case: {tool: {"wall": [], "bytes": [], "rss": [], "warm": []} for tool in tools}
                     for case, tools in cases.items()}
    for i in range(args.runs):
        for case, tools in cases.items():
            for tool, cmd in tools.items():
                home = tmp / f"run{i}-{tool}-{abs(hash(case))}"
                env = {**hub.env(home / "hf"), "TTSCLI_HOME": str(home / "ttscli"),
                       "HF_HUB_DISABLE_PROGRESS_BARS": "1"}
                hub.clear()
                r = run(cmd, env=env, first_byte_after=-1)
                sent = hub.sent()
                warm = run(cmd, env=env, first_byte_after=-1)  # everything cached: the no-op cost
                slot = results[case][tool]
                slot["wall"].append(r["wall"])
                slot["bytes"].append(sent)
                slot["rss"].append(r["rss_mib"])
                slot["warm"].append(warm["wall"])
                shutil.rmtree(home, ignore_errors=True)
    # list latency (an empty store plus the embedded voice; the catalog for --available)
    env = {"TTSCLI_HOME": str(tmp / "list-home")}
    latency = {}
    for label, cmd in (("ttscli list", ttscli + ["list"]), ("ttscli list --available", ttscli + ["list", "-a"]),
                       ("ttscli --help", ttscli + ["--help"])):
        run(cmd, env=env, first_byte_after=-1)
        latency[label] = median([run(cmd, env=env, first_byte_after=-1)["wall"] for _ in range(7)])
    hub.stop()
    shutil.rmtree(tmp, ignore_errors=True)

    print(f"\nMedians of {args.runs} runs, loopback server, fresh caches (cold), then the same command again (warm).\n")
    print("| files | tool | cold wall s | MB sent | peak RSS MiB | warm wall s |")
    print("|---|---|---|---|---|---|")
    for case, tools in results.items():
        for tool, slot in tools.items():
            print(f"| {case} | {tool} | {median(slot['wall']):.2f} | {median(slot['bytes']) / 1e6:.1f} | "
                  f"{median(slot['rss']):.0f} | {median(slot['warm']):.2f} |")
        t, h = tools["ttscli"], tools["hf"]
        print(f"| {case} | **ratio ttscli/hf** | **{median(t['wall']) / median(h['wall']):.2f}** | "
              f"{median(t['bytes']) / max(median(h['bytes']), 1):.2f} | {median(t['rss']) / median(h['rss']):.2f} | "
              f"{median(t['warm']) / median(h['warm']):.2f} |")
    print("\n| command | median wall s (7 runs) |\n|---|---|")
    for label, seconds in latency.items():
        print(f"| `{label}` | {seconds:.3f} |")
    print("\n" + json.dumps({"pull": results, "latency": latency}))


if __name__ == "__main__":
    main()
