"""Plain text and Markdown → paragraphs, with Markdown syntax stripped.

Lines are read one at a time, so a 1 MB book streams paragraph by paragraph.
Headings, list items and table rows become sentences of their own; emphasis,
links, images, code spans, HTML tags and escapes lose their syntax but keep
their words (a link keeps its text, an image its alt text). HTML tags named
like SSML tags draw a warning: SSML is only read inside <speak>…</speak>.
"""

from __future__ import annotations

import html
import logging
import re
from dataclasses import dataclass
from typing import Iterator

from .lazy_re import lazy

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Block:
    """One paragraph of plain text; heading=True for headings (Roman numerals read as numbers)."""

    text: str
    heading: bool = False


_ATX = lazy(r"^\s{0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_SETEXT = lazy(r"^\s{0,3}(=+|-+)\s*$")
_RULE = lazy(r"^\s{0,3}([-*_])(?:\s*\1){2,}\s*$")
_FENCE = lazy(r"^\s{0,3}(```+|~~~+)")
_QUOTE = lazy(r"^\s{0,3}(?:>\s?)+")
_BULLET = lazy(r"^\s*[-*+•‣◦▪]\s+")
_NUMBERED = lazy(r"^\s*\d{1,3}[.)]\s+")
_TABLE_SEP = lazy(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)+\|?\s*$")
_TABLE_ROW = lazy(r"^\s*\|(.*)\|\s*$")
_LINK_DEF = lazy(r"^\s{0,3}\[[^\]]+\]:\s+\S+")
_TERMINAL = ".!?…:;"

_IMAGE = lazy(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = lazy(r"\[([^\[\]]+)\]\([^)\s]*(?:\s+\"[^\"]*\")?\)")
_REF_LINK = lazy(r"\[(?!pause:|\[)([^\[\]]+)\]\[[^\[\]]*\]")
_AUTOLINK = lazy(r"<((?:https?|ftp)://[^>\s]+|[^>\s@]+@[^>\s]+)>")
_FOOTNOTE = lazy(r"\[\^[^\]]+\]")
_CODE = lazy(r"(`+)(.+?)\1")
_STRONG = lazy(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EM = lazy(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])|(?<![\w_])_(?=\S)(.+?)(?<=\S)_(?![\w_])")
_STRIKE = lazy(r"~~(.+?)~~")
_ESCAPE = lazy(r"\\([\\`*_{}\[\]()#+\-.!|>~])")
_COMMENT = lazy(r"<!--.*?-->")
_TAG = lazy(r"</?([A-Za-z][\w:-]*)(?:\s[^<>]*)?/?>")
_STARS = lazy(r"(?<!\d)\s?\*+\s?(?!\d)")
_ENTITY = lazy(r"&(?:[A-Za-z]{2,8}|#\d{1,7}|#x[0-9A-Fa-f]{1,6});")
SSML_TAGS = {"speak", "break", "say-as", "sub", "phoneme", "prosody", "emphasis", "voice", "audio", "mark",
             "p", "s", "lang", "w", "lexicon"}


def _tag(m: re.Match, seen: set[str], keep: frozenset[str] = frozenset()) -> str:
    name = m.group(1).lower()
    if name in keep:  # a tag the model reads itself (Orpheus' <laugh>)
        return m.group(0)
    if name not in seen:
        seen.add(name)
        if name in SSML_TAGS:
            log.warning("markup tag <%s> ignored: SSML is read only inside <speak>…</speak>", name)
        else:
            log.debug("HTML tag <%s> stripped", name)
    return " " if name in ("br", "p", "div", "li") else ""


def inline(line: str, seen: set[str], keep: frozenset[str] = frozenset()) -> str:
    """Strip inline Markdown/HTML syntax from one line, keeping every word."""
    if "<" in line:
        line = _COMMENT.sub("", line)
        line = _AUTOLINK.sub(r"\1", line)
        line = _TAG.sub(lambda m: _tag(m, seen, keep), line)
    if "[" in line:
        line = _IMAGE.sub(r"\1", line)
        line = _LINK.sub(r"\1", line)
        line = _REF_LINK.sub(r"\1", line)
        line = _FOOTNOTE.sub("", line)
    if "`" in line:
        line = _CODE.sub(lambda m: m.group(2).strip(), line)
    if "*" in line or "_" in line:
        line = _STRONG.sub(r"\2", line)
        line = _EM.sub(lambda m: m.group(1) or m.group(2), line)
        line = _STARS.sub(" ", line)
    if "~" in line:
        line = _STRIKE.sub(r"\1", line)
    if "\\" in line:
        line = _ESCAPE.sub(r"\1", line)
    if "&" in line:
        line = _ENTITY.sub(lambda m: html.unescape(m.group()), line)
    return line


def _closed(text: str) -> str:
    """End a list item, table row or heading with a full stop unless it has punctuation."""
    stripped = text.rstrip()
    return stripped if not stripped or stripped[-1] in _TERMINAL or stripped.endswith(("\"", "'", ")")) \
        else stripped + "."


class _BlockReader:
    """The state of :func:`blocks` between lines: the paragraph so far, an open code fence,
    whether the last line was a list item or table row."""

    def __init__(self, keep: frozenset[str]):
        self.keep = keep
        self.seen: set[str] = set()
        self.lines: list[str] = []
        self.fence: str | None = None
        self.last_was_item = False

    def flush(self) -> Iterator[Block]:
        lines = self.lines
        if lines:
            # A short single line without end punctuation ("IV", "CHAPTER TWO") reads as a heading.
            title = len(lines) == 1 and len(lines[0]) <= 80 and lines[0][-1:] not in _TERMINAL
            joined = " ".join(lines).strip()
            lines.clear()
            if joined:
                yield Block(joined, heading=title)

    def line(self, raw: str) -> Iterator[Block]:
        if self.fence is not None:
            yield from self._fenced(raw)
        elif not raw.strip():
            yield from self.flush()
        else:
            structure = self._structure(raw)
            if structure is None:
                yield from self._content(raw)
            else:
                yield from structure

    def _fenced(self, raw: str) -> Iterator[Block]:
        if raw.strip().startswith(self.fence):
            self.fence = None
            yield from self.flush()
        elif raw.strip():
            self.lines.append(_closed(raw.strip()))

    def _structure(self, raw: str) -> Iterator[Block] | None:
        """The blocks of a fence, heading or rule line, or None for a line of content."""
        fence_match = _FENCE.match(raw) if ("`" in raw or "~" in raw) else None
        if fence_match:
            self.fence = fence_match.group(1)
            return self.flush()
        heading = _ATX.match(raw) if "#" in raw else None
        if heading:
            return self._heading(heading.group(2))
        if len(self.lines) == 1 and raw.lstrip()[:1] in ("=", "-") and _SETEXT.match(raw):
            return iter((Block(_closed(self.lines.pop()), heading=True),))
        if raw.lstrip()[:1] in ("-", "*", "_", "|", ":", "[") and (
                _RULE.match(raw) or _TABLE_SEP.match(raw) or _LINK_DEF.match(raw)):
            return self.flush()
        return None

    def _heading(self, text: str) -> Iterator[Block]:
        yield from self.flush()
        title = inline(text, self.seen, self.keep).strip()
        if title:
            yield Block(_closed(title), heading=True)

    def _content(self, raw: str) -> Iterator[Block]:
        seen, keep = self.seen, self.keep
        line = _QUOTE.sub("", raw) if ">" in raw else raw
        row = _TABLE_ROW.match(line) if "|" in line else None
        first = line.lstrip()[:1]
        if row:  # each table row and list item is a paragraph of its own
            yield from self.flush()
            cells = [inline(c, seen, keep).strip() for c in row.group(1).split("|")]
            line = _closed(", ".join(c for c in cells if c))
            self.last_was_item = True
        elif (first in "-*+•‣◦▪" or first.isdigit()) and (_BULLET.match(line) or _NUMBERED.match(line)):
            yield from self.flush()
            line = inline(_BULLET.sub("", line), seen, keep)
            self.last_was_item = True
        else:
            if self.last_was_item and self.lines and not raw[:1].isspace():
                yield from self.flush()  # text after a list, not a wrapped item
            self.last_was_item = False
            line = inline(line, seen, keep)
        if line.strip():
            self.lines.append(line.strip())


def blocks(text: str, keep: frozenset[str] = frozenset()) -> Iterator[Block]:
    """Paragraphs (blank-line separated) with Markdown block syntax removed (tags named in
    ``keep`` stay)."""
    reader = _BlockReader(keep)
    for raw in text.split("\n"):
        yield from reader.line(raw)
    yield from reader.flush()
