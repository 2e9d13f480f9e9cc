"""Kokoro cloning by gradient: the timbre half of a style, optimised through the decoder.

The clone is a stock voicepack (the one closest to the fitted part of the reference) plus one
128-dim offset added to the timbre half (style[:128]) of every row, so the rows stay consistent;
the prosody half stays the stock voice's. Each step renders one fixed phrase (in turn) through
``kokoro_torch.TimbreDecoder`` and takes an Adam step on

    1 - cos(E(render), fit)  +  PENALTY · max(0, rms_z(offset + base - centre) - RADIUS·far)²

where ``E`` is Resemblyzer's encoder redone in torch (resample to 16 kHz, mel, partial windows
at random offsets, mean, L2 norm). Every ``check`` steps the current voice is rendered by the
real model and embedded by the ordinary (numpy) path on every phrase: those checkpoints, scored
on the fitted and on the held-back part of the reference, are the path the voice is chosen from
(closest to the held-back part; the caller's intelligibility guard may take the next one).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch
import torch.nn.functional as F

from .clone_search import Score, Step, StyleSpace  # the walk's records (its guard reads them) and region

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


LR = 0.15  # Adam's step, in units of the stock voices' spread per dimension
CHECK = 8  # steps between real renders of the current voice


@dataclass(frozen=True)
class Budget:
    steps: int
    check: int = CHECK


QUALITY = {"fast": Budget(steps=48), "best": Budget(steps=96)}


@dataclass
class GradResult:
    """The checkpoints of one climb, as the walk's result: the guard and the voice file read it."""

    base_table: np.ndarray  # rows × 256: the stock voice the climb started from
    path: list[Step]  # the start (stock) first, then every checkpoint
    stock: dict[str, Score]
    base: str
    evaluations: int
    space: StyleSpace  # the stock voices' centre and spread
    stopped_early: bool = False

    def style_of(self, step: Step) -> np.ndarray:
        table = np.array(self.base_table, dtype=np.float32, copy=True)
        table[:, :128] += step.coeffs
        return table

    def distance(self, step: Step) -> float:
        """How far the voice's average style lies from the stock centre, in stock spreads."""
        return self.space.z_distance(self.style_of(step).astype(np.float64).mean(axis=0))

    def ranked(self) -> list[Step]:
        return sorted(self.path, key=lambda s: (-s.score.held, s.evaluation))


def _farthest(means: np.ndarray, centre: np.ndarray, spread: np.ndarray) -> float:
    """The farthest stock voice's rms z-distance over these dimensions (the penalty's yardstick)."""
    if len(means) < 2:
        return 1.0
    return max(float(np.sqrt((((means - centre) / spread) ** 2).mean(axis=1)).max()), 1e-3)


def climb(decoder, speaker: TorchSpeaker, phrases: list, stock: dict[str, np.ndarray], base: str,
          stock_scores: dict[str, Score], score: Callable[[np.ndarray], Score], fit: np.ndarray,
          budget: Budget, *, seed: int = 0, tick: Callable[[float, str], None] | None = None) -> GradResult:
    """Adam on the timbre offset of ``stock[base]``; ``phrases``: (token frame, style row) per phrase;
    ``score(table)``: a real render's Score; ``tick(held, label)`` after every step and checkpoint."""
    rng = np.random.default_rng(seed)
    torch.manual_seed(seed)
    table = np.asarray(stock[base], np.float32).reshape(-1, 256)
    space = StyleSpace({name: np.asarray(v).reshape(-1, 256) for name, v in stock.items()}, seed=seed)
    centre, spread = space.center, space.spread
    far = _farthest(space.tables.mean(axis=1)[:, :128], centre[:128], spread[:128])
    result = GradResult(table, [Step(np.zeros(128, np.float32), stock_scores[base], 0.0, base, 0)],
                        stock_scores, base, 0, space)
    if budget.steps <= 0:
        return result
    captures = [decoder.capture(tokens, table[row]) for tokens, row in phrases]
    spread_t = torch.tensor(spread[:128], dtype=torch.float32)
    start_z = torch.tensor((table.mean(axis=0)[:128] - centre[:128]) / spread[:128], dtype=torch.float32)
    z = torch.zeros(128, requires_grad=True)
    target = torch.tensor(np.asarray(fit, np.float32))
    opt = torch.optim.Adam([z], lr=LR)
    for step in range(1, budget.steps + 1):
        k = (step - 1) % len(phrases)
        audio = decoder.audio(torch.from_numpy(table[phrases[k][1], :128].copy()) + z * spread_t, captures[k])
        sim = torch.dot(speaker.embed(audio, rng), target)
        dist = torch.sqrt(((start_z + z) ** 2).mean())  # the timbre half's rms z-distance from the stock centre
        loss = 1 - sim + PENALTY * torch.clamp(dist - RADIUS * far, min=0) ** 2
        opt.zero_grad()
        loss.backward()
        opt.step()
        result.evaluations += 1
        if tick:
            tick(float("nan"), f"step {step}")
        if step % budget.check == 0 or step == budget.steps:
            offset = (z.detach() * spread_t).numpy().astype(np.float32)
            kept = Step(offset, Score(0.0, 0.0), -float(loss.item()), f"step {step}", step)
            kept.score = score(result.style_of(kept))
            result.path.append(kept)
            result.evaluations += 1
            if tick:
                tick(kept.score.held, f"check {step}")
    return result
