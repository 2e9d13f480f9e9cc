"""A call started in a thread now and collected later, its error raised in the caller.

`say` loads the model this way while the main thread prepares the text
(docs/performance.md, "First audio"). The thread is not a daemon: whoever starts
one collects it with :meth:`Background.result` or :meth:`Background.wait`, so no
thread outlives the command.
"""

from __future__ import annotations

import threading
from typing import Any, Callable, Generic, TypeVar

T = TypeVar("T")


class Background(Generic[T]):
    def __init__(self, fn: Callable[..., T], *args: Any, name: str = "ttscli-background", **kwargs: Any):
        self._value: T | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(fn, args, kwargs), name=name)
        self._thread.start()

    def _run(self, fn: Callable[..., T], args: tuple, kwargs: dict) -> None:
        try:
            self._value = fn(*args, **kwargs)
        except BaseException as exc:  # noqa: BLE001 - raised again in the caller's thread by result()
            self._error = exc

    def result(self) -> T:
        """Wait for the call; its value, or its exception raised here."""
        self._thread.join()
        error, self._error = self._error, None
        if error is not None:
            raise error
        return self._value  # type: ignore[return-value]

    def wait(self) -> None:
        """Wait for the call and drop its value or error (the caller is failing for another reason)."""
        self._thread.join()
        self._value = self._error = None
