"""Kokoro cloning vs the best stock voice, scored on clips the clone never heard.

For each speaker in ../shared/speech/librispeech/SPEAKER/ (or --corpus DIR): `ttscli clone`
(a real subprocess, timed) from the speaker's first two utterances; the remaining utterances
are held out and never reach the clone. Then the cloned voice and every stock voice speak test
sentences that are neither the search phrases nor the clone's intelligibility texts, and we report

* similarity: Resemblyzer cosine between the speaker vector of the held-out utterances and that
  of the synthesized speech; "before" is the best stock voice for that speaker (an oracle
  choice on the held-out clips, which favours the stock side), "after" the clone;
* gain = after − before;
* WER of Whisper tiny.en on the synthesized test sentences, clone and best stock voice;
* clone wall time, and the clone's own report (held-back similarity, candidates, early stop).

Goal (issue #31): mean gain ≥ 0.15, every speaker ≥ 0.08, WER ≤ stock + 0.02.

    nice -n 10 python benchmarks/clone_similarity.py [--quality fast] [--speakers 1688,1998]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
SHARED = next((p / "shared" / "speech" / "librispeech" for p in (REPO.parent, REPO.parent.parent)
               if (p / "shared" / "speech" / "librispeech").is_dir()), REPO.parent / "shared" / "speech" / "librispeech")
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

TEST_SENTENCES = (
    "A gentle breeze moved through the tall grass near the station.",
    "Could you tell me which road leads to the harbour?",
)
MODEL = "kokoro:v1.0-int8-ja"


def synth(backend, voice, texts) -> np.ndarray:
    from ttscli.backends.base import SynthesisOptions
    from ttscli.text.segments import Segment

    out = []
    for text in texts:
        out += [c.samples for c in backend.stream(Segment(text=text), voice, SynthesisOptions(lang="en-us"))]
    return np.concatenate(out)


def held_out_target(speaker, clips) -> np.ndarray:
    """The mean speaker vector of the held-out clips (unit length)."""
    import soundfile as sf

    vectors = []
    for clip in clips:
        audio, rate = sf.read(str(clip), dtype="float32")
        vectors.append(speaker.embed(audio if audio.ndim == 1 else audio.mean(axis=1), rate))
    mean = np.mean(vectors, axis=0)
    return mean / np.linalg.norm(mean)


def clone(name: str, refs, args, env) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds of the clone process, its output)."""
    cmd = [sys.executable, "-m", "ttscli", "clone", name, *map(str, refs), "--model", MODEL,
           "--quality", args.quality, "--seed", str(args.seed)]
    if args.steps is not None:
        cmd += ["--steps", str(args.steps)]
    started, before = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"clone failed for {name}:\n{proc.stderr}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return time.perf_counter() - started, cpu, proc.stdout


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quality", default="fast", choices=("fast", "best"))
    parser.add_argument("--steps", type=int, default=None, help="override the quality's search budget")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--speakers", default="", help="comma-separated speaker directories (default: all)")
    parser.add_argument("--corpus", default=str(SHARED), help="directory of SPEAKER/*.flac (3+ clips each)")
    parser.add_argument("--json", default="")
    args = parser.parse_args()
    corpus = Path(args.corpus)
    if not corpus.is_dir():
        print(f"no speech corpus at {corpus}")
        return 0
    home = Path(tempfile.mkdtemp(prefix="clone-bench-"))
    env = {**os.environ, "TTSCLI_HOME": str(home), "PYTHONPATH": str(REPO)}
    os.environ["TTSCLI_HOME"] = str(home)

    from support.asr import transcribe, word_errors
    from ttscli import engine
    from ttscli.audio.speaker import SpeakerEncoder, cosine
    from ttscli.audio.transcript import whisper_model_path
    from ttscli.voices import cache

    import faster_whisper

    whisper = faster_whisper.WhisperModel(whisper_model_path(), device="cpu", compute_type="int8", cpu_threads=1)
    speaker = SpeakerEncoder()
    backend = engine.load(MODEL, None).backend
    stock_audio = {n: synth(backend, backend.resolve_voice(n), TEST_SENTENCES) for n in backend.bank.names()}
    stock_vectors = {n: speaker.embed(a, backend.sample_rate) for n, a in stock_audio.items()}
    reference_text = " ".join(TEST_SENTENCES)

    def wer(audio) -> float:
        errs, n = word_errors(reference_text, transcribe(whisper, audio, backend.sample_rate))
        return errs / n

    rows = []
    wanted = [s for s in args.speakers.split(",") if s]
    for spk_dir in sorted(p for p in corpus.iterdir() if p.is_dir()):
        utts = sorted(spk_dir.glob("*.flac"))
        if (wanted and spk_dir.name not in wanted) or len(utts) < 3:
            continue
        refs, held = utts[:2], utts[2:]
        name = f"spk{spk_dir.name}"
        load = os.getloadavg()[0]
        seconds, cpu, out = clone(name, refs, args, env)
        target = held_out_target(speaker, held)
        stored = cache.load(name)
        cloned = synth(backend, backend.use_stored_voice(stored), TEST_SENTENCES)
        sims = {n: cosine(target, v) for n, v in stock_vectors.items()}
        best = max(sims, key=sims.get)
        after = cosine(target, speaker.embed(cloned, backend.sample_rate))
        meta = stored.meta
        row = {"speaker": spk_dir.name, "before": sims[best], "best_stock": best, "after": after,
               "gain": after - sims[best], "clone_wer": wer(cloned), "stock_wer": wer(stock_audio[best]),
               "clone_seconds": seconds, "clone_cpu_seconds": cpu, "load_average": load, "reported_held_back": meta.get("similarity"),
               "reported_stock": (meta.get("best_stock") or {}).get("similarity"),
               "candidates": meta.get("candidates"), "stopped_early": meta.get("stopped_early"),
               "chosen": meta.get("chosen"), "style_distance": meta.get("style_distance")}
        rows.append(row)
        print(json.dumps(row), flush=True)
    print()
    print(f"quality {args.quality}, steps {args.steps or 'default'}, seed {args.seed}, "
          f"load average at the end {os.getloadavg()[0]:.1f}")
    print("| speaker | before: best stock (sim) | after: clone sim | gain | WER clone / stock "
          "| clone wall s / CPU s (load) |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['speaker']} | {r['best_stock']} ({r['before']:.3f}) | {r['after']:.3f} | {r['gain']:+.3f} "
              f"| {r['clone_wer']:.1%} / {r['stock_wer']:.1%} "
              f"| {r['clone_seconds']:.0f} / {r['clone_cpu_seconds']:.0f} ({r['load_average']:.1f}) |")
    if rows:
        gains = [r["gain"] for r in rows]
        print(f"mean gain {np.mean(gains):+.3f}, worst {min(gains):+.3f}")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
