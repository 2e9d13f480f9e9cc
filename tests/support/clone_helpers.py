"""Shared pieces of the clone tests: where the shared speech lives, synthetic
references, and a tiny NeuTTS setup (synthetic NeuCodec + synthetic GGUF) that
runs the whole `ttscli clone` pipeline in a second or two."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from support.cli import SHARED

REPO = Path(__file__).resolve().parents[1]
SPEECH = (SHARED / "speech") if (SHARED / "speech").is_dir() else None
SCIPY_WAVS = None
try:
    import scipy

    SCIPY_WAVS = Path(scipy.__file__).parent / "io" / "tests" / "data"
except ImportError:  # pragma: no cover
    pass


def speechlike(seconds: float, rate: int, *, seed: int = 0, level: float = 0.3) -> np.ndarray:
    """Syllable-rate bursts of a harmonic tone with noise, silence at both ends."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * rate)) / rate
    f0 = 120 + 30 * np.sin(2 * np.pi * 0.7 * t)
    phase = 2 * np.pi * np.cumsum(f0) / rate
    voiced = sum(np.sin(k * phase) / k for k in range(1, 8))
    envelope = np.clip(np.sin(2 * np.pi * 4.0 * t), 0, None) ** 0.5
    x = (voiced * envelope + 0.05 * rng.standard_normal(len(t))) * level
    pad = np.zeros(int(0.4 * rate))
    return np.concatenate([pad, x, pad]).astype(np.float32)


def write_wav(path: Path, samples: np.ndarray, rate: int, **kw) -> Path:
    import soundfile as sf

    sf.write(str(path), samples, rate, **kw)
    return path


def neutts_setup(root: Path, *, malicious: bool = False, hub: bool = True) -> dict[str, str]:
    """Environment for CLI runs that clone with the synthetic NeuCodec package."""
    from support.synthetic_encoders import neucodec_hub, neucodec_package

    pkgs = neucodec_package(root / "pkgs")
    cache = root / "hub"
    cache.mkdir(parents=True, exist_ok=True)
    if hub:
        neucodec_hub(cache, malicious=malicious)
    return {"PYTHONPATH": os.pathsep.join([str(pkgs), str(REPO)]), "HF_HUB_CACHE": str(cache),
            "HF_HUB_OFFLINE": "1"}


def neutts_model(root: Path, trigger: int, chain: list[int]) -> Path:
    """A NeuTTS model directory whose backbone answers a prompt ending in code
    ``trigger`` with ``chain`` then <|SPEECH_GENERATION_END|> (see speech_models)."""
    from support.speech_models import neucodec_decoder, neutts_vocab
    from support.synthetic_gguf import bigram

    root.mkdir(parents=True, exist_ok=True)
    vocab, marks, speech = neutts_vocab()
    end = marks["<|SPEECH_GENERATION_END|>"]
    ids = [speech[c] for c in chain]
    table = {speech[trigger]: [ids[0]]}
    for a, b in zip(ids, ids[1:]):
        table[a] = [b]
    table[ids[-1]] = [end]
    table[end] = [2]
    bigram(root / "neutts-tiny-Q8_0.gguf", vocab, table, arch="qwen2")
    if not (root / "model.onnx").exists():
        neucodec_decoder(root / "model.onnx")
    return root
