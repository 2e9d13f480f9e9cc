"""A tiny Spark-TTS model directory built to the real interfaces, for tests.

* ``LLM/model.gguf``: a bigram GGUF (see synthetic_gguf) whose vocabulary carries
  Spark-TTS's real special tokens (task, delimiter, gender/pitch/speed label tokens,
  ``<|bicodec_global_N|>`` for N < 64, ``<|bicodec_semantic_N|>`` for N < 256) in a
  SentencePiece-style base. Its programme:

  - voice creation: ``<|end_style_label|>`` → ``<|start_acoustic_token|>``
    ``<|pitch_value_300|>`` ``<|speed_value_5|>`` ``<|start_global_token|>``, then 32
    global tokens, the k-th a fair coin between codes 2k and 2k+1 (the seed decides
    the voice), then ``<|end_global_token|>``;
  - speech: ``<|end_global_token|>`` → ``<|start_semantic_token|>`` → ``chain`` (semantic
    codes) → ``<|end_semantic_token|>`` → ``<|im_end|>``; a prompt ending in the
    reference's last semantic code (``REF_SEMANTIC[-1]``) continues with the chain too.

* ``BiCodec/config.yaml`` + ``BiCodec/model.safetensors``: BiCodec's config layout
  (``audio_tokenizer`` with the upstream section and key names, small sizes but the
  real rates 8·5·4·2, semantic codebook 8192, FSQ levels of 4 (three of them, so the
  64 global tokens of the vocabulary cover every code), the speaker encoder's fixed
  512/1536 channels) and random weights stored as the published checkpoint stores them:
  weight-normalised layers as ``weight_g`` / ``weight_v``, plus encoder/postnet
  tensors neither decoding nor cloning reads.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from support.synthetic_gguf import CONTROL, Vocab, bigram

GLOBALS, SEMANTICS, TOKEN_NUM = 64, 256, 32
REF_SEMANTIC = [250, 251, 252, 253, 254, 255]
MARKERS = ["<|task_tts|>", "<|task_controllable_tts|>", "<|start_content|>", "<|end_content|>",
           "<|start_style_label|>", "<|end_style_label|>", "<|start_acoustic_token|>", "<|end_acoustic_token|>",
           "<|start_global_token|>", "<|end_global_token|>", "<|start_semantic_token|>", "<|end_semantic_token|>"]
LABELS = ["<|gender_0|>", "<|gender_1|>"] + [f"<|pitch_label_{i}|>" for i in range(5)] + \
    [f"<|speed_label_{i}|>" for i in range(5)] + ["<|pitch_value_300|>", "<|speed_value_5|>"]
CODEC = {
    "mel_params": {"sample_rate": 16000, "n_fft": 1024, "win_length": 640, "hop_length": 320, "mel_fmin": 10,
                   "mel_fmax": None, "num_mels": 128},
    "encoder": {"input_channels": 32, "vocos_dim": 16, "vocos_intermediate_dim": 32, "vocos_num_layers": 1,
                "out_channels": 32, "sample_ratios": [1, 1]},
    "decoder": {"input_channel": 32, "channels": 32, "rates": [8, 5, 4, 2], "kernel_sizes": [16, 11, 8, 4]},
    "quantizer": {"input_dim": 32, "codebook_size": 8192, "codebook_dim": 8, "commitment": 0.25,
                  "codebook_loss_weight": 2.0, "use_l2_normlize": True, "threshold_ema_dead_code": 0.2},
    "speaker_encoder": {"input_dim": 128, "out_dim": 32, "latent_dim": 16, "token_num": TOKEN_NUM,
                        "fsq_levels": [4, 4, 4], "fsq_num_quantizers": 1},
    "prenet": {"input_channels": 32, "vocos_dim": 16, "vocos_intermediate_dim": 32, "vocos_num_layers": 2,
               "out_channels": 32, "condition_dim": 32, "sample_ratios": [1, 1], "use_tanh_at_final": False},
    "postnet": {"input_channels": 32, "vocos_dim": 16, "vocos_intermediate_dim": 32, "vocos_num_layers": 1,
                "out_channels": 32, "use_tanh_at_final": False},
}


def spark_vocab() -> tuple[Vocab, dict[str, int], list[int], list[int]]:
    vocab = Vocab.base(["▁Hello", "▁there", "▁voice"])
    marks = {m: vocab.add(m) for m in MARKERS + LABELS}
    marks["<|im_end|>"] = vocab.add("<|im_end|>", CONTROL)
    globals_ = [vocab.add(f"<|bicodec_global_{i}|>") for i in range(GLOBALS)]
    semantic = [vocab.add(f"<|bicodec_semantic_{i}|>") for i in range(SEMANTICS)]
    return vocab, marks, globals_, semantic


def spark_gguf(path: Path, chain: list[int], *, never: bool = False, endless_globals: bool = False) -> Path:
    vocab, m, glo, sem = spark_vocab()
    seq = ["<|end_style_label|>", "<|start_acoustic_token|>", "<|pitch_value_300|>", "<|speed_value_5|>",
           "<|start_global_token|>"]
    table: dict[int, list[int]] = {m[a]: [m[b]] for a, b in zip(seq, seq[1:])}
    table[m["<|start_global_token|>"]] = [glo[0], glo[1]]
    for k in range(TOKEN_NUM):
        last = [glo[0]] if endless_globals else [m["<|end_global_token|>"]]
        nxt = [glo[2 * k + 2], glo[2 * k + 3]] if k + 1 < TOKEN_NUM else last
        table[glo[2 * k]] = table[glo[2 * k + 1]] = nxt
    ids = [sem[c] for c in chain]
    table[m["<|end_global_token|>"]] = [m["<|start_semantic_token|>"]]
    table[m["<|start_semantic_token|>"]] = [ids[0]]
    table[sem[REF_SEMANTIC[-1]]] = [ids[0]]
    for a, b in zip(ids, ids[1:]):
        table[a] = [b]
    table[ids[-1]] = [ids[0]] if never else [m["<|end_semantic_token|>"]]
    table[m["<|end_semantic_token|>"]] = [m["<|im_end|>"]]
    path.parent.mkdir(parents=True, exist_ok=True)
    return bigram(path, vocab, table, arch="qwen2", eos=m["<|im_end|>"])


def _weight_normed(name: str) -> bool:
    """Layers the published checkpoint keeps weight-normalised (upstream WNConv1d / WNConvTranspose1d)."""
    return name.startswith(("decoder.", "quantizer.out_project", "quantizer.in_project")) and \
        name.endswith(".weight") and ".alpha" not in name


def bicodec_files(root: Path, seed: int = 0) -> Path:
    """BiCodec/config.yaml and BiCodec/model.safetensors under ``root``."""
    import torch
    import yaml
    from safetensors.torch import save_file

    from ttscli.families.spark.bicodec import BiCodecDecoder
    from ttscli.families.spark.encoder import SpeakerTokenizer

    torch.manual_seed(seed)
    model = BiCodecDecoder(CODEC)
    speaker = SpeakerTokenizer(**CODEC["speaker_encoder"])  # the speaker encoder's tokenizing half (cloning)
    with torch.no_grad():  # spread the 6 projected dims over all four FSQ levels
        speaker.quantizer.project_in.weight.mul_(30.0)
    tensors = {**model.state_dict(), **{f"speaker_encoder.{k}": v for k, v in speaker.state_dict().items()}}
    state: dict[str, torch.Tensor] = {}
    for name, value in tensors.items():
        if _weight_normed(name) and value.dim() == 3:
            v = value.clone() * 3.0
            g = value.flatten(1).norm(dim=1).reshape(-1, 1, 1)
            state[name[: -len("weight")] + "weight_g"] = g.contiguous()
            state[name[: -len("weight")] + "weight_v"] = v.contiguous()
        else:
            state[name] = value.contiguous()
    gen = torch.Generator().manual_seed(seed + 1)
    state["encoder.linear_pre.weight"] = torch.randn(16, 32, generator=gen)  # read by nobody when decoding
    state["postnet.linear.weight"] = torch.randn(32, 16, generator=gen)
    state["quantizer.in_project.weight_g"] = torch.ones(8, 1, 1)
    state["quantizer.in_project.weight_v"] = torch.randn(8, 32, 1, generator=gen)
    d = root / "BiCodec"
    d.mkdir(parents=True, exist_ok=True)
    (d / "config.yaml").write_text(yaml.safe_dump({"audio_tokenizer": CODEC}, sort_keys=False), encoding="utf-8")
    save_file(state, str(d / "model.safetensors"))
    return d


def spark_dir(root: Path, chain: list[int], *, never: bool = False, endless_globals: bool = False,
              gguf_at: str = "LLM/model.gguf") -> Path:
    """A Spark-TTS model directory (the published layout plus LLM/model.gguf)."""
    root.mkdir(parents=True, exist_ok=True)
    spark_gguf(root / gguf_at, chain, never=never, endless_globals=endless_globals)
    bicodec_files(root)
    (root / "config.yaml").write_text("sample_rate: 16000\nref_segment_duration: 6\nlatent_hop_length: 320\n"
                                      "volume_normalize: true\n", encoding="utf-8")
    return root


def one_shot(root: Path, semantic, globals_) -> np.ndarray:
    """The whole-utterance decode of ``semantic`` codes with ``globals_`` (the reference for streaming)."""
    from ttscli.families.spark.bicodec import BiCodec
    from ttscli.families.spark.files import read_codec_config

    codec = BiCodec(read_codec_config(root / "BiCodec" / "config.yaml"), root / "BiCodec" / "model.safetensors")
    return codec.decode(np.asarray(semantic), np.asarray(globals_))
