"""English number words are num2words' own, spelt without importing num2words (which loads every
language it has): the same words for every number the normalizer spells, in both styles."""

from __future__ import annotations

import random
import subprocess
import sys

import pytest
from num2words import num2words

from ttscli.text.en import words


def _numbers() -> list[int]:
    rng = random.Random(31)
    every = list(range(0, 12000))
    scaled = [k * 10 ** j for k in range(1, 1000) for j in range(13)]  # each group in each place
    spread = [rng.randrange(10 ** rng.randrange(4, 16)) for _ in range(4000)]
    edges = [10 ** j + d for j in range(3, 15) for d in (-1, 1, 50, 100, 101)]
    return sorted({n for n in every + scaled + spread + edges if n < 10 ** words.MAX_CARDINAL_DIGITS})


@pytest.mark.parametrize("british", [False, True])
def test_cardinals_and_ordinals_are_num2words_words(british):
    words.cardinal.cache_clear()
    words.ordinal.cache_clear()
    for n in _numbers():
        assert words.cardinal(n, british) == words._clean(num2words(n, lang="en"), british), n
        assert words.ordinal(n, british) == words._clean(num2words(n, lang="en", to="ordinal"), british), n
    for n in range(-2100, 0):
        assert words.cardinal(n, british) == words._clean(num2words(n, lang="en"), british), n


def test_years_are_num2words_years():
    words.year.cache_clear()
    for n in range(1, 10000):
        assert words.year(n) == words._clean(num2words(n, lang="en", to="year"), False).replace("oh-", "oh "), n
    assert words.year(1905) == "nineteen oh five" and words.year(2010) == "twenty ten"


def test_a_negative_ordinal_is_still_refused():
    with pytest.raises(TypeError):
        words.ordinal(-3)


def test_english_numbers_do_not_import_num2words():
    code = ("import sys; from ttscli import engine; from ttscli.request import Request; "
            "from ttscli.selection import select; "
            "segs = [s.text for s in engine.segments(Request('On May 5, 2024 I paid $12.50 for 3 of the 21st "
            "batch, 45% of 1,234 km.'), select(None, None, None))]; "
            "print('num2words' in sys.modules); print(' '.join(segs))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    imported, text = out.stdout.splitlines()
    assert imported == "False"
    assert "twenty twenty-four" in text and "twelve dollars and fifty cents" in text
    assert "twenty-first" in text and "one thousand two hundred thirty-four" in text
