"""How a pull reports what it does. The store calls these hooks; the CLI renders them
(rich bars on a terminal, one line per file otherwise). The base class is silent."""

from __future__ import annotations


class Cancelled(Exception):
    """Raised inside a transfer when another file of the pull failed or the user interrupted."""


class PullProgress:
    def begin(self, model_id: str, files: list[tuple[str, int]], to_download: int) -> None:
        """``files``: (name, size) of every file; ``to_download``: bytes not yet on disk."""

    def file_start(self, name: str, total: int | None, initial: int) -> None:
        """An HTTP transfer starts (``initial`` > 0 when resuming a partial download)."""

    def file_advance(self, name: str, nbytes: int) -> None:
        """``nbytes`` more received (negative if the server forced a restart)."""

    def file_end(self, name: str, size: int, status: str) -> None:
        """``status``: "downloaded", "cached" (already on disk, verified) or "resumed"."""

    def note(self, text: str) -> None:
        """A one-line message (waiting for a lock, a damaged cache file replaced, ...)."""

    def end(self) -> None:
        """The pull finished or failed; release the display."""


def tqdm_adapter(progress: PullProgress, name: str, cancel=None) -> type:
    """A tqdm-compatible class for huggingface_hub's downloader that feeds ``progress``.

    huggingface_hub instantiates it once per HTTP transfer with ``total`` and
    ``initial`` and calls ``update(n)`` per chunk (and ``update(-k)`` if it must
    restart a transfer that the server refused to resume). When ``cancel`` (a
    threading.Event) is set, the next update aborts the transfer; the partial file
    stays for the next pull to resume.
    """

    class _Bar:
        def __init__(self, *args, total: int | None = None, initial: int = 0, **kwargs):
            self.n = initial
            self.total = total
            progress.file_start(name, total, initial)

        def __enter__(self) -> "_Bar":
            return self

        def __exit__(self, *exc) -> bool:
            return False

        def update(self, n: int = 1) -> None:
            if cancel is not None and cancel.is_set():
                raise Cancelled(name)
            self.n += n
            progress.file_advance(name, n)

        def close(self) -> None:
            pass

    return _Bar
