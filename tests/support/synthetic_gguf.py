"""Tiny GGUF language models that llama.cpp really loads and runs, for tests and benchmarks.

No real weights reach the test machines, so the NeuTTS and Orpheus backends are
exercised on synthetic models that carry the families' REAL token texts
(``<|SPEECH_GENERATION_START|>``, ``<|speech_N|>``, ``<custom_token_N>``,
``<|eot_id|>``...) in a SentencePiece-style vocabulary (``<unk> <s> </s>``, the
256 byte tokens, ``▁``), which is what llama.cpp 0.3.x needs to accept a
hand-written vocabulary.

``bigram`` models make generation deterministic and programmable: one-hot token
embeddings, all attention and FFN weights zero, so the hidden state after the
final RMSNorm is a scaled one-hot of the *last* token and ``output.weight[next,
cur]`` is a next-token table. A logit gap of 10·sqrt(E) survives temperature 1
and any top-k, so sampling still picks the programmed token; two equal entries
in one column make a real coin flip that the seed decides.

``random_lm`` writes a bigger model with random weights and a realistic
per-token cost, for the tokens/s benchmark.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import numpy as np

NORMAL, UNKNOWN, CONTROL, USER_DEFINED, BYTE = 1, 2, 3, 4, 6
LOGIT = 10.0


@dataclass
class Vocab:
    """A SentencePiece-style vocabulary with extra added tokens appended."""

    tokens: list[str] = field(default_factory=list)
    types: list[int] = field(default_factory=list)

    @classmethod
    def base(cls, pieces: Iterable[str] = ()) -> "Vocab":
        v = cls()
        v.add("<unk>", UNKNOWN)
        v.add("<s>", CONTROL)
        v.add("</s>", CONTROL)
        for b in range(256):
            v.add(f"<0x{b:02X}>", BYTE)
        v.add("▁", NORMAL)
        for piece in pieces:
            v.add(piece, NORMAL)
        return v

    def add(self, text: str, kind: int = USER_DEFINED) -> int:
        self.tokens.append(text)
        self.types.append(kind)
        return len(self.tokens) - 1

    def id(self, text: str) -> int:
        return self.tokens.index(text)

    def __len__(self) -> int:
        return len(self.tokens)


def _writer(path: Path, arch: str, vocab: Vocab, *, n_embd: int, n_ff: int, n_layer: int, n_head: int,
            n_ctx: int, bos: int, eos: int, add_bos: bool, metadata: dict | None, f16: bool = False):
    import gguf

    w = gguf.GGUFWriter(str(path), arch)
    w.add_name(f"ttscli-synthetic-{arch}")
    w.add_context_length(n_ctx)
    w.add_embedding_length(n_embd)
    w.add_block_count(n_layer)
    w.add_feed_forward_length(n_ff)
    w.add_head_count(n_head)
    w.add_head_count_kv(n_head)
    w.add_rope_dimension_count(n_embd // n_head)
    w.add_layer_norm_rms_eps(1e-5)
    w.add_rope_freq_base(10000.0)
    w.add_file_type(gguf.LlamaFileType.MOSTLY_F16 if f16 else gguf.LlamaFileType.ALL_F32)
    w.add_tokenizer_model("llama")
    w.add_token_list(vocab.tokens)
    w.add_token_types(vocab.types)
    w.add_token_scores([0.0 if t != NORMAL else -float(i) for i, t in enumerate(vocab.types)])
    w.add_bos_token_id(bos)
    w.add_eos_token_id(eos)
    w.add_unk_token_id(0)
    w.add_add_bos_token(add_bos)
    w.add_add_eos_token(False)
    for key, value in (metadata or {}).items():
        if isinstance(value, str):
            w.add_string(key, value)
        elif isinstance(value, (list, tuple)):
            w.add_array(key, list(value))
        else:
            w.add_uint32(key, int(value))
    return w


def _finish(w) -> None:
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def bigram(path: Path, vocab: Vocab, table: dict[int, list[int]], *, arch: str = "llama", bos: int = 1,
           eos: int = 2, add_bos: bool = False, n_ctx: int = 2048, metadata: dict | None = None) -> Path:
    """A model whose next token depends only on the current one: ``table[cur]`` lists the
    equally likely successors (one entry = deterministic). Tokens missing from the table
    are followed by a uniform draw over the whole vocabulary."""
    n_vocab = len(vocab)
    n_embd = -(-n_vocab // 32) * 32
    w = _writer(path, arch, vocab, n_embd=n_embd, n_ff=32, n_layer=1, n_head=1, n_ctx=n_ctx, bos=bos,
                eos=eos, add_bos=add_bos, metadata=metadata)
    embd = np.zeros((n_vocab, n_embd), dtype=np.float32)
    embd[np.arange(n_vocab), np.arange(n_vocab)] = 1.0
    out = np.zeros((n_vocab, n_embd), dtype=np.float32)
    for cur, successors in table.items():
        for nxt in successors:
            out[nxt, cur] = LOGIT
    w.add_tensor("token_embd.weight", embd)
    w.add_tensor("output_norm.weight", np.ones(n_embd, dtype=np.float32))
    w.add_tensor("output.weight", out)
    w.add_tensor("blk.0.attn_norm.weight", np.ones(n_embd, dtype=np.float32))
    for name in ("attn_q", "attn_k", "attn_v", "attn_output"):
        w.add_tensor(f"blk.0.{name}.weight", np.zeros((n_embd, n_embd), dtype=np.float32))
    if arch == "qwen2":
        for name in ("attn_q", "attn_k", "attn_v"):
            w.add_tensor(f"blk.0.{name}.bias", np.zeros(n_embd, dtype=np.float32))
    w.add_tensor("blk.0.ffn_norm.weight", np.ones(n_embd, dtype=np.float32))
    w.add_tensor("blk.0.ffn_gate.weight", np.zeros((32, n_embd), dtype=np.float32))
    w.add_tensor("blk.0.ffn_up.weight", np.zeros((32, n_embd), dtype=np.float32))
    w.add_tensor("blk.0.ffn_down.weight", np.zeros((n_embd, 32), dtype=np.float32))
    _finish(w)
    return path


def random_lm(path: Path, vocab: Vocab, *, arch: str = "llama", n_embd: int = 512, n_layer: int = 4,
              n_head: int = 8, groups: list[list[int]] | None = None, lead_in: Iterable[int] = (),
              bos: int = 1, eos: int = 2, seed: int = 0,
              n_ctx: int = 4096, metadata: dict | None = None) -> Path:
    """A model with random F16 weights: the per-token cost of a real transformer of
    this size, for benchmarks. Only tokens in ``groups`` can be sampled (all other
    output rows are zero, far below theirs), and after a token of group g the
    model prefers group g+1 (cyclically): one group per Orpheus slot gives
    well-formed 7-token frames, a single group gives any speech token. The
    preference is carried by one embedding dimension per group, which the small
    random layers do not drown. ``lead_in`` tokens (the prompt's last token) lead
    into group 0. No group holds EOS, so the model never stops."""
    import gguf  # noqa: F401 - fail here, before any file is written, when gguf is missing

    groups = groups or []
    rng = np.random.default_rng(seed)
    n_vocab, n_ff = len(vocab), 4 * n_embd
    w = _writer(path, arch, vocab, n_embd=n_embd, n_ff=n_ff, n_layer=n_layer, n_head=n_head,
                n_ctx=n_ctx, bos=bos, eos=eos, add_bos=False, metadata=metadata, f16=True)

    def rand(*shape, scale=0.02):
        return (rng.standard_normal(shape, dtype=np.float32) * scale).astype(np.float16)

    embd = rand(n_vocab, n_embd, scale=0.1)
    out = np.zeros((n_vocab, n_embd), dtype=np.float16)
    for g, ids in enumerate(groups):
        ids = np.asarray(ids)
        embd[ids, g] = 8.0
        out[ids] = rand(len(ids), n_embd, scale=0.3)
        out[ids, (g - 1) % len(groups)] = 1.0
    for token in lead_in:
        embd[token, len(groups) - 1] = 8.0
    w.add_tensor("token_embd.weight", embd)
    w.add_tensor("output_norm.weight", np.ones(n_embd, dtype=np.float32))
    w.add_tensor("output.weight", out)
    for i in range(n_layer):
        w.add_tensor(f"blk.{i}.attn_norm.weight", np.ones(n_embd, dtype=np.float32))
        for name in ("attn_q", "attn_k", "attn_v", "attn_output"):
            w.add_tensor(f"blk.{i}.{name}.weight", rand(n_embd, n_embd))
        if arch == "qwen2":
            for name in ("attn_q", "attn_k", "attn_v"):
                w.add_tensor(f"blk.{i}.{name}.bias", np.zeros(n_embd, dtype=np.float32))
        w.add_tensor(f"blk.{i}.ffn_norm.weight", np.ones(n_embd, dtype=np.float32))
        w.add_tensor(f"blk.{i}.ffn_gate.weight", rand(n_ff, n_embd))
        w.add_tensor(f"blk.{i}.ffn_up.weight", rand(n_ff, n_embd))
        w.add_tensor(f"blk.{i}.ffn_down.weight", rand(n_embd, n_ff))
    _finish(w)
    return path
