"""speech-dispatcher: time from `spd-say "…"` to the first audio sample, ttscli's module vs
speech-dispatcher's generic module running the piper CLI, on the same Piper joe voice, in one
speech-dispatcher started for the run; and how soon a cancel (`spd-say -C`) silences ttscli.

    pip install -e ".[bench]"          # piper-tts (the peer); Debian: speech-dispatcher
    python benchmarks/speechd_first_audio.py [--rounds 10]

Both modules write their audio to a file instead of a sound card, so the first sample is the
moment the file first holds audio (polled every millisecond): ttscli's module through
TTSCLI_SPEECHD_WAV (paced like a sound card), the generic module through its command
`piper --output-raw > FILE` (speech-dispatcher's own audio goes to ALSA's null device). Rounds alternate between the two. speech-dispatcher is started
once and warmed with one message per module (screen readers keep it running); the generic
module starts piper for every message, the ttscli module keeps the model loaded.
Prints a Markdown table; the load average is printed before and after.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _measure import median, piper_joe  # noqa: E402

TEXT = "The quick brown fox jumps over the lazy dog."
LONG = " ".join(f"This is sentence number {i}, which keeps the synthesizer talking for a while." for i in range(12))
GENERIC = """GenericExecuteSynth "printf %s \\'$DATA\\' | {piper} --model {model} --output-raw > {out}"
GenericCmdDependency "{piper}"
AddVoice "en" "MALE1" "joe"
DefaultVoice "joe"
GenericLanguage "en" "en" "utf-8"
"""


def _setup(tmp: Path) -> tuple[Path, Path, Path]:
    conf = tmp / "conf"
    subprocess.run([sys.executable, "-m", "ttscli", "speechd", "install", "--config-dir", str(conf),
                    "--model", "piper:en_US-joe-medium"], check=True, capture_output=True)
    piper, model = piper_joe()
    piper = shutil.which("piper", path=os.path.dirname(sys.executable)) or piper  # not a version manager's shim
    raw = tmp / "generic.raw"
    (conf / "modules" / "piper-generic.conf").write_text(GENERIC.format(piper=piper, model=model, out=raw))
    with open(conf / "speechd.conf", "a") as fh:
        fh.write('AddModule "piper-generic" "sd_generic" "piper-generic.conf"\n')
        fh.write('AudioOutputMethod "alsa"\nAudioALSADevice "null"\n')  # no sound card needed: ALSA's null device
    return conf, tmp / "ttscli.wav", raw


def _first_sample(path: Path, header: int, started: float, limit: float = 60) -> float:
    while time.perf_counter() - started < limit:
        try:
            if path.stat().st_size > header:
                return time.perf_counter() - started
        except FileNotFoundError:
            pass
        time.sleep(0.001)
    raise RuntimeError(f"no audio in {path} after {limit} s")


def _settle(path: Path, quiet: float = 0.3) -> None:
    """Wait until ``path`` stops growing (the message is over)."""
    last, since = -1, time.perf_counter()
    while time.perf_counter() - since < quiet:
        size = path.stat().st_size if path.exists() else 0
        if size != last:
            last, since = size, time.perf_counter()
        time.sleep(0.01)


def first_audio(env: dict, module: str, out: Path, header: int) -> float:
    out.unlink(missing_ok=True)
    started = time.perf_counter()
    subprocess.run(["spd-say", "-o", module, TEXT], env=env, check=True)
    took = _first_sample(out, header, started)
    _settle(out)
    return took


def stop_latency(env: dict, out: Path) -> float:
    """Seconds from launching `spd-say -C` (just after the module wrote audio) to the last audio
    written after it; the module writes every 20 ms while it speaks."""
    out.unlink(missing_ok=True)
    subprocess.run(["spd-say", "-o", "ttscli", LONG], env=env, check=True)
    _first_sample(out, 44, time.perf_counter())
    time.sleep(1.0)
    size = out.stat().st_size
    while out.stat().st_size == size:  # cancel right after a write: the audio is flowing
        time.sleep(0.001)
    cancelled = time.perf_counter()
    subprocess.Popen(["spd-say", "-C"], env=env)
    last_size, last_change = out.stat().st_size, cancelled
    while time.perf_counter() - cancelled < 1.5:
        size = out.stat().st_size
        if size != last_size:
            last_size, last_change = size, time.perf_counter()
        time.sleep(0.001)
    return last_change - cancelled


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=10)
    args = ap.parse_args()
    print(f"load before: {os.getloadavg()}", file=sys.stderr)
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        conf, wav, raw = _setup(tmp)
        sock = tmp / "sd.sock"
        env = {**os.environ, "SPEECHD_ADDRESS": f"unix_socket:{sock}", "TTSCLI_SPEECHD_WAV": str(wav)}
        (tmp / "log").mkdir()
        server = subprocess.Popen(["speech-dispatcher", "-s", "-C", str(conf), "-c", "unix_socket", "-S", str(sock),
                                   "-t", "0", "-L", str(tmp / "log"), "-P", str(tmp / "pid")], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            while not sock.exists():
                time.sleep(0.05)
            first_audio(env, "ttscli", wav, 44)  # warm-up: the module loads its model once
            first_audio(env, "piper-generic", raw, 0)
            times: dict[str, list[float]] = {"ttscli": [], "piper-generic": []}
            for _ in range(args.rounds):
                times["ttscli"].append(first_audio(env, "ttscli", wav, 44))
                times["piper-generic"].append(first_audio(env, "piper-generic", raw, 0))
            stops = [stop_latency(env, wav) for _ in range(5)]
        finally:
            server.terminate()
            server.wait(10)
    ours, peer = median(times["ttscli"]), median(times["piper-generic"])
    print(f"load after: {os.getloadavg()}", file=sys.stderr)
    print(f"| `spd-say` to first audio sample ({args.rounds} rounds, median) | seconds |")
    print("|---|---|")
    print(f"| ttscli module (warm model) | {ours:.3f} |")
    print(f"| generic module + piper CLI | {peer:.3f} |")
    print(f"| ratio ttscli / generic | {ours / peer:.2f}x |")
    print(f"| `spd-say -C` to the last sample (5 runs, median; includes starting spd-say) | {median(stops):.3f} |")


if __name__ == "__main__":
    main()
