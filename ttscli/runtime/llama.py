"""GGUF language models on llama.cpp (llama-cpp-python), loaded through a RuntimePlan.

Speech LMs (NeuTTS, Orpheus) emit audio-codec codes as ordinary vocabulary
tokens, so this module works in token ids end to end: the prompt is assembled
from text fragments and token ids, generation yields ids, and stop tokens are
ids. Text is never the carrier of codes: a GGUF may store speech tokens as
CONTROL tokens, which detokenize to empty text.

``llama_cpp`` is imported lazily, after the plan's environment (for example
``GGML_CUDA_ENABLE_UNIFIED_MEMORY`` on a unified-memory machine) is in place,
because ggml reads those variables when the library initialises.
"""

from __future__ import annotations

import ctypes
import logging
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Sequence, Union

from ..errors import BadInput, IntegrityError, RuntimeFailure
from ..filetypes import HEAD_BYTES, looks_like_html
from ..optional import install_command
from .plan import RuntimePlan, apply_env
from .token_stream import TokenStream

log = logging.getLogger(__name__)

EXTRA_HINT = "install it with: " + install_command("gguf")
_DEFAULT_SEED = 0xFFFFFFFF  # llama.cpp: "pick a random seed"
Part = Union[str, int]  # a prompt is a list of text fragments and token ids


def import_llama_cpp(plan: RuntimePlan | None = None):
    """Import llama_cpp after applying ``plan.env`` (ggml reads it at initialisation;
    values the user set already win, as in :func:`ttscli.runtime.plan.apply_env`)."""
    if plan is not None:
        apply_env(plan)
    try:
        import llama_cpp
    except ImportError as exc:
        raise RuntimeFailure(f"GGUF models need llama-cpp-python, which is not installed ({exc})",
                             hint=EXTRA_HINT) from exc
    except OSError as exc:  # a wheel built for another CPU/GPU: the shared library fails to load
        raise RuntimeFailure(
            f"llama-cpp-python is installed but its library cannot load ({exc})",
            hint="reinstall it for this machine: " + install_command("gguf").replace("pip install", "pip install --force-reinstall"),
        ) from exc
    _route_logs(llama_cpp)
    return llama_cpp


_log_callback = None  # kept referenced: llama.cpp holds a raw pointer to it


def _route_logs(llama_cpp) -> None:
    """Send llama.cpp's own log lines to ttscli's debug log instead of stderr, so a
    successful run prints nothing and an error stays one line."""
    global _log_callback
    if _log_callback is not None:
        return
    native = logging.getLogger("ttscli.llama_cpp")

    @llama_cpp.llama_log_callback
    def callback(level, text, _user_data):  # the C signature
        if native.isEnabledFor(logging.DEBUG):
            native.debug("%s", text.decode("utf-8", "replace").rstrip())

    _log_callback = callback
    llama_cpp.llama_log_set(callback, ctypes.c_void_p(0))


@dataclass(frozen=True)
class Sampling:
    """Sampler settings; ``repeat_penalty`` applies over the last ``repeat_last_n`` generated tokens."""

    temperature: float = 1.0
    top_k: int = 50
    top_p: float = 0.95
    min_p: float = 0.05
    repeat_penalty: float = 1.0
    repeat_last_n: int = 64

    def with_overrides(self, given) -> "Sampling":
        """Family defaults overridden by the fields of ``given`` (an options object) that are not None."""
        values = {}
        for name, kind in (("temperature", float), ("top_k", int), ("top_p", float), ("min_p", float),
                           ("repeat_penalty", float), ("repeat_last_n", int)):
            value = getattr(given, name, None)
            if value is not None:
                try:
                    values[name] = kind(value)
                except (TypeError, ValueError) as exc:
                    raise BadInput(f"sampling option {name}={value!r} is not a number") from exc
        return Sampling(**{**self.__dict__, **values})


