"""Spark-TTS cloning: a reference clip → BiCodec's 32 global tokens (who is speaking).

BiCodec's speaker path, written from its architecture (parameter names as in
``BiCodec/model.safetensors`` under ``speaker_encoder.``, so the published checkpoint
loads as it is):

1. the reference: its first ``ref_segment_duration`` (6) seconds, repeated when shorter,
   after the upstream volume normalisation (the 90th-99th percentile of the
   samples above 0.01 brought to 0.2);
2. a 128-band magnitude mel spectrogram (n_fft 1024, window 640, hop 320, 10 Hz to
   8 kHz, Slaney scale and area normalisation, centred frames), not log-compressed;
3. ``speaker_encoder``: the frame-level half of an ECAPA-TDNN (512 channels, three
   SE-Res2 blocks with dilations 2, 3, 4, concatenated and projected to 1536);
4. ``perceiver_sampler``: ``token_num`` learned latents attend twice (8 heads of 64,
   the latents joined to the context) with GEGLU feed-forwards, then an RMS norm;
5. ``quantizer``: project to 6 dims and round each through FSQ (levels 4: tanh-bounded,
   rounded, digits 0-3), one code of 4^6 per latent.

Without wav2vec2 features (``wav2vec2-large-xlsr-53``) the reference's semantic tokens
are not computed, so a clone speaks through the global tokens alone (upstream's
"no prompt text" mode). Stored tensor: ``global_tokens`` (int32, 32).
"""

from __future__ import annotations

import logging
import math

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from ...backends.encoders import Encoded, EncodeJob
from ...errors import BadInput, IntegrityError

log = logging.getLogger(__name__)

RATE, REF_SECONDS, HOP = 16000, 6.0, 320


def normalise_volume(audio: np.ndarray, target: float = 0.2) -> np.ndarray:
    """Upstream's reference loudness: quiet clips raised to a 0.1 peak, then the 90-99th
    percentile of samples above 0.01 scaled to ``target`` (by 0.1x-10x), peak at most 1."""
    audio = np.asarray(audio, dtype=np.float64)
    ordered = np.sort(np.abs(audio))
    if ordered[-1] < 0.1:
        audio = audio / max(ordered[-1], 1e-3) * 0.1
    loud = ordered[ordered > 0.01]
    if len(loud) <= 10:
        return audio.astype(np.float32)
    level = np.mean(loud[int(0.9 * len(loud)): int(0.99 * len(loud))])
    audio = audio * np.clip(target / level, 0.1, 10)
    peak = np.max(np.abs(audio))
    return (audio / peak if peak > 1 else audio).astype(np.float32)


