"""Tiny stand-ins for the `neucodec` and `pocket_tts` packages, built to their real APIs.

Neither package's weights can be fetched here, so tests write small packages
with the same import names, classes, call signatures, tensor shapes and file
formats, and real (tiny) torch weights:

* ``neucodec.NeuCodec.from_pretrained(repo)`` fetches ``pytorch_model.bin`` with
  huggingface_hub (from a hub cache the test writes; HF_HUB_OFFLINE=1) and
  ``torch.load``s it like neucodec 0.0.4-0.0.6 does (no weights_only argument:
  ttscli must force it). ``encode_code(audio [B, 1, T] at 16 kHz)`` pads to a
  multiple of 320 and returns int32 FSQ codes [B, 1, T/320]: 8 dimensions of
  4 levels, code = Σ level_d · 4^d, as NeuCodec's FSQ indexes them.
* ``pocket_tts.TTSModel.load_model(config=yaml)`` reads ``weights_path`` from
  the YAML (safetensors); ``get_state_for_audio_prompt(tensor [C, T])`` encodes
  12.5 frames per second and returns {``transformer.layers.N.self_attn``:
  {``cache`` [2, 1, T, heads, 64], ``offset`` int64 [1]}};
  ``export_model_state`` writes ``<module>/<key>`` safetensors.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

NEUCODEC_SOURCE = '''
"""Synthetic neucodec (test double of the real package's API)."""
import torch
import torch.nn as nn
from huggingface_hub import hf_hub_download


class NeuCodec(nn.Module):
    def __init__(self, sample_rate: int, hop_length: int):
        super().__init__()
        self.sample_rate = sample_rate
        self.hop_length = hop_length
        self.CodecEnc = nn.Conv1d(1, 8, 320, stride=320)  # one 8-dim frame per 320 samples

    @classmethod
    def from_pretrained(cls, pretrained_model_name_or_path, **kwargs):
        assert pretrained_model_name_or_path in ["neuphonic/neucodec", "neuphonic/distill-neucodec"]
        ckpt = hf_hub_download(repo_id=pretrained_model_name_or_path, filename="pytorch_model.bin")
        model = cls(24_000, 480)
        state_dict = torch.load(ckpt, "cpu")  # as neucodec does: ttscli forces weights_only
        model.load_state_dict(state_dict, strict=False)
        return model

    def _prepare_audio(self, y):
        if not isinstance(y, torch.Tensor) or len(y.shape) != 3:
            raise ValueError(f"NeuCodec expects tensor audio input to be of shape [B, 1, T] -- received {getattr(y, 'shape', y)}")
        pad_for_wav = 320 - (y.shape[-1] % 320)
        return torch.nn.functional.pad(y, (0, pad_for_wav))

    def encode_code(self, audio_or_path):
        y = self._prepare_audio(audio_or_path)
        emb = torch.tanh(self.CodecEnc(y))  # [B, 8, F]
        levels = torch.clamp(torch.round((emb + 1) * 1.5), 0, 3).long()
        weights = (4 ** torch.arange(8)).view(1, 8, 1)
        return (levels * weights).sum(dim=1, keepdim=True).to(torch.int32)  # [B, 1, F]


class DistillNeuCodec(NeuCodec):
    pass
'''

POCKET_SOURCE = '''
"""Synthetic pocket_tts (test double of the real package's API)."""
from pathlib import Path

import safetensors.torch
import torch
import yaml

__version__ = "0.0.0-synthetic"


class TTSModel(torch.nn.Module):
    def __init__(self, layers: int, heads: int, frame: int, weights: dict):
        super().__init__()
        self.layers, self.heads, self.frame = layers, heads, frame
        self.proj = torch.nn.Linear(frame, heads * 64, bias=False)
        self.proj.weight.data = weights["mimi.proj.weight"]
        self.has_voice_cloning = bool(weights.get("has_voice_cloning", torch.ones(1)).item())
        self.sample_rate = 24000

    @property
    def device(self):
        return torch.device("cpu")

    @classmethod
    def load_model(cls, language=None, config=None, temp=0.7, lsd_decode_steps=1, noise_clamp=None,
                   eos_threshold=-4.0, quantize=False):
        if config is not None and language is not None:
            raise ValueError("Cannot specify both config and language, please choose one or the other.")
        cfg = yaml.safe_load(Path(config).read_text())
        weights = safetensors.torch.load_file(cfg["weights_path"])
        tr = cfg["flow_lm"]["transformer"]
        assert Path(cfg["flow_lm"]["lookup_table"]["tokenizer_path"]).exists()
        return cls(tr["num_layers"], tr["num_heads"], int(cfg["mimi"]["sample_rate"] / cfg["mimi"]["frame_rate"]), weights)

    @torch.no_grad
    def get_state_for_audio_prompt(self, audio_conditioning, truncate=False):
        if not isinstance(audio_conditioning, torch.Tensor) or audio_conditioning.dim() != 2:
            raise ValueError("expected a [channels, samples] tensor")
        if not self.has_voice_cloning:
            raise ValueError("voice cloning unsupported")
        audio = audio_conditioning.mean(0)
        frames = audio[: audio.shape[0] // self.frame * self.frame].reshape(-1, self.frame)
        latent = self.proj(frames).reshape(1, -1, self.heads, 64)  # [1, T, heads, 64]
        state = {}
        for i in range(self.layers):
            kv = torch.stack([latent * (i + 1), -latent * (i + 1)])  # [2, 1, T, heads, 64]
            state[f"transformer.layers.{i}.self_attn"] = {"cache": kv.contiguous(),
                                                          "offset": torch.full((1,), latent.shape[1], dtype=torch.long)}
        return state


def export_model_state(model_state, dest):
    flat = {}
    for module_name, module_state in model_state.items():
        for key, tensor_value in module_state.items():
            flat[f"{module_name}/{key}"] = tensor_value
    safetensors.torch.save_file(flat, dest)
'''

POCKET_CONFIG = {
    "weights_path": "hf://kyutai/pocket-tts/languages/english/model.safetensors@0",
    "weights_path_without_voice_cloning": "hf://kyutai/pocket-tts-without-voice-cloning/x@0",
    "flow_lm": {"transformer": {"d_model": 128, "num_heads": 2, "num_layers": 3},
                "lookup_table": {"dim": 128, "n_bins": 40, "tokenizer": "sentencepiece",
                                 "tokenizer_path": "hf://kyutai/pocket-tts-without-voice-cloning/tok@0"}},
    "mimi": {"sample_rate": 24000, "frame_rate": 12.5},
}


def neucodec_package(root: Path) -> Path:
    pkg = root / "neucodec"
    pkg.mkdir(parents=True, exist_ok=True)
    (pkg / "__init__.py").write_text(textwrap.dedent(NEUCODEC_SOURCE))
    return root


def neucodec_hub(cache: Path, *, small_codes: bool = True, malicious: bool = False) -> Path:
    """A huggingface_hub cache holding neuphonic/neucodec's pytorch_model.bin.

    ``small_codes`` keeps FSQ dimensions 4-7 at level 0 (codes < 256, so a tiny
    NeuTTS vocabulary has a token for each); ``malicious`` writes a checkpoint
    whose unpickling would call a function (what weights_only must refuse).
    """
    import torch

    commit = "0" * 40
    repo = cache / "models--neuphonic--neucodec"
    snap = repo / "snapshots" / commit
    snap.mkdir(parents=True, exist_ok=True)
    (repo / "refs").mkdir(exist_ok=True)
    (repo / "refs" / "main").write_text(commit)
    g = torch.Generator().manual_seed(0)
    weight = torch.randn(8, 1, 320, generator=g) * 0.2
    bias = torch.zeros(8)
    if small_codes:
        weight[4:] = 0.0
        bias[4:] = -10.0
    target = snap / "pytorch_model.bin"
    if malicious:
        import pickle

        class Evil:
            def __reduce__(self):
                return (print, ("pwned",))

        target.write_bytes(pickle.dumps({"CodecEnc.weight": Evil()}))
    else:
        torch.save({"CodecEnc.weight": weight, "CodecEnc.bias": bias}, target)
    (snap / "meta.yaml").write_text("synthetic: true\n")
    return cache


def pocket_package(root: Path) -> Path:
    import yaml

    pkg = root / "pocket_tts"
    (pkg / "config").mkdir(parents=True, exist_ok=True)
    (pkg / "__init__.py").write_text(textwrap.dedent(POCKET_SOURCE))
    (pkg / "config" / "english.yaml").write_text(yaml.safe_dump(POCKET_CONFIG))
    return root


def pocket_model_dir(root: Path, *, cloning: bool = True) -> Path:
    """A pulled-model layout: languages/english/model.safetensors + tokenizer.json."""
    import safetensors.torch
    import torch

    d = root / "languages" / "english"
    d.mkdir(parents=True, exist_ok=True)
    g = torch.Generator().manual_seed(1)
    heads = POCKET_CONFIG["flow_lm"]["transformer"]["num_heads"]
    safetensors.torch.save_file({"mimi.proj.weight": torch.randn(heads * 64, 1920, generator=g) * 0.05,
                                 "has_voice_cloning": torch.tensor([1.0 if cloning else 0.0])},
                                str(d / "model.safetensors"))
    (d / "tokenizer.json").write_text('{"model": {"type": "Unigram"}}')
    return root
