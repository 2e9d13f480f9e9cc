"""Fuzzing the text front end: normalizer, script filter, SSML parser, chunker.

Properties (each would be a user-visible bug if broken):
* the English normalizer never raises on any Unicode text and leaves no ASCII
  digit behind (a digit reaching the phonemizer is read letter by letter or
  dropped, depending on the voice);
* for a Latin-script voice, no letter of another script reaches a segment
  (each would be spelled out as "Arabic letter …");
* the SSML parser raises nothing but BadInput on any document, malformed or
  mutated, and never expands entities;
* the front end never drops an ordinary word and never exceeds the budget,
  whatever the budget kind and size.
"""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from support.fuzzing import fuzz
from ttscli.errors import BadInput
from ttscli.text import scripts, ssml
from ttscli.text.chunking import chunk_sentences
from ttscli.text.en.normalizer import EnglishNormalizer
from ttscli.text.frontend import FrontEndOptions, segments
from ttscli.text.segments import Budget, split_sentences

EN = EnglishNormalizer("en-us")
WORDS = "river stone garden window morning quiet silver letter harbour meadow yellow planet".split()


@fuzz(400)
@given(st.text(max_size=80))
def test_normalizer_never_raises_and_leaves_no_digits(text):
    out = EN.normalize(text)
    assert not re.search(r"[0-9]", out), (text, out)


@fuzz(300)
@given(st.text(alphabet=st.sampled_from(list("0123456789 .,:/-+$%€£#&()'°xkmAMP\n")), max_size=40))
def test_number_like_ascii_is_always_spoken(text):
    assert not re.search(r"[0-9]", EN.normalize(text)), text


SCRIPT_SAMPLES = ["مرحبا", "שלום", "你好", "Привет", "こんにちは", "カタカナ", "안녕", "नमस्ते", "สวัสดี", "გამარჯობა"]


@fuzz(200)
@given(st.lists(st.one_of(st.sampled_from(WORDS), st.sampled_from(SCRIPT_SAMPLES), st.sampled_from([",", ".", " "])),
                min_size=1, max_size=30))
def test_latin_voice_gets_no_foreign_letters_and_keeps_latin_words(tokens):
    text = " ".join(tokens)
    try:
        out = list(segments(text, Budget("chars", 120), FrontEndOptions(lang="en-us")))
    except BadInput:
        assert not any(t in WORDS for t in tokens)
        return
    spoken = " ".join(s.text for s in out)
    assert scripts.found(spoken) == []
    assert re.findall(r"[a-z]+", spoken) == [t for t in tokens if t in WORDS]


TAGS = ["speak", "p", "s", "break", "say-as", "sub", "phoneme", "emphasis", "prosody", "voice", "b", "audio"]
ATTRS = ['time="500ms"', 'time="-1s"', 'time="1e99s"', 'strength="x-strong"', 'interpret-as="cardinal"',
         'interpret-as="date" format="dmy"', 'alias="x"', 'ph="həˈloʊ"', 'alphabet="x-sampa"', 'a="&amp;"',
         'time="NaNs"', 'time="infms"']
PIECES = st.one_of(
    st.builds(lambda t, a: f"<{t} {a}>", st.sampled_from(TAGS), st.sampled_from(ATTRS)),
    st.builds(lambda t: f"<{t}>", st.sampled_from(TAGS)),
    st.builds(lambda t: f"</{t}>", st.sampled_from(TAGS)),
    st.builds(lambda t, a: f"<{t} {a}/>", st.sampled_from(TAGS), st.sampled_from(ATTRS)),
    st.sampled_from(["&amp;", "&lt;", "&#65;", "&#x1F600;", "&bogus;", "&#0;", "<!-- c -->", "<![CDATA[x]]>",
                     "<?pi x?>", "<!DOCTYPE speak>", '<!ENTITY e "x">', "[pause:2]", "[pause:x]", "<", ">", "&"]),
    st.text(max_size=12),
)


@fuzz(400)
@given(st.lists(PIECES, max_size=25), st.booleans())
def test_ssml_parser_raises_only_bad_input(pieces, close):
    doc = "<speak>" + "".join(pieces) + ("</speak>" if close else "")
    try:
        paragraphs = ssml.parse(doc)
    except BadInput as exc:
        assert "\n" not in exc.one_line()
        return
    for para in paragraphs:
        for item in para.items:
            pause = getattr(item, "seconds", None)
            if pause is not None:
                assert 0 <= pause <= 10, doc  # capped, never negative, never NaN


VALID_SSML = ('<speak><p><s>It costs <say-as interpret-as="cardinal">42</say-as> dollars.</s>'
              '<break time="500ms"/><sub alias="World Wide Web">WWW</sub> and '
              '<phoneme alphabet="ipa" ph="təˈmeɪtoʊ">tomato</phoneme>.</s></p></speak>')


@fuzz(400)
@given(st.lists(st.tuples(st.integers(0, len(VALID_SSML)), st.integers(0, 3), st.characters()), max_size=6))
def test_mutated_ssml_raises_only_bad_input(edits):
    doc = VALID_SSML
    for pos, op, ch in edits:
        pos = min(pos, len(doc))
        doc = (doc[:pos] + ch + doc[pos:] if op == 0 else doc[:pos] + doc[pos + 1:] if op == 1
               else doc[:pos] + ch + doc[pos + 1:] if op == 2 else doc[:pos])
    try:
        list(segments(doc, Budget("chars", 100), FrontEndOptions()))
    except BadInput:
        pass


@fuzz(300)
@given(words=st.lists(st.sampled_from(WORDS), min_size=1, max_size=120),
       seps=st.lists(st.sampled_from([" ", " ", " ", ", ", ". ", "; ", "! ", "\n", "\n\n", " — "]), min_size=120,
                     max_size=120),
       kind=st.sampled_from(["sentence", "chars", "phonemes"]), limit=st.integers(8, 300))
def test_front_end_never_drops_words_nor_exceeds_budget(words, seps, kind, limit):
    text = "".join(w + s for w, s in zip(words, seps))
    budget = Budget(kind, limit)
    out = list(segments(text, budget, FrontEndOptions()))
    spoken = [w for seg in out for w in re.findall(r"[a-z]+", seg.text)]
    assert spoken == words
    for seg in out:
        assert budget.units(seg.text) <= budget.max_units or " " not in seg.text.strip(), seg.text


@fuzz(300)
@given(st.lists(st.text(min_size=1, max_size=30), min_size=1, max_size=20), st.integers(5, 100),
       st.sampled_from(["chars", "phonemes"]), st.booleans())
def test_chunker_on_any_unicode(sentences, limit, kind, pack):
    budget = Budget(kind, limit)
    chunks = chunk_sentences(sentences, budget, pack)
    assert "".join("".join(c.split()) for c, _ in chunks) == "".join("".join(s.split()) for s in sentences)
    for chunk, _ in chunks:
        assert budget.units(chunk) <= budget.max_units or len(chunk.split()) <= 1 or "[[" in chunk, chunk


@fuzz(200)
@given(st.text(max_size=200))
def test_split_sentences_loses_nothing(text):
    squeeze = lambda s: "".join(s.split())  # noqa: E731
    assert squeeze(" ".join(split_sentences(text))) == squeeze(text)