def reference_clip(audio: np.ndarray, seconds: float = REF_SECONDS) -> np.ndarray:
    length = int(RATE * seconds) // HOP * HOP
    if len(audio) < length:
        audio = np.tile(audio, length // max(len(audio), 1) + 1)
    return audio[:length]


def _slaney_mel(freqs: np.ndarray) -> np.ndarray:
    linear = freqs / (200.0 / 3)
    log_part = 15.0 + np.log(np.maximum(freqs, 1e-10) / 1000.0) / (math.log(6.4) / 27.0)
    return np.where(freqs >= 1000.0, log_part, linear)


def _slaney_hz(mels: np.ndarray) -> np.ndarray:
    return np.where(mels >= 15.0, 1000.0 * np.exp((math.log(6.4) / 27.0) * (mels - 15.0)), mels * (200.0 / 3))


def mel_filters(n_fft: int, n_mels: int, fmin: float, fmax: float) -> np.ndarray:
    """(n_fft/2+1, n_mels) triangles on the Slaney scale, each of unit area (Slaney norm)."""
    bins = np.linspace(0, RATE / 2, n_fft // 2 + 1)
    edges = _slaney_hz(np.linspace(_slaney_mel(np.array(fmin)), _slaney_mel(np.array(fmax)), n_mels + 2))
    widths = np.diff(edges)
    slopes = edges[None, :] - bins[:, None]
    down = -slopes[:, :-2] / widths[:-1]
    up = slopes[:, 2:] / widths[1:]
    return (np.maximum(0, np.minimum(down, up)) * (2.0 / (edges[2:] - edges[:-2]))).astype(np.float32)


def mel_spectrogram(audio: np.ndarray, params: dict) -> torch.Tensor:
    """(1, n_mels, frames) magnitudes, centred frames with reflect padding."""
    n_fft, win, hop = int(params.get("n_fft", 1024)), int(params.get("win_length", 640)), int(params.get("hop_length", HOP))
    fmax = params.get("mel_fmax") or RATE / 2
    wav = torch.from_numpy(np.ascontiguousarray(audio, dtype=np.float32)).reshape(1, -1)
    spec = torch.stft(wav, n_fft, hop_length=hop, win_length=win, window=torch.hann_window(win), center=True,
                      pad_mode="reflect", return_complex=True).abs()
    bank = torch.from_numpy(mel_filters(n_fft, int(params.get("num_mels", 128)), float(params.get("mel_fmin", 10)),
                                        float(fmax)))
    return torch.einsum("bft,fm->bmt", spec, bank)


class ConvReluBn(nn.Module):
    def __init__(self, cin: int, cout: int, kernel: int = 1, padding: int = 0):
        super().__init__()
        self.conv = nn.Conv1d(cin, cout, kernel, padding=padding)
        self.bn = nn.BatchNorm1d(cout)

    def forward(self, x):
        return self.bn(F.relu(self.conv(x)))


class Res2(nn.Module):
    def __init__(self, channels: int, dilation: int, scale: int = 8):
        super().__init__()
        self.width = channels // scale
        self.convs = nn.ModuleList(nn.Conv1d(self.width, self.width, 3, padding=dilation, dilation=dilation)
                                   for _ in range(scale - 1))
        self.bns = nn.ModuleList(nn.BatchNorm1d(self.width) for _ in range(scale - 1))

    def forward(self, x):
        parts = torch.split(x, self.width, 1)
        out, current = [], parts[0]
        for i, (conv, bn) in enumerate(zip(self.convs, self.bns)):
            current = bn(F.relu(conv(current if i == 0 else current + parts[i])))
            out.append(current)
        return torch.cat(out + [parts[len(self.convs)]], dim=1)


class SqueezeExcite(nn.Module):
    def __init__(self, channels: int, bottleneck: int = 128):
        super().__init__()
        self.linear1 = nn.Linear(channels, bottleneck)
        self.linear2 = nn.Linear(bottleneck, channels)

    def forward(self, x):
        return x * torch.sigmoid(self.linear2(F.relu(self.linear1(x.mean(dim=2))))).unsqueeze(2)


class SERes2Block(nn.Module):
    def __init__(self, channels: int, dilation: int):
        super().__init__()
        self.se_res2block = nn.Sequential(ConvReluBn(channels, channels), Res2(channels, dilation),
                                          ConvReluBn(channels, channels), SqueezeExcite(channels))

    def forward(self, x):
        return x + self.se_res2block(x)


class EcapaFrames(nn.Module):
    """ECAPA-TDNN up to its frame-level output (B, 1536, T) from mels (B, n_mels, T)."""

    def __init__(self, n_mels: int, channels: int = 512):
        super().__init__()
        self.layer1 = ConvReluBn(n_mels, channels, 5, 2)
        self.layer2, self.layer3, self.layer4 = (SERes2Block(channels, d) for d in (2, 3, 4))
        self.conv = nn.Conv1d(3 * channels, 1536, 1)

    def forward(self, mels):
        a = self.layer2(self.layer1(mels))
        b = self.layer3(a)
        return F.relu(self.conv(torch.cat([a, b, self.layer4(b)], dim=1)))


class CrossAttention(nn.Module):
    def __init__(self, dim: int, heads: int = 8, dim_head: int = 64):
        super().__init__()
        self.heads = heads
        self.to_q = nn.Linear(dim, heads * dim_head, bias=False)
        self.to_kv = nn.Linear(dim, 2 * heads * dim_head, bias=False)
        self.to_out = nn.Linear(heads * dim_head, dim, bias=False)

    def forward(self, latents, context):
        context = torch.cat([latents, context], dim=1)
        q, k, v = (self.to_q(latents), *self.to_kv(context).chunk(2, dim=-1))
        split = [t.reshape(t.shape[0], t.shape[1], self.heads, -1).transpose(1, 2) for t in (q, k, v)]
        out = F.scaled_dot_product_attention(*split)
        return self.to_out(out.transpose(1, 2).reshape(out.shape[0], out.shape[2], -1))


class GegluFeedForward(nn.Sequential):
    def __init__(self, dim: int, mult: int = 4):
        inner = int(dim * mult * 2 / 3)
        super().__init__(nn.Linear(dim, 2 * inner), nn.Identity(), nn.Linear(inner, dim))

    def forward(self, x):
        x, gate = self[0](x).chunk(2, dim=-1)
        return self[2](F.gelu(gate) * x)


class RMSNorm(nn.Module):
    def __init__(self, dim: int):
        super().__init__()
        self.gamma = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        return F.normalize(x, dim=-1) * math.sqrt(x.shape[-1]) * self.gamma


class Perceiver(nn.Module):
    def __init__(self, dim: int, context: int, latents: int, depth: int = 2):
        super().__init__()
        self.proj_context = nn.Linear(context, dim)
        self.latents = nn.Parameter(0.02 * torch.randn(latents, dim))
        self.layers = nn.ModuleList(nn.ModuleList([CrossAttention(dim), GegluFeedForward(dim)]) for _ in range(depth))
        self.norm = RMSNorm(dim)

    def forward(self, frames):  # (B, T, context) → (B, latents, dim)
        x = self.proj_context(frames)
        latents = self.latents.unsqueeze(0).expand(x.shape[0], -1, -1)
        for attention, feed_forward in self.layers:
            latents = attention(latents, x) + latents
            latents = feed_forward(latents) + latents
        return self.norm(latents)


class FSQ(nn.Module):
    def __init__(self, levels: list[int], dim: int):
        super().__init__()
        self.register_buffer("levels", torch.tensor(levels), persistent=False)
        self.register_buffer("basis", torch.tensor(np.cumprod([1] + list(levels[:-1]))), persistent=False)
        self.project_in = nn.Linear(dim, len(levels))

    def forward(self, z):  # (B, N, dim) → codes (B, N)
        z = self.project_in(z)
        half_l = (self.levels - 1) * (1 + 1e-3) / 2
        offset = torch.where(self.levels % 2 == 0, 0.5, 0.0)
        bounded = torch.tanh(z + torch.atanh(offset / half_l)) * half_l - offset
        digits = torch.round(bounded) + self.levels // 2
        return (digits * self.basis).sum(dim=-1).long()


class SpeakerTokenizer(nn.Module):
    def __init__(self, input_dim: int, latent_dim: int, token_num: int, fsq_levels: list[int], **_):
        super().__init__()
        self.speaker_encoder = EcapaFrames(input_dim)
        self.perceiver_sampler = Perceiver(latent_dim, 1536, token_num)
        self.quantizer = FSQ(list(fsq_levels), latent_dim)

    def forward(self, mels):  # (B, n_mels, T) → (B, token_num)
        return self.quantizer(self.perceiver_sampler(self.speaker_encoder(mels).transpose(1, 2)))


def load_tokenizer(codec: dict, weights) -> SpeakerTokenizer:
    from safetensors.torch import load_file

    model = SpeakerTokenizer(**codec["speaker_encoder"])
    prefix = "speaker_encoder."
    state = {k[len(prefix):]: v for k, v in load_file(str(weights)).items() if k.startswith(prefix)}
    missing, _ = model.load_state_dict(state, strict=False)
    if missing:
        raise IntegrityError(f"{weights.name} lacks {len(missing)} BiCodec speaker-encoder tensors "
                             f"(first: {prefix}{missing[0]})", hint="cloning needs the full BiCodec checkpoint")
    return model.eval()


def global_tokens(codec: dict, weights, samples: np.ndarray) -> np.ndarray:
    clip = reference_clip(normalise_volume(samples))
    model = load_tokenizer(codec, weights)
    with torch.inference_mode():
        codes = model(mel_spectrogram(clip, codec.get("mel_params") or {}))
    return codes.reshape(-1).numpy().astype(np.int32)


def encode(job: EncodeJob) -> Encoded:
    from .files import codec_files

    if job.clip.sample_rate != RATE:
        raise BadInput(f"BiCodec takes {RATE} Hz audio, got {job.clip.sample_rate} Hz")
    config, weights, codec = codec_files(job.model)
    codes = global_tokens(codec, weights, job.clip.samples)
    if job.transcript:
        log.info("Spark-TTS clones from the reference's global tokens here; its transcript is not used")
    return Encoded(tensors={"global_tokens": codes},
                   meta={"method": "bicodec-global", "tokens": int(codes.size), "language": "en-us"})
