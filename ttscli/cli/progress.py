"""Rendering pull progress on stderr: rich bars on a terminal; debug log lines otherwise
(so scripts see nothing but the result, or one error line; `--debug` shows each file)."""

from __future__ import annotations

import logging
import sys
import threading

from ..store.progress import PullProgress
from ..store.space import human
from .render import note_line

log = logging.getLogger("ttscli.pull")


class LineProgress(PullProgress):
    """For logs and pipes: one debug line per file, no bars."""

    def begin(self, model_id: str, files: list[tuple[str, int]], to_download: int) -> None:
        total = sum(size for _, size in files)
        log.debug("pulling %s: %d file(s), %s%s", model_id, len(files), human(total),
                  f", {human(to_download)} to download" if to_download else ", all cached")

    def file_end(self, name: str, size: int, status: str) -> None:
        log.debug("%s %s (%s), verified", status, name, human(size))

    def note(self, text: str) -> None:
        log.debug("%s", text)


class RichProgress(PullProgress):
    """A bar per file being transferred and one for the whole pull."""

    def __init__(self) -> None:
        self._progress = None
        self._total = None
        self._tasks: dict[str, int] = {}
        self._lock = threading.RLock()  # files are fetched in parallel threads

    def _start(self):
        with self._lock:
            return self._start_locked()

    def _start_locked(self):
        if self._progress is None:
            from rich.console import Console
            from rich.progress import (BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn,
                                       TransferSpeedColumn)

            self._progress = Progress(TextColumn("{task.description}", style="bold"), BarColumn(),
                                      DownloadColumn(), TransferSpeedColumn(), TimeRemainingColumn(),
                                      console=Console(stderr=True), transient=False)
            self._progress.start()
        return self._progress

    def begin(self, model_id: str, files: list[tuple[str, int]], to_download: int) -> None:
        progress = self._start()
        self._total = progress.add_task(f"{model_id} (total)", total=to_download or 1,
                                        completed=0 if to_download else 1)

    @staticmethod
    def _label(name: str) -> str:
        short = name.rsplit("/", 1)[-1]
        return short if len(short) <= 40 else "…" + short[-39:]

    def file_start(self, name: str, total: int | None, initial: int) -> None:
        with self._lock:
            progress = self._start()
            if name not in self._tasks:
                self._tasks[name] = progress.add_task(self._label(name), total=total, completed=initial)
            if self._total is not None and initial:
                progress.advance(self._total, initial)

    def file_advance(self, name: str, nbytes: int) -> None:
        if self._progress is None:
            return
        if name in self._tasks:
            self._progress.advance(self._tasks[name], nbytes)
        if self._total is not None:
            self._progress.advance(self._total, nbytes)

    def file_end(self, name: str, size: int, status: str) -> None:
        progress = self._start()
        if name in self._tasks:
            progress.update(self._tasks[name], completed=size, total=size,
                            description=self._label(name) + " ✓")
        else:
            progress.console.print(f"{status} {name} ({human(size)}), verified", style="dim")

    def note(self, text: str) -> None:
        if self._progress is not None:
            self._progress.console.print(f"ttscli: {text}", style="yellow", highlight=False)
        else:
            note_line(text)

    def end(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None


def make_progress() -> PullProgress:
    try:
        tty = sys.stderr.isatty()
    except (AttributeError, ValueError):
        tty = False
    return RichProgress() if tty else LineProgress()