class LlamaModel:
    """One GGUF model in llama.cpp plus id-level vocabulary helpers."""

    def __init__(self, path: Path, plan: RuntimePlan, *, n_ctx: int = 2048, n_batch: int = 512):
        self.path = path
        check_gguf(path)
        llama_cpp = import_llama_cpp(plan)
        self._lib = llama_cpp
        threads = plan.threads or None
        try:
            self.llm = llama_cpp.Llama(
                model_path=str(path),
                n_gpu_layers=plan.n_gpu_layers,
                n_ctx=plan.n_ctx or n_ctx,
                n_batch=n_batch,
                n_threads=threads,
                n_threads_batch=threads,
                flash_attn=plan.flash_attn,
                verbose=False,
            )
        except (ValueError, RuntimeError, OSError) as exc:
            raise RuntimeFailure(f"llama.cpp cannot load {path.name}: {str(exc).splitlines()[0][:200]}",
                                 hint="the file may be for a newer llama.cpp: " + install_command("gguf").replace("pip install", "pip install -U")) from exc
        self.vocab = self.llm._model.vocab
        self.n_vocab = int(llama_cpp.llama_vocab_n_tokens(self.vocab))
        self.n_ctx = int(self.llm.n_ctx())
        self._buf = (llama_cpp.llama_token * 16)()
        self._piece = ctypes.create_string_buffer(64)
        self._lock = threading.Lock()  # one generation at a time
        log.debug("llama.cpp %s: n_vocab=%d n_ctx=%d n_gpu_layers=%d threads=%s flash_attn=%s", path.name,
                  self.n_vocab, self.n_ctx, plan.n_gpu_layers, threads or "default", plan.flash_attn)

    # --- vocabulary
    @property
    def metadata(self) -> dict[str, str]:
        return dict(self.llm.metadata)

    @property
    def add_bos(self) -> bool:
        return bool(self._lib.llama_vocab_get_add_bos(self.vocab))

    @property
    def bos_id(self) -> int:
        return int(self._lib.llama_vocab_bos(self.vocab))

    def is_eog(self, token: int) -> bool:
        return bool(self._lib.llama_vocab_is_eog(self.vocab, token))

    def token_id(self, text: str) -> int | None:
        """The id of ``text`` if it is exactly one token of the vocabulary, else None."""
        raw = text.encode("utf-8")
        n = self._lib.llama_tokenize(self.vocab, raw, len(raw), self._buf, len(self._buf), False, True)
        return int(self._buf[0]) if n == 1 else None

    def piece(self, token: int) -> str:
        """The text of one token, control tokens included (for building id tables)."""
        n = self._lib.llama_token_to_piece(self.vocab, token, self._piece, len(self._piece), 0, True)
        return self._piece.raw[: max(n, 0)].decode("utf-8", "replace")

    def require(self, text: str) -> int:
        token = self.token_id(text)
        if token is None:
            raise IntegrityError(f"{self.path.name} has no token {text!r}: it is not a model of this family",
                                 hint="check --model, or pull the model again")
        return token

    def numbered(self, template: str, start: int, stop: int) -> "NumberedTokens":
        """The tokens ``template.format(n)`` for n in [start, stop) that exist in the vocabulary."""
        return NumberedTokens.find(self, template, start, stop)

    def tokenize(self, parts: Sequence[Part], *, allow: frozenset[str] = frozenset()) -> list[int]:
        """Prompt ids from text fragments and ids (ids are taken as they are).

        Text must never smuggle in the model's own markers: llama.cpp matches
        user-defined added tokens (a speech LM's code and marker tokens) even
        with special parsing off, so such tokens are dropped from text fragments,
        except those whose text is in ``allow`` (tags the model is meant to read).
        """
        ids: list[int] = []
        marker = self._lib.LLAMA_TOKEN_ATTR_CONTROL | self._lib.LLAMA_TOKEN_ATTR_USER_DEFINED
        for part in parts:
            if isinstance(part, int):
                ids.append(part)
                continue
            if not part:
                continue
            for token in self.llm.tokenize(part.encode("utf-8"), add_bos=False, special=False):
                if self._lib.llama_vocab_get_attr(self.vocab, token) & marker and self.piece(token) not in allow:
                    log.warning("dropped %r from the text: it is one of the model's control tokens",
                                self.piece(token))
                    continue
                ids.append(token)
        return ids

    # --- generation
    def _check_prompt(self, prompt: list[int]) -> None:
        if len(prompt) >= self.n_ctx:
            raise BadInput(f"the prompt has {len(prompt)} tokens but the context holds {self.n_ctx}",
                           hint="use shorter text or a shorter reference voice")

    def generate_ids(self, prompt: list[int], sampling: Sampling, seed: int) -> Iterator[int]:
        """Endless token ids after ``prompt`` (the caller stops). The context is reset
        first so the same prompt, settings and seed always give the same tokens."""
        self._check_prompt(prompt)
        with self._lock:
            self.llm.reset()
            self.llm.set_seed(seed_for_llama(seed))
            self.llm.last_n_tokens_size = max(0, sampling.repeat_last_n)
            gen = self.llm.generate(
                prompt,
                top_k=sampling.top_k,
                top_p=sampling.top_p,
                min_p=sampling.min_p,
                temp=sampling.temperature,
                repeat_penalty=sampling.repeat_penalty,
                reset=True,
            )
            produced = 0
            room = self.n_ctx - len(prompt)
            try:
                for token in gen:
                    yield token
                    produced += 1
                    if produced >= room:  # the KV cache is full: llama.cpp would fail on the next decode
                        return
            finally:
                gen.close()

    def stream(self, prompt: list[int], sampling: Sampling, *, seed: int, stop_ids: Sequence[int] = (),
               max_tokens: int, prefetch: int = 64) -> TokenStream:
        self._check_prompt(prompt)
        max_tokens = max(1, min(max_tokens, self.n_ctx - len(prompt)))
        return TokenStream(self, prompt, sampling, seed, frozenset(stop_ids), max_tokens, prefetch)

    def close(self) -> None:
        llm, self.llm = getattr(self, "llm", None), None
        if llm is not None:
            llm.close()


