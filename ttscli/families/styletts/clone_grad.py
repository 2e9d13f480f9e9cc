"""Kokoro cloning by gradient: the timbre half of a style, optimised through the decoder.

A prototype for issue #31 (see docs/voices.md "Kokoro cloning"). The clone is a stock voicepack
plus one 128-dim offset added to the timbre half (style[:128]) of every row; the prosody half
stays the stock voice's. Each step renders one fixed phrase (in turn) through
``kokoro_torch.TimbreDecoder`` and takes an Adam step on

    1 - cos(E(render), fit)  +  PENALTY · max(0, rms_z(offset + base - centre) - RADIUS·far)²

where ``E`` is Resemblyzer's encoder redone in torch (resample to 16 kHz, mel, partial windows
at random offsets, mean, L2 norm). Every ``check`` steps the current voice is rendered by the
real int8 model and embedded by the ordinary (numpy) path on every phrase; the voice kept is the
one closest to the held-back part of the reference.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import torch
import torch.nn.functional as F

SR_ENC = 16000
N_FFT, HOP, N_MELS, PARTIAL = 400, 160, 40, 160
RADIUS = 1.5  # as clone_search: allowed rms z-distance from the stock centre, × the farthest stock voice
PENALTY = 0.25


def _lowpass(taps: int = 129) -> torch.Tensor:
    """A Kaiser-windowed sinc for 24 kHz → 16 kHz (×2 up, ÷3 down; cutoff just under 8 kHz)."""
    n = np.arange(taps) - (taps - 1) / 2
    cutoff = 0.95 / 3  # of the 48 kHz Nyquist
    h = cutoff * np.sinc(cutoff * n) * np.kaiser(taps, 8.0)
    return torch.tensor(2 * h / h.sum(), dtype=torch.float32).reshape(1, 1, -1)


class TorchSpeaker:
    """Resemblyzer's speaker vector with gradients (no VAD trim: the phrases are already tight)."""

    def __init__(self):
        import librosa
        from resemblyzer import VoiceEncoder

        self.encoder = VoiceEncoder("cpu", verbose=False)
        for p in self.encoder.parameters():
            p.requires_grad_(False)
        self.mel = torch.tensor(librosa.filters.mel(sr=SR_ENC, n_fft=N_FFT, n_mels=N_MELS), dtype=torch.float32)
        self.window = torch.hann_window(N_FFT, periodic=True)
        self.h = _lowpass()

    def resample(self, x: torch.Tensor) -> torch.Tensor:
        up = torch.zeros(2 * x.numel(), dtype=x.dtype)
        up = up.index_put((torch.arange(0, up.numel(), 2),), x)
        y = F.conv1d(up.reshape(1, 1, -1), self.h, padding=self.h.shape[-1] // 2).reshape(-1)
        return y[::3]

    def mels(self, wav: torch.Tensor) -> torch.Tensor:
        spec = torch.stft(F.pad(wav, (N_FFT // 2, N_FFT // 2)), N_FFT, HOP, window=self.window,
                          center=False, return_complex=True)
        return (self.mel @ spec.abs().pow(2)).T  # (frames, 40)

    def embed(self, audio24: torch.Tensor, rng: np.random.Generator | None = None) -> torch.Tensor:
        wav = self.resample(audio24)
        power = wav.detach().pow(2).mean().clamp(min=1e-10)
        gain = 10 ** ((-30 - 10 * torch.log10(power)) / 20)
        wav = wav * torch.clamp(gain, min=1.0)
        if rng is None:  # Resemblyzer's own framing (embed_utterance)
            from resemblyzer import VoiceEncoder

            wav_slices, mel_slices = VoiceEncoder.compute_partial_slices(wav.numel(), 1.3, 0.75)
            if wav_slices[-1].stop >= wav.numel():
                wav = F.pad(wav, (0, wav_slices[-1].stop - wav.numel()))
            mel = self.mels(wav)
            parts = torch.stack([mel[s] for s in mel_slices])
        else:  # random partial offsets: the vector must not hinge on one framing
            mel = self.mels(wav)
            if mel.shape[0] < PARTIAL:
                mel = F.pad(mel.T, (0, PARTIAL - mel.shape[0])).T
            starts = rng.integers(0, mel.shape[0] - PARTIAL + 1, size=3)
            parts = torch.stack([mel[s:s + PARTIAL] for s in starts])
        raw = self.encoder(parts).mean(dim=0)
        return raw / raw.norm()


@dataclass
class Result:
    timbre: np.ndarray  # the offset added to style[:, :128]
    held: float  # similarity of the chosen voice to the held-back part (real renders, mean over phrases)
    fit: float
    start_held: float
    history: list = field(default_factory=list)
    seconds: float = 0.0


def optimise(decoder, speaker: TorchSpeaker, phrases: list, base_style: np.ndarray, stock: dict,
             fit: np.ndarray, held: np.ndarray, evaluate: Callable[[np.ndarray], tuple[float, float]],
             steps: int = 40, lr: float = 0.15, check: int = 8, seed: int = 0,
             log: Callable[[str], None] = print) -> Result:
    """``phrases``: (token frame, row index) per phrase; ``base_style`` the start voice's table
    (rows, 256); ``evaluate(offset)`` → (fit, held) similarity of a real render of that voice."""
    started = time.perf_counter()
    rng = np.random.default_rng(seed)
    tables = np.stack([v.reshape(-1, 256)[:, :128].mean(axis=0) for v in stock.values()])
    centre = tables.mean(axis=0)
    spread = np.maximum(tables.std(axis=0), 0.1 * np.median(tables.std(axis=0)))
    far = float(np.sqrt((((tables - centre) / spread) ** 2).mean(axis=1)).max())
    base_mean = base_style[:, :128].mean(axis=0)
    captures = [decoder.capture(tokens, base_style[row]) for tokens, row in phrases]
    z = torch.zeros(128, requires_grad=True)
    spread_t = torch.tensor(spread, dtype=torch.float32)
    offset0 = torch.tensor((base_mean - centre) / spread, dtype=torch.float32)
    target = torch.tensor(fit, dtype=torch.float32)
    opt = torch.optim.Adam([z], lr=lr)
    start_fit, start_held = evaluate(np.zeros(128, dtype=np.float32))
    best = Result(np.zeros(128, dtype=np.float32), start_held, start_fit, start_held)
    log(f"start: fit {start_fit:.3f} held {start_held:.3f}")
    for step in range(1, steps + 1):
        k = (step - 1) % len(phrases)
        timbre = torch.tensor(base_style[phrases[k][1], :128]) + z * spread_t
        audio = decoder.audio(timbre, captures[k])
        vec = speaker.embed(audio, rng)
        sim = torch.dot(vec, target)
        dist = torch.sqrt(((offset0 + z) ** 2).mean())
        loss = 1 - sim + PENALTY * torch.clamp(dist - RADIUS * far, min=0) ** 2
        opt.zero_grad()
        loss.backward()
        opt.step()
        best.history.append((step, sim.item(), dist.item()))
        if step % check == 0 or step == steps:
            offset = (z.detach() * spread_t).numpy().astype(np.float32)
            f, h = evaluate(offset)
            log(f"step {step}: torch sim {sim.item():.3f}, real fit {f:.3f} held {h:.3f}, z-dist {dist.item():.2f}"
                f" ({time.perf_counter() - started:.0f} s)")
            if h > best.held:
                best.timbre, best.held, best.fit = offset, h, f
    best.seconds = time.perf_counter() - started
    return best
