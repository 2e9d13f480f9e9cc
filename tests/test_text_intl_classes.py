"""German, French, Spanish and Italian front ends against tables of written text (tests/text_cases_*.py)."""

from __future__ import annotations

import pytest

from text_cases_de import CLASSES
from text_cases_romance import FRENCH, ITALIAN, SPANISH
from ttscli.text import languages

DE_CASES = [(cls, w, s) for cls, rows in CLASSES.items() for w, s in rows]
ROMANCE_CASES = [(lang, cls, w, s) for lang, table in (("fr", FRENCH), ("es", SPANISH), ("it", ITALIAN))
                 for cls, rows in table.items() for w, s in rows]


@pytest.mark.parametrize("cls,written,spoken", DE_CASES, ids=[f"{c}:{w}" for c, w, _ in DE_CASES])
def test_german_table(cls, written, spoken):
    de = languages.normalizer_for("de")
    assert de.normalize(written) == spoken
    assert de.normalize(spoken) == spoken  # the spoken form is left alone


@pytest.mark.parametrize("lang,cls,written,spoken", ROMANCE_CASES, ids=[f"{lg}-{c}:{w}" for lg, c, w, _ in ROMANCE_CASES])
def test_romance_tables(lang, cls, written, spoken):
    norm = languages.normalizer_for(lang)
    assert norm.normalize(written) == spoken
    assert norm.normalize(spoken) == spoken  # the spoken form is left alone


def test_every_romance_class_has_cases():
    classes = {"cardinal", "ordinal", "decimal", "fraction", "money", "measure", "date", "time", "whitelist"}
    for table in (SPANISH, ITALIAN):
        assert classes | {"telephone", "electronic"} <= set(table)
        assert all(len(rows) >= 3 for rows in table.values())
    assert classes <= set(FRENCH)