@dataclass
class NumberedTokens:
    """A family of tokens such as ``<|speech_N|>``: number ↔ id in both directions.

    Real models add them as one contiguous run, which is checked and then used as
    arithmetic; anything else (tiny test models, odd conversions) falls back to a
    scan of the vocabulary by token text.
    """

    template: str
    base: int | None = None  # id of number `first` when contiguous
    first: int = 0
    count: int = 0
    by_id: dict[int, int] = field(default_factory=dict)
    by_number: dict[int, int] = field(default_factory=dict)

    @classmethod
    def find(cls, model: "LlamaModel", template: str, start: int, stop: int) -> "NumberedTokens":
        lo, hi = model.token_id(template.format(start)), model.token_id(template.format(stop - 1))
        if lo is not None and hi is not None and hi - lo == stop - 1 - start:
            probes = range(start, stop, max(1, (stop - start) // 16))
            if all(model.token_id(template.format(n)) == lo + n - start for n in probes):
                return cls(template, base=lo, first=start, count=stop - start)
        pattern = re.compile(re.escape(template).replace(re.escape("{}"), r"(\d+)"))
        table = cls(template)
        for token in range(model.n_vocab):
            match = pattern.fullmatch(model.piece(token))
            if match and start <= int(match.group(1)) < stop:
                table.by_id[token] = int(match.group(1))
        table.by_number = {n: t for t, n in table.by_id.items()}
        table.count = len(table.by_id)
        return table

    def number(self, token: int) -> int | None:
        if self.base is not None:
            n = token - self.base
            return n + self.first if 0 <= n < self.count else None
        return self.by_id.get(token)

    def id(self, number: int) -> int | None:
        if self.base is not None:
            n = number - self.first
            return self.base + n if 0 <= n < self.count else None
        return self.by_number.get(number)


def seed_for_llama(seed: int) -> int:
    """llama.cpp treats 0xFFFFFFFF as "random"; map any int to a fixed 32-bit seed."""
    value = int(seed) & 0xFFFFFFFF
    return value if value != _DEFAULT_SEED else 0


def check_gguf(path: Path) -> None:
    """A clear error for a missing, truncated or non-GGUF file before llama.cpp sees it."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(HEAD_BYTES)
    except OSError as exc:
        raise RuntimeFailure(f"cannot read {path}: {exc.strerror or exc}") from exc
    if head[:4] != b"GGUF" or len(head) < 8:
        what = "an HTML page" if looks_like_html(head) else "not a GGUF file"
        raise IntegrityError(f"{path.name} is {what}", hint="remove it and pull the model again")


def load(path: Path, plan: RuntimePlan, *, n_ctx: int = 2048) -> LlamaModel:
    return LlamaModel(path, plan, n_ctx=n_ctx)
