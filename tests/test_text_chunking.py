"""Sentence splitting and chunking: every word reaches a chunk, no chunk exceeds the budget."""

from __future__ import annotations

import random
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from ttscli.text.chunking import chunk_sentences, fit
from ttscli.text.frontend import FrontEndOptions, segments
from ttscli.text.segments import Budget, split_sentences

WORDS = ("river stone bright quiet window garden yellow morning travel letter silver forest people simple "
         "market winter number little orange pocket").split()


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_split_sentences_rules():
    assert split_sentences("One. Two! Three? Four… Five") == ["One.", "Two!", "Three?", "Four…", "Five"]
    assert split_sentences('"Hey!" he said. J. R. R. Tolkien wrote. The U.S. won.') == [
        '"Hey!" he said.', "J. R. R. Tolkien wrote.", "The U.S. won."]
    assert split_sentences("Say [[a. b. C]] now. Next") == ["Say [[a. b. C]] now.", "Next"]
    assert split_sentences("文です。次です。") == ["文です。", "次です。"]


def test_long_sentence_cut_at_clauses_then_words():
    budget = Budget("chars", 40)
    text = "first clause is here, second clause follows it, and a third one closes everything."
    assert fit(text, budget) == ["first clause is here,", "second clause follows it,",
                                 "and a third one closes everything."]
    words = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron"
    pieces = fit(words, Budget("chars", 20))
    assert all(len(p) <= 20 for p in pieces) and " ".join(pieces) == words


def test_single_giant_word_is_cut_at_characters():
    word = "x" * 1000
    pieces = fit(word, Budget("chars", 300))
    assert [len(p) for p in pieces] == [300, 300, 300, 100] and "".join(pieces) == word


def test_phoneme_block_kept_whole_or_split_at_spaces():
    assert fit("say [[a b c]] now", Budget("chars", 12)) == ["say", "[[a b c]]", "now"]
    pieces = fit("[[" + " ".join(["ab"] * 20) + "]]", Budget("chars", 20))
    assert all(len(p) <= 20 and p.startswith("[[") and p.endswith("]]") for p in pieces)


def _line(n_chars: int, seed: int = 0) -> str:
    rng = random.Random(seed)
    out, size = [], 0
    while size < n_chars:
        w = rng.choice(WORDS)
        out.append(w)
        size += len(w) + 1
    return " ".join(out)[:n_chars].rstrip()


def test_fifty_thousand_characters_without_punctuation_lose_nothing():
    line = _line(50_000)
    assert len(line) >= 49_990 and not re.search(r"[.,;:!?]", line)
    for budget in (Budget("sentence"), Budget("chars", 300), Budget("phonemes", 510)):
        segs = list(segments(line, budget, FrontEndOptions()))
        assert len(segs) > 50
        assert all(budget.units(s.text) <= budget.max_units for s in segs), budget
        assert [w for s in segs for w in s.text.split()] == line.split()
        assert all(s.pause_after == 0 for s in segs)


def test_phoneme_budget_with_a_real_phonemizer_measure():
    """A Kokoro-style measure: espeak-ng IPA symbols. The chunker must respect it exactly."""
    from ttscli.phonemize import espeak

    def measure(text: str) -> int:
        return sum(len(c.phonemes) + 1 for c in espeak.clauses(text, "en-us"))

    budget = Budget("phonemes", 120, measure=measure)
    text = _line(3000, seed=1) + ". Short one. And another, with a clause; and more words here."
    segs = list(segments(text, budget, FrontEndOptions()))
    assert all(measure(s.text) <= 120 for s in segs)
    assert squeeze(" ".join(s.text for s in segs)) == squeeze(text)


def test_packing_and_tiny_fragments():
    sentences = ["Yes.", "This is a longer sentence here.", "No.", "…", "Another sentence that is long."]
    # Per-sentence backend: only the unspeakable "…" joins its neighbour.
    assert chunk_sentences(sentences, Budget("sentence"), pack=False) == [
        ("Yes.", True), ("This is a longer sentence here.", True), ("No. …", True),
        ("Another sentence that is long.", True)]
    # Character budget with packing: sentences share chunks up to the budget.
    packed = chunk_sentences(sentences, Budget("chars", 60), pack=True)
    assert [c for c, _ in packed] == ["Yes. This is a longer sentence here. No. …",
                                      "Another sentence that is long."]
    # Without packing (a sentence silence is asked for), only tiny fragments join a neighbour.
    assert [c for c, _ in chunk_sentences(sentences, Budget("chars", 60), pack=False)] == [
        "Yes. This is a longer sentence here. No. …", "Another sentence that is long."]
    long_ones = ["This is a longer sentence here.", "Another sentence that is long."]
    assert [c for c, _ in chunk_sentences(long_ones, Budget("chars", 80), pack=False)] == long_ones


_TEXT = st.lists(st.sampled_from(list("abcdefgh ,;:.!?\n") + ["[[ab c]]", "xyzzy", "Q", " "]),
                 max_size=300).map("".join)


@settings(max_examples=150, deadline=None)
@given(text=_TEXT, limit=st.integers(min_value=10, max_value=120), kind=st.sampled_from(["chars", "phonemes"]))
def test_chunker_never_drops_and_never_exceeds(text, limit, kind):
    budget = Budget(kind, limit, measure=(lambda s: len(s) + s.count("a")) if kind == "phonemes" else None)
    sentences = split_sentences(text)
    assert squeeze(" ".join(sentences)) == squeeze(text)
    chunks = chunk_sentences(sentences, budget, pack=True)
    assert squeeze("".join(c for c, _ in chunks)) == squeeze(text)
    for chunk, _ in chunks:
        assert budget.units(chunk) <= limit or (chunk.startswith("[[") and chunk.count(" ") == 0), chunk


