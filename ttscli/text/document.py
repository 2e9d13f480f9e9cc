"""The front end's intermediate form: paragraphs of spans, phonemes and pauses.

Plain text, Markdown and SSML are all parsed into this; normalization and
chunking then work on it without caring where it came from.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Union

from ..errors import BadInput

log = logging.getLogger(__name__)

MAX_PAUSE = 10.0  # seconds; longer pauses are cut to this with a warning


@dataclass(frozen=True)
class Span:
    """Written text to normalize."""

    text: str


@dataclass(frozen=True)
class SayAs:
    """SSML <say-as>: text with an explicit reading (characters, cardinal, date...)."""

    kind: str
    text: str
    format: str | None = None


@dataclass(frozen=True)
class Phonemes:
    """IPA that goes straight to the phonemizer."""

    ipa: str


@dataclass(frozen=True)
class Pause:
    seconds: float


@dataclass(frozen=True)
class SentenceBreak:
    """A sentence ends here even without punctuation (SSML <s>)."""


Item = Union[Span, SayAs, Phonemes, Pause, SentenceBreak]


@dataclass
class Paragraph:
    items: list[Item] = field(default_factory=list)
    heading: bool = False


PAUSE_MARK = re.compile(r"\[pause(?::\s*([^\]\n]{0,40}))?\]", re.I)
_DURATION = re.compile(r"^\s*(\d+(?:\.\d*)?|\.\d+)\s*(ms|s|sec|seconds?)?\s*$", re.I)
DEFAULT_PAUSE = 0.5


def duration(value: str | None, where: str) -> float:
    """'1.5', '1.5s', '500ms' → seconds, capped at MAX_PAUSE; anything else is BadInput."""
    if value is None or not value.strip():
        return DEFAULT_PAUSE
    m = _DURATION.match(value)
    if not m:
        raise BadInput(f"invalid pause length {value.strip()!r} {where}",
                       hint="write seconds or milliseconds, e.g. [pause:1.5] or <break time=\"500ms\"/>")
    seconds = float(m.group(1)) / (1000.0 if (m.group(2) or "").lower() == "ms" else 1.0)
    return cap(seconds, where)


def cap(seconds: float, where: str = "") -> float:
    if seconds > MAX_PAUSE:
        log.warning("pause of %.1f s %s shortened to %.0f s (the maximum)", seconds, where, MAX_PAUSE)
        return MAX_PAUSE
    return max(0.0, seconds)


def with_pauses(text: str, where: str = "") -> list[Item]:
    """Split ``[pause:1.5]`` marks out of a piece of text."""
    if "[" not in text or not PAUSE_MARK.search(text):
        return [Span(text)] if text else []
    items: list[Item] = []
    pos = 0
    for m in PAUSE_MARK.finditer(text):
        if m.start() > pos:
            items.append(Span(text[pos:m.start()]))
        items.append(Pause(duration(m.group(1), f"in {m.group()!r}{where}")))
        pos = m.end()
    if pos < len(text):
        items.append(Span(text[pos:]))
    return items
