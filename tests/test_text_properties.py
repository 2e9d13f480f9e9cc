"""Property tests of the whole front end (hypothesis)."""

from __future__ import annotations

import re
from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ttscli.errors import BadInput
from ttscli.text.en.normalizer import EnglishNormalizer
from ttscli.text.frontend import FrontEndOptions, segments
from ttscli.text.segments import Budget

EN = EnglishNormalizer("en-us")
# Ordinary words: no abbreviations, units, month names, titles or Roman numerals among them.
VOCAB = ("the river runs past old stone houses where children play quietly after school while their "
         "parents talk about gardens weather prices travel plans books music friends and dinner").split()
NUMBERS = st.one_of(
    st.integers(0, 10**9).map(str),
    st.integers(1000, 10**9).map(lambda n: f"{n:,}"),
    st.floats(0, 1000, allow_nan=False).map(lambda f: f"{f:.2f}"),
    st.integers(1, 200).map(lambda n: f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"),
    st.integers(1, 9999).map(lambda n: f"${n}.{n % 100:02d}"),
    st.integers(0, 100).map(lambda n: f"{n}%"),
    st.integers(1, 500).map(lambda n: f"-{n}"),
)
JUNK = st.sampled_from([",", ".", "!", "?", ";", "“", "”", "’", "—", "…", "(", ")", "*", "\U0001F600", "\u200b",
                        "  ", "\n", "\n\n"])
TOKENS = st.lists(st.one_of(st.sampled_from(VOCAB), NUMBERS, JUNK), min_size=1, max_size=40)
DIGIT_WORDS = set("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
                  "sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety "
                  "hundred thousand million billion first second third point minus percent dollars dollar cents "
                  "cent".split())


def spoken_words(text: str) -> list[str]:
    return re.findall(r"[a-z]+", text.lower())


def front(text: str) -> str:
    return "".join(s.text + ("\n\n" if s.paragraph_end else " ") for s in segments(text, Budget(), FrontEndOptions()))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_never_raises_on_any_text(text):
    try:
        out = list(segments(text, Budget("chars", 80), FrontEndOptions()))
    except BadInput:  # a malformed [pause:…] or SSML document: a clean, documented error
        return
    for seg in out:
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", seg.text)
    EN.normalize(text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200), st.sampled_from(["de", "fr", "ja", "en-gb"]))
def test_never_raises_in_other_languages(text, lang):
    try:
        list(segments(text, Budget(), FrontEndOptions(lang=lang)))
    except BadInput:
        pass


@settings(max_examples=300, deadline=None)
@given(TOKENS)
def test_no_word_lost_and_every_number_spoken(tokens):
    text = " ".join(tokens)
    out = front(text)
    missing = Counter(w for t in tokens if t in VOCAB for w in [t]) - Counter(spoken_words(out))
    assert not missing, (text, out)
    assert not re.search(r"\d", out), (text, out)
    numbers = sum(1 for t in tokens if re.search(r"\d", t))
    assert sum(1 for w in spoken_words(out) if w in DIGIT_WORDS or w.endswith(("th", "ty", "teen"))) >= numbers


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(VOCAB), st.sampled_from([",", ".", "?", "!", "-"])), max_size=40))
def test_spoken_form_text_is_left_alone(tokens):
    text = " ".join(tokens)
    assert EN.normalize(text) == EN.normalize(EN.normalize(text))
    assert spoken_words(EN.normalize(text)) == spoken_words(text)


@settings(max_examples=300, deadline=None)
@given(TOKENS)
def test_normalizing_twice_is_normalizing_once(tokens):
    once = front(" ".join(tokens))
    assert front(once) == once