def test_clause_units_cut_long_sentences_at_clauses_only():
    budget = Budget("sentence", 150, clause_units=30)
    short = "Short, with a comma."
    assert chunk_sentences([short], budget, False) == [(short, True)]
    long = "The keeper climbed the narrow stairs, trimmed the wick, and watched the beam sweep across the dark water."
    pieces = [p for p, _ in chunk_sentences([long], budget, False)]
    assert pieces == ["The keeper climbed the narrow stairs,", "trimmed the wick,",
                      "and watched the beam sweep across the dark water."]  # over 30, but one clause: whole
    assert " ".join(pieces) == long
    no_commas = "word " * 40
    assert all(len(p) <= 150 for p, _ in chunk_sentences([no_commas.strip()], budget, False))


def test_first_sentence_gives_its_first_clause_alone():
    """The text's first sentence, when cut at clauses, starts with its first clause alone
    (first audio sooner); later sentences keep packed clause groups; nothing is lost."""
    budget = Budget("sentence", 150, clause_units=60)
    first = "The keeper, an old woman with careful hands, stayed awake through the night and fed the lamp."
    later = "She fed the lamp, wiped the salt from the glass, and counted the minutes between each turn."
    assert [p for p, _ in chunk_sentences([first, later], budget, False, first=True)] == [
        "The keeper,", "an old woman with careful hands,", "stayed awake through the night and fed the lamp.",
        "She fed the lamp, wiped the salt from the glass,", "and counted the minutes between each turn."]
    assert [p for p, _ in chunk_sentences([first], budget, False)][0] == "The keeper, an old woman with careful hands,"
    short = "Hello, there."  # not cut for synthesis: stays whole
    assert chunk_sentences([short], budget, False, first=True) == [(short, True)]
    text = f"[pause:1] {first} {later}"  # silence before the words: the first words still count as first
    segs = [s.text for s in segments(text, budget, FrontEndOptions(lang="en-us")) if not s.is_silence]
    assert segs[:2] == ["The keeper,", "an old woman with careful hands,"]
    assert segs[3] == "She fed the lamp, wiped the salt from the glass,"


def _dry_run(text: str, *args: str) -> tuple[str, int]:
    """(the budget line of `say --dry-run`, the number of segments it reports)."""
    from support.cli import invoke

    result = invoke("say", "--dry-run", *args, "--", text)
    err = result.stderr.decode()
    assert result.returncode == 0, err
    first, last = err.splitlines()[0], err.splitlines()[-1]
    return first, int(re.search(r"dry run: (\d+) segment", last).group(1))


def test_piper_budget_is_what_the_dry_run_says_and_what_it_does():
    """docs/text.md and the dry run state Piper's budget (60 characters per clause group, 150 per
    piece); the segments of real dry runs follow it."""
    from ttscli.families.piper.backend import PiperBackend

    budget = PiperBackend.budget
    assert (budget.kind, budget.clause_units, budget.max_units) == ("sentence", 60, 150)
    line, count = _dry_run("Short sentence here.")
    assert line.endswith(budget.describe()) and "past 60 characters" in line and "past 150" in line, line
    assert count == 1
    long_word_run = " ".join(random.Random(3).choice(WORDS) for _ in range(70)) + "."  # ~450 chars, no comma
    pieces = [p for p, _ in chunk_sentences([long_word_run], budget, pack=False, first=True)]
    assert len(pieces) >= 3 and max(map(len, pieces)) <= 150 and _dry_run(long_word_run)[1] == len(pieces)
    clauses = "One river, two stones, three bright windows, four quiet gardens, five yellow mornings."
    pieces = [p for p, _ in chunk_sentences([clauses], budget, pack=False, first=True)]
    assert len(clauses) > 60 and len(pieces) >= 3 and max(map(len, pieces)) <= 60
    assert _dry_run(clauses)[1] == len(pieces)


def test_docs_state_every_family_budget():
    """The chunking paragraph of docs/text.md names each family's numbers as the code has them."""
    from pathlib import Path

    from ttscli.families.neutts.backend import NeuTTSBackend
    from ttscli.families.orpheus.backend import OrpheusBackend
    from ttscli.families.piper.backend import PiperBackend
    from ttscli.families.pocket.backend import BUDGET as POCKET
    from ttscli.families.sherpa.backend import SherpaBackend
    from ttscli.families.styletts.backend import CLAUSE_TOKENS
    from ttscli.families.styletts.rules import CONTEXT

    text = (Path(__file__).resolve().parents[1] / "docs" / "text.md").read_text()
    para = " ".join(text[text.index("**Chunking.**"):].split("\n\n")[0].split())
    piper = PiperBackend.budget
    assert (f"Piper: one sentence per segment (one call); a sentence over {piper.clause_units} characters"
            in para and f"a piece over {piper.max_units} characters at spaces" in para), para
    assert f"sherpa-onnx: one sentence per segment, cut past {SherpaBackend.budget.max_units} characters" in para
    assert f"past {CLAUSE_TOKENS} phoneme tokens and at spaces past {CONTEXT - 2}" in para
    assert (f"up to {NeuTTSBackend.budget.max_units}, {OrpheusBackend.budget.max_units} and "
            f"{POCKET.max_units} characters") in para
