"""The front end: text (plain, Markdown or SSML) → normalized segments with pauses.

    segments(text, budget, FrontEndOptions(lang="en-us")) → iterator of Segment

It is a generator over paragraphs, so the first sentence of a book is ready
(and can be spoken) before the rest is read, and the work is linear in the
text. Order per paragraph: lexicon → typography clean-up → language
normalization (outside [[phonemes]]) → sentences → chunks within the budget.

Pauses: ``sentence_silence`` after each sentence, ``paragraph_silence`` after
each paragraph; an explicit pause ([pause:1.5] or <break>) replaces the
sentence silence where it stands (at a paragraph end the longer one wins).
Pauses add up to at most 10 s. Nothing is silent after the last words except
an explicit trailing pause.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, fields, replace
from typing import Any, Iterable, Iterator

from ..errors import BadInput
from ..held_warnings import held
from . import cleanup, languages, scripts
from .chunking import chunk_sentences, speakable
from .document import MAX_PAUSE, Paragraph, Pause, Phonemes, SayAs, SentenceBreak, Span
from .options import TextOptions
from .segments import PHONEME_BLOCK, Budget, Segment, has_markup, runs, split_sentences, wrap_phonemes

log = logging.getLogger(__name__)

DEFAULT_PARAGRAPH_SILENCE = 0.5


@dataclass(frozen=True)
class FrontEndOptions(TextOptions):
    """What the caller asked (:class:`~ttscli.text.options.TextOptions`) plus what the model
    adds: the language to read in (resolved), tags it reads itself, and whether letters of other
    writing systems are dropped."""

    lang: str | None = "en-us"
    normalize: bool = True
    keep_tags: frozenset[str] = frozenset()  # inline tags the model reads itself (Orpheus' <laugh>)
    # Skip letters of other writing systems when ``lang`` is written in Latin (see text.scripts);
    # False for a model that also speaks a language in another script.
    drop_other_scripts: bool = True

    @classmethod
    def of(cls, asked: TextOptions, **model: Any) -> FrontEndOptions:
        """``asked`` with the model's part (``lang``, ``keep_tags``, ``drop_other_scripts``)."""
        return cls(**{**{f.name: getattr(asked, f.name) for f in fields(TextOptions)}, **model})

    @property
    def paragraph_pause(self) -> float:
        if self.paragraph_silence is not None:
            return self.paragraph_silence
        return max(self.sentence_silence, DEFAULT_PARAGRAPH_SILENCE)


def paragraphs(text: str, keep_tags: frozenset[str] = frozenset()) -> Iterator[Paragraph]:
    """SSML when the text starts with <speak>, else plain text/Markdown with [pause:N] marks."""
    from . import ssml

    if ssml.looks_like_ssml(text):
        yield from ssml.parse(text)
        return
    from .document import with_pauses
    from .markdown import blocks

    for block in blocks(text, keep_tags):
        yield Paragraph(with_pauses(block.text), heading=block.heading)


class _Normalizer:
    """Applies the lexicon, clean-up and the language's rules, keeping [[phonemes]] intact."""

    def __init__(self, options: FrontEndOptions):
        self.lexicon = options.lexicon
        self.enabled = options.normalize
        self.language = languages.normalizer_for(options.lang, options.date_order)
        self.lang = options.lang or "en-us"
        self.latin_only = options.drop_other_scripts and scripts.applies(options.lang)
        self.dropped: set[str] = set()

    def _unreadable(self, text: str) -> str:
        text, names = scripts.drop(text)
        for name in names:
            if name not in self.dropped:
                self.dropped.add(name)
                log.warning("text in %s script is skipped: this %s voice cannot read it (it would spell every "
                            "letter); use a model for that language", name, self.lang)
        return text

    def text(self, text: str, heading: bool) -> str:
        text = cleanup.clean(PHONEME_BLOCK.sub(_keep_spoken, text))  # [[ ]] says nothing
        if self.latin_only and not has_markup(text):
            text = self._unreadable(text)
        if self.lexicon:
            text = self.lexicon.apply(text)
        if not self.enabled:
            return cleanup.tidy(text)
        if not has_markup(text):
            return self.language.normalize(text, heading)
        # Blocks stand in the text as capitalised placeholder words while it is normalized,
        # so the rules see them as names ("Mr. [[ŋwˈɪn]]" is a title, not a sentence end).
        pieces = runs(text)
        blocks = [run.text for run in pieces if run.is_phonemes]
        keys = [_placeholder(i) for i in range(len(blocks))]
        it = iter(keys)
        spoken = self.language.normalize(PHONEME_BLOCK.sub(lambda m: next(it), text), heading)
        if all(spoken.count(k) == 1 for k in keys):
            for key, block in zip(keys, blocks):
                spoken = spoken.replace(key, wrap_phonemes(block))
            return spoken
        return " ".join(wrap_phonemes(run.text) if run.is_phonemes else self.language.normalize(run.text, heading)
                        for run in pieces)

    def say_as(self, item: SayAs, heading: bool) -> str:
        spoken = self.language.say_as(item.kind, item.text, item.format) if self.enabled else None
        if spoken is None:
            if self.enabled:
                shown = item.text if len(item.text) <= 60 else item.text[:57] + "..."
                log.warning(
                    "<say-as interpret-as=%r> cannot read %r in %s: read as ordinary text",
                    item.kind, shown, self.language.code)
            return self.text(item.text, heading)
        return spoken


