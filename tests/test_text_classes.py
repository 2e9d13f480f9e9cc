"""The English front end against a table per class of written text (tests/text_cases_en.py)."""

from __future__ import annotations

import re

import pytest

from text_cases_en import CLASSES, COUNTS_GB
from ttscli.text.en.normalizer import EnglishNormalizer

US = EnglishNormalizer("en-us")
GB = EnglishNormalizer("en-gb")
CASES = [(cls, w, s) for cls, rows in CLASSES.items() for w, s in rows]


@pytest.mark.parametrize("cls,written,spoken", CASES, ids=[f"{c}:{w}" for c, w, _ in CASES])
def test_class_table(cls, written, spoken):
    assert US.normalize(written) == spoken


@pytest.mark.parametrize("written,spoken", COUNTS_GB, ids=[w for w, _ in COUNTS_GB])
def test_british_counts_and_years(written, spoken):
    assert GB.normalize(written) == spoken


@pytest.mark.parametrize("cls,written,spoken", CASES, ids=[f"{c}:{w}" for c, w, _ in CASES])
def test_no_word_doubled_and_idempotent(cls, written, spoken):
    out = US.normalize(written)
    assert not re.search(r"\b(\w+) \1\b", out.lower()) or re.search(r"\b(\w+) \1\b", spoken.lower()), out
    assert US.normalize(out) == out


def test_docs_tables_are_rows_of_the_test_tables():
    """docs/text.md says every row of its English tables is asserted here: check that it is."""
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "docs" / "text.md").read_text()
    english = text[text.index("#### 1. "):text.index("`--lang en-gb` (or any English")]
    rows = re.findall(r"^\| `(.+?)` \| (.+?) \|$", english, re.M)
    known = {(w, s) for _, w, s in CASES}
    assert len(rows) > 60 and [r for r in rows if r not in known] == []
    counts = [int(n) for n in re.findall(r"^#### \d+\. .*\((\d+) cases in the tests\)$", english, re.M)]
    assert counts == [len(rows) for rows in CLASSES.values()]  # the headings, in the order of CLASSES
    assert f"{len(CASES)} cases in all" in text
