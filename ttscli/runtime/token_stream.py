"""Generated token ids handed from a llama.cpp thread to the audio decoder.

Kept apart from :mod:`ttscli.runtime.llama` so the threading lives in one small place.
"""

from __future__ import annotations

import queue
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Iterator, Protocol

from ..errors import RuntimeFailure, TtsError


class TokenSource(Protocol):
    """What the stream reads tokens from (:class:`ttscli.runtime.llama.LlamaModel`)."""

    def generate_ids(self, prompt: list[int], sampling: Any, seed: int) -> Iterator[int]: ...

    def is_eog(self, token: int) -> bool: ...


@dataclass
class GenerationStats:
    prompt_tokens: int = 0
    generated: int = 0
    stop_reason: str = ""  # "stop" (a stop id), "eog" (end-of-generation token), "length", "cancelled"
    first_token_s: float = 0.0
    seconds: float = 0.0

    @property
    def tokens_per_second(self) -> float:
        return self.generated / self.seconds if self.seconds > 0 else 0.0


_END = object()


@dataclass
class TokenStream:
    """Generated token ids, produced on a background thread into a bounded queue.

    Generation keeps running while the consumer decodes audio (llama.cpp releases
    the GIL), but never more than ``prefetch`` tokens ahead, so a consumer that
    stops early wastes little and the first audio is never held behind a full
    generation. Closing the stream (or leaving a ``for`` loop over it early)
    stops the producer and waits for it, so the model is free again.
    """

    model: TokenSource
    prompt: list[int]
    sampling: Any  # the model's sampler settings (llama.Sampling), passed through
    seed: int
    stop_ids: frozenset[int]
    max_tokens: int
    prefetch: int = 64
    stats: GenerationStats = field(default_factory=GenerationStats)

    def __post_init__(self) -> None:
        self._queue: queue.Queue = queue.Queue(maxsize=max(1, self.prefetch))
        self._cancel = threading.Event()
        self._thread: threading.Thread | None = None
        self._closed = False

    def _produce(self) -> None:
        started = time.perf_counter()
        try:
            for token in self.model.generate_ids(self.prompt, self.sampling, self.seed):
                if self._cancel.is_set():
                    self.stats.stop_reason = "cancelled"
                    break
                if self.stats.generated == 0:
                    self.stats.first_token_s = time.perf_counter() - started
                if token in self.stop_ids:
                    self.stats.stop_reason = "stop"
                    break
                if self.model.is_eog(token):
                    self.stats.stop_reason = "eog"
                    break
                self.stats.generated += 1
                self._put(token)
                if self.stats.generated >= self.max_tokens:
                    self.stats.stop_reason = "length"
                    break
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer thread
            self._put(exc)
        finally:
            self.stats.seconds = time.perf_counter() - started
            self._put(_END)

    def _put(self, item) -> None:
        while not self._cancel.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def __iter__(self) -> Iterator[int]:
        if self._thread is not None:
            raise RuntimeError("a TokenStream can be iterated once")
        self.stats.prompt_tokens = len(self.prompt)
        self._thread = threading.Thread(target=self._produce, name="ttscli-llama", daemon=True)
        self._thread.start()
        try:
            while True:
                item = self._queue.get()
                if item is _END:
                    return
                if isinstance(item, TtsError):
                    raise item
                if isinstance(item, BaseException):
                    raise RuntimeFailure(f"llama.cpp generation failed: {item}") from item
                yield item
        finally:
            self.close()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._cancel.set()
        if self._thread is not None:
            self._thread.join()