def _keep_spoken(block: re.Match) -> str:
    return block.group(0) if block.group(1).strip() else " "


def _placeholder(index: int) -> str:
    letters = ""
    while True:
        index, rest = divmod(index, 26)
        letters += chr(ord("a") + rest)
        if not index:
            return f"Qxphonblock{letters}q"


def _runs(paragraph: Paragraph, norm: _Normalizer) -> Iterator[tuple[str, float | None, bool]]:
    """(normalized text, explicit pause after it or None, ends at a sentence break) per run."""
    parts: list[str] = []
    for item in paragraph.items:
        if isinstance(item, Span):
            parts.append(norm.text(item.text, paragraph.heading))
        elif isinstance(item, SayAs):
            parts.append(norm.say_as(item, paragraph.heading))
        elif isinstance(item, Phonemes):
            if item.ipa.strip():
                parts.append(wrap_phonemes(item.ipa.strip()))
        elif isinstance(item, Pause):
            yield _join(parts), item.seconds, False
            parts = []
        elif isinstance(item, SentenceBreak):
            if any(p.strip() for p in parts):
                yield _join(parts), None, True
            parts = []
    yield _join(parts), None, False


def _join(parts: list[str]) -> str:
    return cleanup.tidy(" ".join(parts)) if len(parts) > 1 else "".join(parts)


class _Emitter:
    """Holds back one segment so that pauses that follow can still be added to it."""

    def __init__(self, options: FrontEndOptions):
        self.options = options
        self.pending: Segment | None = None
        self.explicit = 0.0  # explicit pause seconds after the pending segment

    def push(self, segment: Segment) -> Iterator[Segment]:
        if self.pending is not None:
            yield self._final(self.pending)
        self.pending, self.explicit = segment, 0.0

    def pause(self, seconds: float) -> Iterator[Segment]:
        if self.pending is None:  # silence before any words
            self.pending, self.explicit = Segment("", 0.0), 0.0
        self.explicit = min(MAX_PAUSE, self.explicit + seconds)
        return iter(())

    def _final(self, seg: Segment) -> Segment:
        if self.explicit > 0:
            pause = max(self.explicit, seg.pause_after) if seg.paragraph_end else self.explicit
            return replace(seg, pause_after=min(MAX_PAUSE, pause))
        return seg

    def close(self) -> Iterator[Segment]:
        if self.pending is not None:
            yield replace(self.pending, pause_after=self.explicit)
            self.pending = None


def segments(text: str, budget: Budget, options: FrontEndOptions) -> Iterator[Segment]:
    """Normalized segments of ``text`` within ``budget`` (a generator; see the module doc)."""
    norm = _Normalizer(options)
    emit = _Emitter(options)
    pack = budget.packs_sentences and options.sentence_silence == 0
    spoken = False  # until the first words: their sentence's first clause is synthesized alone
    for paragraph in paragraphs(text, options.keep_tags):
        produced: list[Segment] = []
        for run_text, pause, sentence_break in _runs(paragraph, norm):
            chunks = chunk_sentences(split_sentences(run_text), budget, pack, not spoken) if run_text.strip() else []
            for i, (chunk, ends_sentence) in enumerate(chunks):
                last = i == len(chunks) - 1
                gap = options.sentence_silence if ends_sentence or (last and sentence_break) else 0.0
                if speakable(chunk):  # punctuation alone ("?!…") has nothing to say: a model would only click
                    # a sentence cut at clause punctuation for synthesis (not one cut at spaces to fit)
                    clause = chunk.rstrip().endswith((",", ";", ":"))
                    produced.append(Segment(chunk, gap, continues=clause and not gap and not ends_sentence and not last))
                    spoken = True
            if pause is not None:
                for seg in produced:
                    yield from emit.push(seg)
                produced = []
                yield from emit.pause(pause)
        if produced:
            produced[-1] = Segment(produced[-1].text, options.paragraph_pause, True)
            for seg in produced:
                yield from emit.push(seg)
        elif emit.pending is not None:
            emit.pending = replace(emit.pending, paragraph_end=True,
                                   pause_after=max(emit.pending.pause_after, options.paragraph_pause))
    yield from emit.close()


def prepare(text: str, budget: Budget, options: FrontEndOptions) -> Iterator[Segment]:
    """:func:`segments`, but BadInput up front when there is nothing to say.

    The first segment is computed here (so SSML errors surface before any
    output is opened); the rest stay lazy.
    """
    stream = segments(text, budget, options)
    with held():  # warnings about skipped text show only when something is left to say
        head: list[Segment] = []
        for seg in stream:
            head.append(seg)
            if not seg.is_silence:
                return _chain(head, stream)
        foreign = scripts.found(text) if options.drop_other_scripts and scripts.applies(options.lang) else []
        if foreign:
            raise BadInput(f"no text this {options.lang} voice can read: the input is in {', '.join(foreign)} "
                           "script", hint="choose a model for that language (see `ttscli list --available`)")
        raise BadInput("no text to speak: the input has no words (only punctuation, symbols, emoji or markup)",
                       hint="pass text as an argument, with -f FILE, or on stdin")


def _chain(head: Iterable[Segment], rest: Iterator[Segment]) -> Iterator[Segment]:
    yield from head
    yield from rest
