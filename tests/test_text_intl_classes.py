"""German, French and Spanish front ends against tables of written text (tests/text_cases_*.py)."""

from __future__ import annotations

import pytest

from text_cases_de import CLASSES
from text_cases_romance import FRENCH, SPANISH
from ttscli.text import languages

DE_CASES = [(cls, w, s) for cls, rows in CLASSES.items() for w, s in rows]


@pytest.mark.parametrize("cls,written,spoken", DE_CASES, ids=[f"{c}:{w}" for c, w, _ in DE_CASES])
def test_german_table(cls, written, spoken):
    de = languages.normalizer_for("de")
    assert de.normalize(written) == spoken
    assert de.normalize(spoken) == spoken  # the spoken form is left alone


@pytest.mark.parametrize("lang,written,spoken", [("fr", w, s) for w, s in FRENCH] + [("es", w, s) for w, s in SPANISH])
def test_french_and_spanish_tables(lang, written, spoken):
    assert languages.normalizer_for(lang).normalize(written) == spoken
