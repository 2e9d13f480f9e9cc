"""Fit sentences to a backend's budget without ever dropping text.

Sentences that are too long are cut at clause punctuation, then at spaces,
then (a single "word" longer than the budget) at characters. Short sentences
are packed together for backends that take more than one sentence per call.
Each piece is measured once and groups are checked with one more measure, so
the work is linear in the text even with a phonemizer-backed measure.
"""

from __future__ import annotations

import re

from .segments import OPEN, PHONEME_BLOCK, Budget, has_markup, is_phonemes, markup_tokens, wrap_phonemes

_CLAUSE_END = re.compile(r"(?<=[,;:])\s+")
_SPEAKABLE = re.compile(r"\w|" + re.escape(OPEN))
TINY_CHARS = 12  # fragments shorter than this ("Yes.", "Oh!") join a neighbour when packing


def _clauses(text: str) -> list[str]:
    if not has_markup(text):
        return _CLAUSE_END.split(text)
    # Do not cut inside [[phonemes]]: split between tokens only.
    out, current = [], []
    for token in markup_tokens(text):
        current.append(token)
        if not is_phonemes(token) and token[-1] in ",;:":
            out.append(" ".join(current))
            current = []
    if current:
        out.append(" ".join(current))
    return out


def _hard_split(token: str, budget: Budget) -> list[str]:
    """A single token over the budget: phoneme blocks split at their spaces, words at characters."""
    limit = budget.max_units
    block = PHONEME_BLOCK.fullmatch(token)
    if block:
        inner = block.group(1).split()
        if len(inner) > 1:
            return _pack_pieces([wrap_phonemes(p) for p in inner], budget, level=2)
        wrap = wrap_phonemes
        body = block.group(1)
    else:
        wrap = lambda s: s  # noqa: E731
        body = token
    out, i = [], 0
    while i < len(body):
        size = max(1, min(len(body) - i, limit))
        while size > 1 and budget.units(wrap(body[i:i + size])) > limit:
            size = max(1, size * 3 // 4)
        out.append(wrap(body[i:i + size]))
        i += size
    return out


def fit(text: str, budget: Budget, level: int = 0) -> list[str]:
    """Pieces of ``text`` (one sentence), each within the budget; joined with
    spaces they give back ``text``."""
    if budget.units(text) <= budget.max_units:
        return [text]
    if level >= 2:
        return _hard_split(text, budget)
    pieces = _clauses(text) if level == 0 else markup_tokens(text)
    if len(pieces) <= 1:
        return fit(text, budget, level + 1)
    return _pack_pieces(pieces, budget, level + 1)


def _pack_pieces(pieces: list[str], budget: Budget, level: int) -> list[str]:
    """Greedy packing of pieces (each measured once); oversize pieces go one level finer."""
    limit = budget.max_units
    groups: list[list[str]] = []
    current: list[str] = []
    used = 0
    for piece in pieces:
        size = budget.units(piece)
        if size > limit:
            if current:
                groups.append(current)
                current, used = [], 0
            groups.extend([p] for p in fit(piece, budget, level))
            continue
        if current and used + 1 + size > limit:
            groups.append(current)
            current, used = [], 0
        used += size + (1 if current else 0)
        current.append(piece)
    if current:
        groups.append(current)
    return [chunk for group in groups for chunk in _verified(group, budget, level)]


def _verified(group: list[str], budget: Budget, level: int) -> list[str]:
    """Sums of piece sizes are estimates for a phoneme measure: check the joined group."""
    joined = " ".join(group)
    if budget.units(joined) <= budget.max_units:
        return [joined]
    if len(group) == 1:
        return fit(joined, budget, max(level, 2))
    half = len(group) // 2
    return _verified(group[:half], budget, level) + _verified(group[half:], budget, level)


def clause_groups(sentence: str, budget: Budget, first: bool = False) -> list[str]:
    """A sentence over ``budget.clause_units``: its clauses packed up to that size (a clause
    over it stays whole). Shorter sentences, or no clause bound: the sentence itself.
    ``first`` (the text's first sentence): its first clause goes alone, so audio starts sooner."""
    soft = budget.clause_units
    if not soft or budget.units(sentence) <= soft:
        return [sentence]
    groups: list[str] = []
    current: list[str] = []
    used = 0
    for clause in _clauses(sentence):
        size = budget.units(clause)
        if current and (used + 1 + size > soft or (first and not groups)):
            groups.append(" ".join(current))
            current, used = [], 0
        used += size + (1 if current else 0)
        current.append(clause)
    return groups + [" ".join(current)] if current else groups


def speakable(text: str) -> bool:
    return bool(_SPEAKABLE.search(text))


def chunk_sentences(sentences: list[str], budget: Budget, pack: bool, first: bool = False) -> list[tuple[str, bool]]:
    """(chunk, ends_a_sentence) for a run of sentences.

    Long sentences are cut to the budget. With ``pack``, consecutive sentences
    share a chunk up to the budget; otherwise only tiny fragments are merged
    (and, for per-sentence backends, only fragments with nothing to say, such as
    a lone "…"). ``first``: these are the text's first sentences (see :func:`clause_groups`).
    """
    merged: list[str] = []
    for sentence in sentences:
        if merged and not speakable(sentence):
            merged[-1] = f"{merged[-1]} {sentence}"
        elif merged and not speakable(merged[-1]):
            merged[-1] = f"{merged[-1]} {sentence}"
        else:
            merged.append(sentence)
    out: list[tuple[str, bool]] = []
    limit = budget.max_units
    for i, sentence in enumerate(merged):
        pieces = [p for group in clause_groups(sentence, budget, first and i == 0) for p in fit(group, budget)]
        if out and len(pieces) == 1 and out[-1][1] and budget.packs_sentences:
            prev = out[-1][0]
            tiny = len(prev) < TINY_CHARS or len(sentence) < TINY_CHARS
            if (pack or tiny) and budget.units(f"{prev} {sentence}") <= limit:
                out[-1] = (f"{prev} {sentence}", True)
                continue
        out.extend((p, i == len(pieces) - 1) for i, p in enumerate(pieces))
    return out


# Words a phrase starts with: a cut before one keeps the intonation of a phrase end, not a sentence end.
_PHRASE_STARTS = {
    "en": frozenset("and but or so because while when where which who that with without over under after before "
                    "into through across during since until unless although though whereas if".split()),
}
_WORD = re.compile(r"\S+")
MIN_HEAD_WORDS = 3
MIN_TAIL_WORDS = 2


def first_phrase(text: str, lang: str | None) -> tuple[str, str] | None:
    """(head, rest) of a sentence cut after its first phrase, so the head can be spoken while the
    rest is synthesized: at the first clause mark (``,;:``) after 2 words or more, or, for languages
    with a word list, before a conjunction or preposition after 3 words or more; 2 words stay after. None when
    the sentence has no such place (or holds ``[[phonemes]]``)."""
    if "[[" in text:
        return None
    words = [(m.start(), m.group()) for m in _WORD.finditer(text)]
    if len(words) < MIN_HEAD_WORDS + MIN_TAIL_WORDS:
        return None
    starts = _PHRASE_STARTS.get((lang or "").lower()[:2], frozenset())
    for i in range(2, len(words) - MIN_TAIL_WORDS + 1):
        previous, word = words[i - 1][1], words[i][1]
        if previous[-1] in ",;:" or (i >= MIN_HEAD_WORDS and word.lower().strip("\"'(") in starts):
            start = words[i][0]
            return text[:start].rstrip(), text[start:]
    return None
