"""BiCodec's detokenizer on PyTorch: global tokens + semantic tokens → 16 kHz audio.

The decoding half of SparkAudio's BiCodec, written from its architecture
(``BiCodec/config.yaml`` section ``audio_tokenizer``; parameter names as in
``BiCodec/model.safetensors``, so the published checkpoint loads as it is):

* ``quantizer`` (factorized VQ): semantic code → ``codebook`` row (``codebook_dim``)
  → ``out_project`` (1×1 conv) → ``input_dim`` channels, 50 frames per second;
* ``speaker_encoder`` (residual FSQ, levels ``fsq_levels``): each of the ``token_num``
  global codes → its FSQ digits scaled to [-1, 1) → ``quantizer.project_out`` →
  flattened channel-major → ``project`` → the d-vector (``out_dim``);
* ``prenet``: ``linear_pre``, sampling blocks each followed by a two-layer Vocos
  backbone, a Vocos backbone whose layer norms are conditioned on the d-vector
  (adaptive LayerNorm), ``linear``; the d-vector is then added to every frame;
* ``decoder`` (wave generator): a 7-tap conv, one transposed-conv upsampler with three
  dilated residual units (Snake activations) per rate in ``rates`` (8·5·4·2 = 320
  samples per frame), Snake, a 7-tap conv to one channel, tanh.

Weight-normalised layers are stored as ``weight_g``/``weight_v`` (or torch's
parametrization names) and folded into plain weights at load. The encoder, postnet
and speaker-encoder front (ECAPA-TDNN, perceiver) are not needed to decode and are
not loaded.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from ...errors import IntegrityError

SAMPLE_RATE = 16000
log = logging.getLogger(__name__)


def _usable(device: str) -> bool:
    if device.startswith("cuda"):
        return torch.cuda.is_available()
    if device.startswith("mps"):
        return bool(getattr(torch.backends, "mps", None)) and torch.backends.mps.is_available()
    return False


class Snake1d(nn.Module):
    def __init__(self, channels: int):
        super().__init__()
        self.alpha = nn.Parameter(torch.ones(1, channels, 1))

    def forward(self, x):
        return x + (self.alpha + 1e-9).reciprocal() * torch.sin(self.alpha * x).pow(2)


class ResidualUnit(nn.Module):
    def __init__(self, dim: int, dilation: int):
        super().__init__()
        pad = 3 * dilation
        self.block = nn.Sequential(Snake1d(dim), nn.Conv1d(dim, dim, 7, dilation=dilation, padding=pad),
                                   Snake1d(dim), nn.Conv1d(dim, dim, 1))

    def forward(self, x):
        y = self.block(x)
        trim = (x.shape[-1] - y.shape[-1]) // 2
        return (x[..., trim:-trim] if trim > 0 else x) + y


class UpBlock(nn.Module):
    def __init__(self, dim_in: int, dim_out: int, kernel: int, stride: int):
        super().__init__()
        self.block = nn.Sequential(
            Snake1d(dim_in), nn.ConvTranspose1d(dim_in, dim_out, kernel, stride=stride, padding=(kernel - stride) // 2),
            ResidualUnit(dim_out, 1), ResidualUnit(dim_out, 3), ResidualUnit(dim_out, 9))

    def forward(self, x):
        return self.block(x)


class WaveGenerator(nn.Module):
    def __init__(self, input_channel: int, channels: int, rates: list[int], kernel_sizes: list[int], d_out: int = 1,
                 **_: Any):
        super().__init__()
        layers: list[nn.Module] = [nn.Conv1d(input_channel, channels, 7, padding=3)]
        dim = channels
        for i, (kernel, stride) in enumerate(zip(kernel_sizes, rates)):
            dim = channels // 2 ** (i + 1)
            layers.append(UpBlock(channels // 2**i, dim, kernel, stride))
        layers += [Snake1d(dim), nn.Conv1d(dim, d_out, 7, padding=3), nn.Tanh()]
        self.model = nn.Sequential(*layers)

    def forward(self, x):
        return self.model(x)


class AdaLayerNorm(nn.Module):
    def __init__(self, condition_dim: int, dim: int):
        super().__init__()
        self.dim = dim
        self.scale = nn.Linear(condition_dim, dim)
        self.shift = nn.Linear(condition_dim, dim)

    def forward(self, x, cond):
        x = F.layer_norm(x, (self.dim,), eps=1e-6)
        return x * self.scale(cond).unsqueeze(1) + self.shift(cond).unsqueeze(1)


class ConvNeXtBlock(nn.Module):
    def __init__(self, dim: int, intermediate: int, condition_dim: int | None):
        super().__init__()
        self.dwconv = nn.Conv1d(dim, dim, 7, padding=3, groups=dim)
        self.norm = AdaLayerNorm(condition_dim, dim) if condition_dim else nn.LayerNorm(dim, eps=1e-6)
        self.pwconv1 = nn.Linear(dim, intermediate)
        self.pwconv2 = nn.Linear(intermediate, dim)
        self.gamma = nn.Parameter(torch.ones(dim))

    def forward(self, x, cond=None):
        y = self.dwconv(x).transpose(1, 2)
        y = self.norm(y, cond) if isinstance(self.norm, AdaLayerNorm) else self.norm(y)
        y = self.gamma * self.pwconv2(F.gelu(self.pwconv1(y)))
        return x + y.transpose(1, 2)


class VocosBackbone(nn.Module):
    """(B, C_in, T) → (B, T, dim)."""

    def __init__(self, input_channels: int, dim: int, intermediate_dim: int, num_layers: int,
                 condition_dim: int | None = None):
        super().__init__()
        self.embed = nn.Conv1d(input_channels, dim, 7, padding=3)
        self.norm = AdaLayerNorm(condition_dim, dim) if condition_dim else nn.LayerNorm(dim, eps=1e-6)
        self.convnext = nn.ModuleList(ConvNeXtBlock(dim, intermediate_dim, condition_dim) for _ in range(num_layers))
        self.final_layer_norm = nn.LayerNorm(dim, eps=1e-6)

    def forward(self, x, cond=None):
        x = self.embed(x).transpose(1, 2)
        x = (self.norm(x, cond) if isinstance(self.norm, AdaLayerNorm) else self.norm(x)).transpose(1, 2)
        for block in self.convnext:
            x = block(x, cond)
        return self.final_layer_norm(x.transpose(1, 2))


class SamplingBlock(nn.Module):
    """(B, T, C) → (B, C, T·r): repeat + depthwise transposed conv (r > 1), plus the skip paths."""

    def __init__(self, dim: int, upsample_scale: int):
        super().__init__()
        self.scale = upsample_scale
        if upsample_scale > 1:
            self.de_conv_upsampler = nn.Sequential(nn.LeakyReLU(0.2), nn.ConvTranspose1d(
                dim, dim, 2 * upsample_scale, stride=upsample_scale, padding=upsample_scale // 2 + upsample_scale % 2,
                output_padding=upsample_scale % 2, groups=dim))

    def forward(self, x):
        x = x.transpose(1, 2)
        if self.scale == 1:
            return 3 * x  # conv path and both skip paths are the input itself
        repeated = x.repeat_interleave(self.scale, dim=2)
        merged = repeated + self.de_conv_upsampler(x)
        return 2 * merged + repeated  # conv path and one skip path are the merge, the other the repeat


class Prenet(nn.Module):
    def __init__(self, input_channels: int, vocos_dim: int, vocos_intermediate_dim: int, vocos_num_layers: int,
                 out_channels: int, condition_dim: int | None = None, sample_ratios: list[int] = (1, 1),
                 use_tanh_at_final: bool = False, **_: Any):
        super().__init__()
        self.linear_pre = nn.Linear(input_channels, vocos_dim)
        self.downsample = nn.Sequential(*(nn.Sequential(
            SamplingBlock(vocos_dim, ratio), VocosBackbone(vocos_dim, vocos_dim, vocos_intermediate_dim, 2))
            for ratio in sample_ratios))
        self.vocos_backbone = VocosBackbone(vocos_dim, vocos_dim, vocos_intermediate_dim, vocos_num_layers,
                                            condition_dim)
        self.linear = nn.Linear(vocos_dim, out_channels)
        self.tanh = use_tanh_at_final

    def forward(self, x, cond):
        x = self.downsample(self.linear_pre(x.transpose(1, 2))).transpose(1, 2)
        x = self.linear(self.vocos_backbone(x, cond)).transpose(1, 2)
        return torch.tanh(x) if self.tanh else x


class SemanticQuantizer(nn.Module):
    def __init__(self, input_dim: int, codebook_size: int, codebook_dim: int, **_: Any):
        super().__init__()
        self.codebook = nn.Embedding(codebook_size, codebook_dim)
        self.out_project = nn.Conv1d(codebook_dim, input_dim, 1)

    def forward(self, codes):  # (B, T) → (B, input_dim, T)
        return self.out_project(self.codebook(codes).transpose(1, 2))


class GlobalQuantizer(nn.Module):
    def __init__(self, levels: list[int], dim: int):
        super().__init__()
        self.register_buffer("levels", torch.tensor(levels), persistent=False)
        basis = np.cumprod([1] + list(levels[:-1]))
        self.register_buffer("basis", torch.tensor(basis), persistent=False)
        self.project_out = nn.Linear(len(levels), dim) if len(levels) != dim else nn.Identity()

    def forward(self, codes):  # (B, N) → (B, N, dim)
        digits = (codes.unsqueeze(-1) // self.basis) % self.levels
        half = self.levels // 2
        return self.project_out((digits - half).float() / half)


class SpeakerDecoder(nn.Module):
    def __init__(self, out_dim: int, latent_dim: int, token_num: int, fsq_levels: list[int],
                 fsq_num_quantizers: int = 1, **_: Any):
        super().__init__()
        if fsq_num_quantizers != 1:
            raise ValueError("one FSQ quantizer per global token is supported")
        self.token_num = token_num
        self.quantizer = GlobalQuantizer(list(fsq_levels), latent_dim)
        self.project = nn.Linear(latent_dim * token_num, out_dim)

    def forward(self, codes):  # (B, N) → d-vector (B, out_dim)
        z = self.quantizer(codes).transpose(1, 2)  # (B, latent, N): flattened channel-major
        return self.project(z.reshape(z.shape[0], -1))


class BiCodecDecoder(nn.Module):
    def __init__(self, config: dict):
        super().__init__()
        self.quantizer = SemanticQuantizer(**config["quantizer"])
        self.speaker_encoder = SpeakerDecoder(**config["speaker_encoder"])
        self.prenet = Prenet(**config["prenet"])
        self.decoder = WaveGenerator(**config["decoder"])
        self.hop = int(np.prod(config["decoder"]["rates"]))
        self.semantic_codes = int(config["quantizer"]["codebook_size"])

    def forward(self, semantic, globals_):
        d_vector = self.speaker_encoder(globals_)
        x = self.prenet(self.quantizer(semantic), d_vector) + d_vector.unsqueeze(-1)
        return self.decoder(x)


def fold_weight_norm(state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """``weight_g``/``weight_v`` pairs (and torch's ``parametrizations.weight.original0/1``)
    → ``weight`` = g · v / ‖v‖, the norm taken over every dimension but the first."""
    pairs = ((".weight_g", ".weight_v"), (".parametrizations.weight.original0", ".parametrizations.weight.original1"))
    out = dict(state)
    for g_suffix, v_suffix in pairs:
        for key in [k for k in state if k.endswith(g_suffix)]:
            base = key[: -len(g_suffix)]
            if base + v_suffix not in state:
                raise IntegrityError(f"BiCodec weights: {key} has no matching {v_suffix[1:]}",
                                     hint="remove the file and pull the model again")
            g, v = out.pop(key), out.pop(base + v_suffix)
            norm = v.flatten(1).norm(dim=1).reshape(-1, *([1] * (v.dim() - 1)))
            out[base + ".weight"] = g * v / norm
    return out


WANTED = ("quantizer.", "speaker_encoder.quantizer.", "speaker_encoder.project.", "prenet.", "decoder.")


def load_decoder(config: dict, weights: Path) -> BiCodecDecoder:
    """The decoder of ``config`` (the ``audio_tokenizer`` section) with the checkpoint's weights."""
    from safetensors.torch import load_file

    model = BiCodecDecoder(config)
    try:
        state = load_file(str(weights))
    except Exception as exc:  # noqa: BLE001 - safetensors raises several types for a damaged file
        raise IntegrityError(f"{weights.name} is not a readable safetensors file ({str(exc)[:120]})",
                             hint="remove it and pull the model again") from exc
    state = fold_weight_norm({k: v for k, v in state.items() if k.startswith(WANTED)})
    missing, _unexpected = model.load_state_dict(state, strict=False)
    if missing:
        raise IntegrityError(f"{weights.name} lacks {len(missing)} BiCodec decoder tensors (first: {missing[0]})",
                             hint="the weights do not match BiCodec/config.yaml; pull the model again")
    return model.eval()


class BiCodec:
    """Codes in, float32 audio out (16 kHz, ``hop`` samples per semantic code)."""

    sample_rate = SAMPLE_RATE

    def __init__(self, config: dict, weights: Path, *, device: str = "cpu", threads: int | None = None):
        if threads:
            torch.set_num_threads(threads)
        if device != "cpu" and not _usable(device):
            log.warning("BiCodec cannot run on %s with this torch build; decoding on the CPU", device)
            device = "cpu"
        self.model = load_decoder(config, weights).to(device)
        self.device = device
        self.hop = self.model.hop
        self.token_num = self.model.speaker_encoder.token_num
        self.semantic_codes = self.model.semantic_codes

    def decode(self, semantic: np.ndarray, globals_: np.ndarray) -> np.ndarray:
        sem = torch.as_tensor(np.asarray(semantic, dtype=np.int64).reshape(1, -1), device=self.device)
        glo = torch.as_tensor(np.asarray(globals_, dtype=np.int64).reshape(1, -1), device=self.device)
        with torch.inference_mode():
            audio = self.model(sem, glo)
        return audio.reshape(-1).float().cpu().numpy()
