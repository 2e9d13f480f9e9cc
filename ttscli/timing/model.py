"""The timing data: spoken words (what the model said) and timed words of the input."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

from ..text.alignment import OriginalMap, Unit

_SENTENCE_END = re.compile(r"[.!?…。！？]['\"”’)\]»]*$")
_ABBREVIATION = re.compile(r"^(?:[A-Z][a-z]{0,3}|(?:[A-Za-z]\.)+[A-Za-z]?)\.$")


SEGMENT_END, PARAGRAPH_END = 1, 2


@dataclass(frozen=True)
class Spoken:
    """A word of the normalized text as said, ``start``..``end`` seconds."""

    word: str
    start: float
    end: float
    last: int = 0  # 1: the last word of a segment (a sentence or a piece of one); 2: of a paragraph

    def shifted(self, seconds: float) -> Spoken:
        return Spoken(self.word, round(self.start + seconds, 4), round(self.end + seconds, 4), self.last)


@dataclass(frozen=True)
class TimedWord:
    """Words of the input (``text``, characters ``char_start``..``char_end``) and when they are said.

    ``spoken``: their normalized reading ("$42.50" → "forty-two dollars and fifty cents").
    """

    text: str
    start: float
    end: float
    char_start: int
    char_end: int
    spoken: str
    sentence_end: bool = False

    def to_json(self) -> dict:
        return asdict(self)

    def shifted(self, seconds: float) -> TimedWord:
        return TimedWord(self.text, round(self.start + seconds, 4), round(self.end + seconds, 4),
                         self.char_start, self.char_end, self.spoken, self.sentence_end)


class Mapper:
    """Spoken words in order → :class:`TimedWord`s of ``original`` as they are settled."""

    def __init__(self, original: str):
        self.map = OriginalMap(original)
        self.spoken: list[Spoken] = []

    def feed(self, spoken: Iterable[Spoken]) -> list[TimedWord]:
        new = list(spoken)
        self.spoken += new
        return self._timed(self.map.feed([s.word for s in new]))

    def finish(self) -> list[TimedWord]:
        return self._timed(self.map.finish())

    def _timed(self, units: Sequence[Unit]) -> list[TimedWord]:
        out = []
        for unit in units:
            said = self.spoken[unit.first : unit.last]
            if not said:
                continue
            ends = said[-1].last == PARAGRAPH_END or (ends_sentence(unit.text) and (
                said[-1].last == SEGMENT_END or not _ABBREVIATION.match(unit.text.split()[-1])))
            out.append(TimedWord(unit.text, said[0].start, max(s.end for s in said), unit.start, unit.end,
                                 " ".join(s.word for s in said), ends))
        return out


def map_words(original: str, spoken: Iterable[Spoken]) -> list[TimedWord]:
    mapper = Mapper(original)
    return mapper.feed(spoken) + mapper.finish()


def ends_sentence(text: str) -> bool:
    return bool(_SENTENCE_END.search(text))


def sentences(words: Sequence[TimedWord]) -> list[dict]:
    """Sentences (split after words that end one) with their times and input offsets."""
    out: list[dict] = []
    current: list[TimedWord] = []
    for word in words:
        current.append(word)
        if word.sentence_end:
            out.append(_sentence(current))
            current = []
    if current:
        out.append(_sentence(current))
    return out


def _sentence(words: Sequence[TimedWord]) -> dict:
    start, end = words[0].char_start, words[-1].char_end
    text = " ".join(w.text for w in words)
    return {"text": text, "start": words[0].start, "end": words[-1].end, "char_start": start, "char_end": end}
