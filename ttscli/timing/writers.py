"""SRT, WebVTT, JSON and JSON-lines output of word timings and cues."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import IO

from ..errors import UsageError
from .cues import Cue
from .model import TimedWord, sentences

FORMATS = ("srt", "vtt", "json")


def format_for(path: str | Path) -> str:
    """srt, vtt or json from the file name (UsageError for anything else)."""
    suffix = Path(str(path)).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise UsageError(f"subtitle file {path} must end in .srt, .vtt or .json",
                         hint="e.g. --subtitles out.srt")
    return suffix


def _clock(seconds: float, sep: str) -> str:
    ms = max(0, round(seconds * 1000))
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def srt(cues: Sequence[Cue]) -> str:
    blocks = [f"{i}\n{_clock(c.start, ',')} --> {_clock(c.end, ',')}\n" + "\n".join(_safe(c.lines))
              for i, c in enumerate(cues, 1)]
    return "\n\n".join(blocks) + ("\n" if blocks else "")


def vtt(cues: Sequence[Cue]) -> str:
    blocks = [f"{_clock(c.start, '.')} --> {_clock(c.end, '.')}\n" + "\n".join(_vtt_text(c.lines)) for c in cues]
    return "WEBVTT\n\n" + "\n\n".join(blocks) + ("\n" if blocks else "")


_ARROW = re.compile(r"-{2,}>")


def _safe(lines: Sequence[str]) -> list[str]:
    """No blank line inside a cue (it would end the cue) and no arrow that reads as a timing line: every
    run of two or more dashes before ">" becomes one arrow character (replacing "-->" by "->" turned the
    input's "--->" into "-->")."""
    return [_ARROW.sub("→", " ".join(line.split())) or "-" for line in lines]


def _vtt_text(lines: Sequence[str]) -> list[str]:
    return [line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") for line in _safe(lines)]


def document(words: Sequence[TimedWord], cues: Sequence[Cue], duration: float, source: str, **extra) -> dict:
    return {
        "source": source,  # "model": the model's own durations; "aligned": Whisper on the audio
        "duration": round(duration, 3),
        **extra,
        "words": [w.to_json() for w in words],
        "sentences": sentences(words),
        "cues": [{"start": c.start, "end": c.end, "text": "\n".join(c.lines)} for c in cues],
    }


def render(fmt: str, words: Sequence[TimedWord], cues: Sequence[Cue], duration: float, source: str,
           **extra) -> str:
    if fmt == "srt":
        return srt(cues)
    if fmt == "vtt":
        return vtt(cues)
    return json.dumps(document(words, cues, duration, source, **extra), ensure_ascii=False, indent=1) + "\n"


def write(path: Path, text: str) -> None:
    """Atomic write (a temp name, then a rename); one-line OutputError when it cannot be written."""
    from ..fsio import AtomicFile

    with AtomicFile(path, user_output=True) as atomic:
        atomic.tmp.write_text(text, encoding="utf-8")


def jsonl(out: IO[str], words: Sequence[TimedWord]) -> None:
    for word in words:
        out.write(json.dumps(word.to_json(), ensure_ascii=False) + "\n")
    out.flush()
