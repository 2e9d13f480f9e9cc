"""Batch progress on stderr: JSON lines (--json-progress), a rich bar on a terminal, or nothing."""

from __future__ import annotations

import json
import sys


class JsonProgress:
    """One JSON object per line on stderr: {"event": "chunk", ...}."""

    def __call__(self, event: str, **data) -> None:
        try:
            sys.stderr.write(json.dumps({"event": event, **data}, ensure_ascii=False) + "\n")
            sys.stderr.flush()
        except (OSError, ValueError):
            pass

    def close(self) -> None:
        pass


class QuietProgress(JsonProgress):
    def __call__(self, event: str, **data) -> None:
        pass


def _minutes(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}" if seconds >= 3600 \
        else f"{seconds // 60}:{seconds % 60:02d}"


class RichProgress(JsonProgress):
    """Chapter, chunks done/total, audio produced, RTF and ETA."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self._progress = Progress(TextColumn("{task.description}", style="bold"), BarColumn(), MofNCompleteColumn(),
                                  TextColumn("{task.fields[extra]}"), TimeRemainingColumn(),
                                  console=Console(stderr=True), transient=False)
        self._task = None

    def __call__(self, event: str, **data) -> None:
        progress = self._progress
        if event == "book":
            progress.start()
            self._task = progress.add_task(data["title"][:40], total=data["chunks"], extra="")
        elif event == "chunk" and self._task is not None:
            rtf = f", RTF {data['rtf']:.3f}" if data.get("rtf") else ""
            progress.update(self._task, completed=data["done"],
                            description=f"ch. {data['chapter']}: {data['title'][:28]}",
                            extra=f"{_minutes(data['audio_seconds'])} audio{rtf}")
        elif event == "mux":
            progress.console.print(f"ttscli: writing {data['path']}", style="dim", highlight=False)

    def close(self) -> None:
        self._progress.stop()


def make(json_lines: bool):
    if json_lines:
        return JsonProgress()
    try:
        tty = sys.stderr.isatty()
    except (AttributeError, ValueError):
        tty = False
    return RichProgress() if tty else QuietProgress()
