"""A tiny Pocket TTS model for the REAL `pocket-tts` package, with random weights.

The config has the released model's structure (FlowLM with a LUT text conditioner,
Mimi with a SEANet at 200 Hz downsampled to 12.5 Hz latents, 24 kHz) at toy
dimensions; model.safetensors is the state dict the package builds from that config,
so its tensor names and shapes are exactly the ones the package loads (strictly).
The tokenizer is a word-level tokenizers JSON. Predefined voices are states the
package computes for random-noise prompts and exports (``export_model_state``),
laid out as in kyutai/pocket-tts-without-voice-cloning (``embeddings/NAME.safetensors``).

The audio is noise-like (random weights): tests check the plumbing, shapes, rate,
determinism and errors, not speech.
"""

from __future__ import annotations

from pathlib import Path

WORDS = ("hello world how are you today this is a test of pocket speech the quick brown fox "
         "jumps over lazy dog one two three four five six seven eight nine ten").split()
PUNCT = list(".,!?'-;:")


def config(tokenizer: Path, vocab: int) -> dict:
    return {
        "flow_lm": {"dtype": "float32", "insert_bos_before_voice": True, "flow": {"depth": 1, "dim": 16},
                    "transformer": {"d_model": 64, "hidden_scale": 2, "max_period": 10000, "num_heads": 2,
                                    "num_layers": 2},
                    "lookup_table": {"dim": 64, "n_bins": vocab, "tokenizer": "tokenizers",
                                     "tokenizer_path": str(tokenizer)}},
        "mimi": {"dtype": "float32", "sample_rate": 24000, "inner_dim": 8, "outer_dim": 16, "channels": 1,
                 "frame_rate": 12.5,
                 "seanet": {"dimension": 16, "channels": 1, "n_filters": 4, "n_residual_layers": 1,
                            "ratios": [6, 5, 4], "kernel_size": 7, "residual_kernel_size": 3, "last_kernel_size": 3,
                            "dilation_base": 2, "pad_mode": "constant", "compress": 2},
                 "transformer": {"d_model": 16, "num_heads": 2, "num_layers": 1, "layer_scale": 0.01, "context": 50,
                                 "dim_feedforward": 32, "input_dimension": 16, "output_dimensions": [16]},
                 "quantizer": {"dimension": 8, "output_dimension": 16}},
    }


def build(root: Path, voices: tuple[str, ...] = ("alba", "cosette"), heads: int = 2) -> Path:
    """Write the model directory; returns ``root``."""
    import safetensors.torch
    import torch
    import yaml
    from tokenizers import Tokenizer, models, pre_tokenizers

    from pocket_tts import TTSModel, export_model_state

    root.mkdir(parents=True, exist_ok=True)
    vocab = {"<unk>": 0}
    for word in [*WORDS, *(w.capitalize() for w in WORDS), *PUNCT]:
        vocab.setdefault(word, len(vocab))
    tok = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.WhitespaceSplit(), pre_tokenizers.Punctuation()])
    tok.save(str(root / "tokenizer.json"))
    cfg = config(root / "tokenizer.json", tok.get_vocab_size())
    cfg["flow_lm"]["transformer"]["num_heads"] = heads
    (root / "config.yaml").write_text(yaml.safe_dump(cfg), encoding="utf-8")
    torch.manual_seed(1234)
    model = TTSModel.load_model(config=str(root / "config.yaml"))  # no weights_path: random initialisation
    safetensors.torch.save_file({k: v.contiguous() for k, v in model.state_dict().items()},
                                str(root / "model.safetensors"))
    (root / "embeddings").mkdir(exist_ok=True)
    gen = torch.Generator().manual_seed(99)
    for i, name in enumerate(voices):
        prompt = torch.randn(1, 24000 * (2 + i), generator=gen) * 0.1  # [channels, samples]
        export_model_state(model.get_state_for_audio_prompt(prompt), root / "embeddings" / f"{name}.safetensors")
    return root
