"""ttscli say vs the pocket-tts package's own Python API, same model, voice state and text.

    pip install -e ".[bench,pocket]"
    python benchmarks/pocket_vs_package.py MODEL_DIR [--voice alba] [--runs 3]
    python benchmarks/pocket_vs_package.py --tiny      # the tests' tiny random-weight model

MODEL_DIR holds config.yaml (or is a pulled pocket-tts model: pass `ttscli show` path and
ensure a config), model.safetensors, tokenizer.json and embeddings/VOICE.safetensors.
The package run loads the same config (weights path filled in), reads the same voice state
and calls generate_audio on the whole text (it splits into 50-token chunks itself);
ttscli runs `say -m MODEL_DIR --voice VOICE`. Runs alternate; the table gives medians of
wall time, CPU time, peak RSS and the real-time factor (wall / audio seconds), and the
ratios ttscli/package. With --tiny the weights are random, so the audio is short noise
and the numbers measure per-call overhead, not the real model's speed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import soundfile as sf

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))
from _measure import median, run  # noqa: E402

TEXT = HERE / "texts" / "english_250.txt"

PACKAGE = """
import sys, yaml, torch, soundfile as sf
from pathlib import Path
model_dir, voice, text_path, out, config_out = sys.argv[1:6]
root = Path(model_dir)
cfg = yaml.safe_load((root / "config.yaml").read_text())
cfg["weights_path"] = str(root / "model.safetensors")
cfg["flow_lm"]["lookup_table"]["tokenizer_path"] = str(root / "tokenizer.json")
Path(config_out).write_text(yaml.safe_dump(cfg))
from pocket_tts import TTSModel
tts = TTSModel.load_model(config=config_out)
state = tts.get_state_for_audio_prompt(root / "embeddings" / f"{voice}.safetensors")
audio = tts.generate_audio(state, open(text_path, encoding="utf-8").read())
sf.write(out, audio.numpy(), tts.sample_rate)
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("model_dir", nargs="?")
    parser.add_argument("--tiny", action="store_true")
    parser.add_argument("--voice", default="alba")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if args.tiny:
            from support.pocket_tiny import build

            model_dir = build(tmp / "tiny")
        elif args.model_dir:
            model_dir = Path(args.model_dir)
        else:
            parser.error("pass MODEL_DIR or --tiny")
        rows: dict[str, list[dict]] = {"ttscli": [], "pocket-tts": []}
        for i in range(args.runs):
            out = tmp / f"t{i}.wav"
            r = run([sys.executable, "-m", "ttscli", "say", "-m", str(model_dir), "--voice", args.voice,
                     "-f", str(TEXT), "-o", str(out)])
            r["audio_s"] = sf.info(str(out)).duration
            rows["ttscli"].append(r)
            out = tmp / f"p{i}.wav"
            r = run([sys.executable, "-c", PACKAGE, str(model_dir), args.voice, str(TEXT), str(out),
                     str(tmp / "c.yaml")])
            r["audio_s"] = sf.info(str(out)).duration
            rows["pocket-tts"].append(r)
        stats = {name: {k: median([r[k] for r in rs]) for k in ("wall", "cpu_s", "rss_mib", "audio_s")}
                 for name, rs in rows.items()}
        for s in stats.values():
            s["rtf"] = s["wall"] / s["audio_s"] if s["audio_s"] else float("nan")
        print("| tool | wall s | CPU s | peak RSS MiB | audio s | RTF |")
        print("|---|---|---|---|---|---|")
        for name, s in stats.items():
            print(f"| {name} | {s['wall']:.2f} | {s['cpu_s']:.2f} | {s['rss_mib']:.0f} | {s['audio_s']:.1f} "
                  f"| {s['rtf']:.3f} |")
        a, b = stats["ttscli"], stats["pocket-tts"]
        print(f"| ratio ttscli/pocket-tts | {a['wall'] / b['wall']:.2f} | {a['cpu_s'] / b['cpu_s']:.2f} "
              f"| {a['rss_mib'] / b['rss_mib']:.2f} | | {a['rtf'] / b['rtf']:.2f} |")


if __name__ == "__main__":
    main()
