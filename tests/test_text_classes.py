"""The English front end against a table per class of written text (tests/text_cases_en.py)."""

from __future__ import annotations

import re

import pytest

from text_cases_en import CLASSES
from ttscli.text.en.normalizer import EnglishNormalizer

US = EnglishNormalizer("en-us")
CASES = [(cls, w, s) for cls, rows in CLASSES.items() for w, s in rows]


@pytest.mark.parametrize("cls,written,spoken", CASES, ids=[f"{c}:{w}" for c, w, _ in CASES])
def test_class_table(cls, written, spoken):
    assert US.normalize(written) == spoken


@pytest.mark.parametrize("cls,written,spoken", CASES, ids=[f"{c}:{w}" for c, w, _ in CASES])
def test_no_word_doubled_and_idempotent(cls, written, spoken):
    out = US.normalize(written)
    assert not re.search(r"\b(\w+) \1\b", out.lower()) or re.search(r"\b(\w+) \1\b", spoken.lower()), out
    assert US.normalize(out) == out
