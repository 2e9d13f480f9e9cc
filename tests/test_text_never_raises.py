"""The text front end never raises an internal error (hardening class 3).

Numbers beyond Python's int/str conversion limit (4,300 digits) in every position
a rule reads them (plain, grouped, money, percent, ordinal, decade, range, SSML
<say-as>), amounts num2words cannot say in other languages, and arbitrary Unicode:
the front end reads them (digit by digit if need be) or refuses with BadInput
(exit 3); nothing else may escape. For English, no ASCII digit reaches a segment.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from support.fuzzing import fuzz
from ttscli.errors import BadInput
from ttscli.text.frontend import FrontEndOptions, segments
from ttscli.text.segments import Budget

LANGS = ["en-us", "en-gb", "es", "fr", "de", "it", "pt", "nl"]
FORMS = ["{n}", "${n}", "{n}%", "{n}th", "{n}s", "{n} km", "£{n}.50", "{n}-{n}", "12/{n}", "{n}/12/2020",
         "#{n}", "-{n}", "{n}º", "{n} €", "€ {n}", "{n},5 %", "{n}er", "1,{g}", "1.{d}", "{n}:30"]
SSML = ['<speak><say-as interpret-as="{k}">{n}</say-as></speak>']
KINDS = ["cardinal", "ordinal", "digits", "telephone", "date", "characters", "number"]


def _run(text: str, lang: str) -> str:
    try:
        return " ".join(s.text for s in segments(text, Budget("chars", 400), FrontEndOptions(lang=lang)))
    except BadInput:
        return ""


def _huge(digits: int) -> dict:
    return {"n": "9" * digits, "g": ",".join(["000"] * (digits // 3)), "d": "5" * digits}


@pytest.mark.parametrize("digits", [4301, 12000])
@pytest.mark.parametrize("form", FORMS + [s.replace("{k}", k) for s in SSML for k in KINDS])
def test_huge_numbers_in_every_position(form, digits):
    text = form.format(**_huge(digits))
    text = text if text.startswith("<speak>") else f"Total: {text} today."
    out = _run(text, "en-us")
    assert out and not re.search(r"[0-9]", out), out[:200]


@pytest.mark.parametrize("lang", LANGS)
def test_huge_amounts_in_every_language(lang):
    for form in FORMS:
        for digits in (16, 40, 400, 5000):
            _run(form.format(**_huge(digits)), lang)  # reads or BadInput; nothing else


NUMBERISH = st.text(alphabet=st.sampled_from(list("0123456789 .,:/-+$%€£#&()'°ºxkmsth\n")), max_size=30)
HUGE = st.integers(min_value=4290, max_value=9000).map(lambda n: "7" * n)


@fuzz(300)
@given(st.lists(st.one_of(st.text(max_size=40), NUMBERISH, HUGE, st.sampled_from(FORMS)), min_size=1, max_size=6),
       st.sampled_from(LANGS))
def test_arbitrary_text_and_huge_digit_runs_never_raise(pieces, lang):
    text = " ".join(p.format(**_huge(4400)) if "{" in p and "}" in p and p in FORMS else p for p in pieces)
    out = _run(text, lang)
    if lang.startswith("en"):
        assert not re.search(r"[0-9]", out), (text[:200], out[:200])


@fuzz(200)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
def test_arbitrary_unicode_never_raises(text):
    for lang in ("en-us", "de"):
        _run(text, lang)
