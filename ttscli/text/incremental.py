"""Text that arrives in pieces → sentences that can be spoken now.

    stream = SentenceStream("en-us")
    for piece in pieces:                  # an assistant's answer while it is written
        for sentence in stream.feed(piece):
            speak(sentence)
    for sentence in stream.flush():       # the text has ended: the rest
        speak(sentence)

A sentence is released once the text after it shows that it has ended, by the front end's
own rules: :func:`~ttscli.text.segments.split_sentences` applied to the text as the
language's normalizer reads it. So "Dr. Smith", "J. R. R. Tolkien", '"Hey!" he said' and
"5 p.m. today" do not end a sentence, and a full stop waits for the first letters of the
next word before it counts. A blank line, a Markdown list item or heading on a new line
end a paragraph (``Sentence.paragraph_end``). Text inside ``[[phonemes]]`` is never cut,
SSML (``<speak>``) is held whole until :meth:`SentenceStream.flush`, and a sentence that
grows past ``max_chars`` without ending is cut at its last clause mark (``,;:``), else at
a space, so a run-on answer still starts to speak.

What is released is the raw text, for the caller's front end (normalization, Markdown,
``[[phonemes]]``) to read, each piece on its own.
"""

from __future__ import annotations

import re

from . import cleanup, languages
from .segments import PHONEME_BLOCK, split_sentences

_BOUNDARY = re.compile(r"[.!?…]+[\"')\]”’»]*(?=\s|$)|[。！？]+[」』）]*")
_NEXT_WORD = re.compile(r"\s*(\S+)")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
# A line that starts a Markdown block of its own: bullet, numbered item, heading, quote, table row, fence.
_BLOCK_LINE = re.compile(r"\n(?=[ \t]*(?:[-*+•]\s|\d{1,3}[.)]\s|#{1,6}\s|>|\||```|~~~))")
_HEADING_LINE = re.compile(r"\A[ \t]*#{1,6}\s[^\n]*\n")
_LIST_MARKER = re.compile(r"\A\s*(?:[-*+•]|\d{1,3}[.)]|#{1,6})\s+")
_CLAUSE = re.compile(r"[,;:]\s")
_SSML = re.compile(r"\A\s*<(?:speak|\?xml)\b")
MAX_CHARS = 400


class Sentence(str):
    """Text ready to speak; ``paragraph_end`` when a paragraph (or a Markdown block) ends with it."""

    paragraph_end: bool

    def __new__(cls, text: str, paragraph_end: bool = False) -> Sentence:
        self = super().__new__(cls, text)
        self.paragraph_end = paragraph_end
        return self


class SentenceStream:
    """Feed text as it arrives; get back the sentences it has completed (see the module doc)."""

    def __init__(self, lang: str | None = "en-us", max_chars: int = MAX_CHARS):
        self.lang = lang or "en-us"
        self.max_chars = max(40, max_chars)
        self._buffer = ""
        self._rejected: set[int] = set()  # offsets in the buffer already found not to end a sentence
        self._normalizer = None

    @property
    def pending(self) -> str:
        """Text received and not yet released."""
        return self._buffer

    def feed(self, text: str) -> list[Sentence]:
        """Add ``text``; return the sentences it completes (often none)."""
        if not text:
            return []
        self._buffer += text
        return self._release(final=False)

    def flush(self) -> list[Sentence]:
        """The text has ended: everything not yet released (the last one ends a paragraph)."""
        return self._release(final=True)

    # ---- internals
    def _release(self, final: bool) -> list[Sentence]:
        out: list[Sentence] = []
        while self._buffer:
            if _SSML.match(self._buffer):
                break  # SSML is parsed whole
            block = self._block_end()
            end = self._sentence_end(block[0] if block else None)
            if end is not None:
                self._take(out, end, end, paragraph_end=False)
            elif block is not None:
                self._take(out, *block, paragraph_end=True)
            elif (end := self._overlong()) is not None:
                self._take(out, end, end, paragraph_end=False)
            else:
                break
        if final:
            if self._buffer.strip():
                out.append(Sentence(self._buffer.strip(), True))
            self._buffer = ""
            self._rejected.clear()
        return out

    def _take(self, out: list[Sentence], end: int, rest: int, paragraph_end: bool) -> None:
        piece = self._buffer[:end].strip()
        if piece:
            out.append(Sentence(piece, paragraph_end))
        elif paragraph_end and out:
            out[-1].paragraph_end = True
        rest += len(self._buffer[rest:]) - len(self._buffer[rest:].lstrip())
        self._buffer = self._buffer[rest:]
        self._rejected = {i - rest for i in self._rejected if i > rest}

    def _block_end(self) -> tuple[int, int] | None:
        """(end of the text, start of the rest) at the first paragraph or Markdown block break."""
        text = self._buffer
        found = [m for m in (_BLANK_LINE.search(text), _BLOCK_LINE.search(text, 1)) if m]
        heading = _HEADING_LINE.match(text)
        if heading:
            found.append(heading)
        if not found:
            return None
        first = min(found, key=lambda m: m.end())
        return (first.end(), first.end()) if first is heading else (first.start(), first.end())

    def _region(self) -> str:
        """The buffer up to an unclosed ``[[`` (nothing inside phonemes is cut)."""
        text = self._buffer
        opened = text.rfind("[[")
        if opened >= 0 and text.find("]]", opened) < 0:
            return text[:opened]
        return text

    def _sentence_end(self, limit: int | None) -> int | None:
        """The end of the first complete sentence before ``limit`` (a block's end), if any."""
        text = self._region()[:limit]
        marker = _LIST_MARKER.match(text)
        skip = marker.end() if marker else 0
        for m in _BOUNDARY.finditer(text):
            end = m.end()
            if end <= skip or end in self._rejected or _inside_phonemes(text, m.start()):
                continue
            word = _NEXT_WORD.match(text, end)
            if word is None:
                return None  # the next word has not arrived yet
            if self._ends(text[:end], word.group(1)):
                return end
            self._rejected.add(end)
        return None

    def _ends(self, head: str, word: str) -> bool:
        """Does the front end end a sentence between ``head`` and the next ``word``?"""
        if self._normalizer is None:
            self._normalizer = languages.normalizer_for(self.lang, None)
        before = len(split_sentences(self._spoken(head)))
        return len(split_sentences(self._spoken(f"{head} {word}"))) > before

    def _spoken(self, text: str) -> str:
        text = PHONEME_BLOCK.sub(" Phonemes ", cleanup.clean(text))  # a capitalised name stands in for IPA
        return self._normalizer.normalize(text)

    def _overlong(self) -> int | None:
        """A cut for a sentence longer than ``max_chars``: after its last clause mark, else at a space."""
        text = self._region()
        if len(text) <= self.max_chars:
            return None
        window = text[: self.max_chars]
        clauses = [m.end() for m in _CLAUSE.finditer(window) if not _inside_phonemes(window, m.start())]
        if clauses and clauses[-1] > self.max_chars // 4:
            return clauses[-1]
        space = window.rfind(" ")
        return space if space > 0 and not _inside_phonemes(window, space) else None


def _inside_phonemes(text: str, index: int) -> bool:
    return "[[" in text and any(m.start() < index < m.end() for m in PHONEME_BLOCK.finditer(text))
