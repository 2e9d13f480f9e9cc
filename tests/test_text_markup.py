"""Markdown stripping, [pause:N] marks, the SSML subset, pauses and the lexicon."""

from __future__ import annotations

import logging

import pytest

from ttscli.errors import BadInput
from ttscli.text import lexicon as lexicon_mod
from ttscli.text.frontend import FrontEndOptions, segments
from ttscli.text.segments import Budget


def segs(text, **kw):
    return list(segments(text, Budget(), FrontEndOptions(**kw)))


def texts(text, **kw):
    return [s.text for s in segs(text, **kw)]


# --- Markdown ---------------------------------------------------------------------

def test_markdown_syntax_is_stripped_words_kept():
    md = ("# Title\n\nSome **bold** and *italic* and `code` and [a link](http://x.org) and "
          "![a cat](cat.png) and ~~gone~~ text.\n\n- first item\n- second item\n\n> quoted words\n\n"
          "| a | b |\n|---|---|\n| one | two |\n\n---\n\n```\nx = 1\n```\n")
    assert texts(md) == ["Title.", "Some bold and italic and code and a link and a cat and gone text.",
                         "first item", "second item", "quoted words", "a, b.", "one, two.", "x equals one."]


def test_setext_heading_and_html_tags(caplog):
    with caplog.at_level(logging.DEBUG, logger="ttscli"):
        assert texts("Part II\n=======\n\nA <b>bold</b> word &amp; more.") == ["Part two.", "A bold word and more."]
    assert any("<b>" in r.getMessage() for r in caplog.records)


def test_ssml_tag_in_plain_text_warns(caplog):
    with caplog.at_level(logging.WARNING, logger="ttscli"):
        assert texts('Hello <break time="1s"/> world.') == ["Hello world."]
    assert any("<break>" in r.getMessage() and "<speak>" in r.getMessage() for r in caplog.records)


# --- pauses -------------------------------------------------------------------------

def test_pause_mark_splits_and_pauses():
    out = segs("One two. [pause:1.5] Three four.")
    assert [(s.text, s.pause_after) for s in out] == [("One two.", 1.5), ("Three four.", 0.0)]


@pytest.mark.parametrize("mark,seconds", [("[pause:500ms]", 0.5), ("[pause:2s]", 2.0), ("[pause]", 0.5),
                                          ("[PAUSE: 0.25]", 0.25)])
def test_pause_units(mark, seconds):
    assert segs(f"A b. {mark} C d.")[0].pause_after == seconds


def test_pauses_capped_at_ten_seconds(caplog):
    with caplog.at_level(logging.WARNING, logger="ttscli"):
        assert segs("A b. [pause:60] C d.")[0].pause_after == 10.0
    assert any("shortened" in r.getMessage() for r in caplog.records)
    assert segs("A b. [pause:8] [pause:8] C d.")[0].pause_after == 10.0


def test_bad_pause_is_bad_input():
    with pytest.raises(BadInput, match="pause length"):
        segs("A [pause:soon] b.")


def test_sentence_and_paragraph_silence():
    out = segs("One. Two.\n\nThree.", sentence_silence=0.3, paragraph_silence=1.2)
    assert [(s.text, s.pause_after, s.paragraph_end) for s in out] == [
        ("One.", 0.3, False), ("Two.", 1.2, True), ("Three.", 0.0, True)]
    # Default paragraph silence: 0.5 s, or the sentence silence if longer.
    assert segs("A.\n\nB.")[0].pause_after == 0.5
    assert segs("A.\n\nB.", sentence_silence=0.8)[0].pause_after == 0.8


def test_explicit_trailing_pause_is_kept_and_leading_pause_is_silence():
    out = segs("[pause:1] Hello there. [pause:2]")
    assert [(s.text, s.pause_after) for s in out] == [("", 1.0), ("Hello there.", 2.0)]
    assert out[0].is_silence


# --- SSML ---------------------------------------------------------------------------

def test_ssml_subset():
    ssml = """<speak>
      <p><s>Dr. Smith paid $5</s><s>Then left</s></p>
      <p>Wait <break time="750ms"/> now <break strength="strong"/> go.</p>
      <p>Spell <say-as interpret-as="characters">abc</say-as>, count <say-as interpret-as="cardinal">1234</say-as>,
         rank <say-as interpret-as="ordinal">3</say-as>, date <say-as interpret-as="date" format="dmy">12/05/2024</say-as>,
         call <say-as interpret-as="telephone">555-1234</say-as>.</p>
      <p><sub alias="World Wide Web">WWW</sub> and <phoneme alphabet="ipa" ph="təmˈɑːtoʊ">tomato</phoneme>
         and <phoneme alph="ipa" ph="hɛlˈoʊ">hello</phoneme>.</p>
    </speak>"""
    out = segs(ssml)
    assert [(s.text, s.pause_after) for s in out] == [
        ("Doctor Smith paid five dollars", 0.0),
        ("Then left", 0.5),
        ("Wait", 0.75),
        ("now", 0.75),
        ("go.", 0.5),
        ("Spell A-B-C, count one thousand two hundred thirty-four, rank third, date the twelfth of May, "
         "twenty twenty-four, call five five five, one two three four.", 0.5),
        ("World Wide Web and [[təmˈɑːtoʊ]] and [[hɛlˈoʊ]].", 0.0),
    ]


def test_unknown_ssml_tag_warns_and_speaks_text(caplog):
    with caplog.at_level(logging.WARNING, logger="ttscli"):
        out = texts('<speak><prosody rate="slow">Slow words</prosody> and <emphasis>strong</emphasis>.</speak>')
    assert out == ["Slow words and strong."]
    messages = " ".join(r.getMessage() for r in caplog.records)
    assert "<prosody>" in messages and "<emphasis>" in messages


@pytest.mark.parametrize("doc,line,column", [
    ("<speak>\n  Hello <break time='1s'>\n</speak>", 3, 3),
    ("<speak>Hello &nbsp; there</speak>", 1, 14),
    ("<speak>\n<p>one</p>\n<p>two</q>\n</speak>", 3, 9),
])
def test_malformed_ssml_names_line_and_column(doc, line, column):
    with pytest.raises(BadInput) as err:
        segs(doc)
    assert f"line {line}, column {column}" in err.value.message


def test_ssml_entity_declarations_are_refused():
    bomb = ('<?xml version="1.0"?>\n<!DOCTYPE speak [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>\n'
            "<speak>&b;</speak>")
    with pytest.raises(BadInput, match="DOCTYPE"):
        segs(bomb)
    external = '<!DOCTYPE speak SYSTEM "file:///etc/passwd"><speak>x</speak>'
    with pytest.raises(BadInput):
        segs(external)


def test_ssml_bad_break_values():
    with pytest.raises(BadInput, match="line 1"):
        segs('<speak>a <break time="forever"/> b</speak>')
    with pytest.raises(BadInput, match="strength"):
        segs('<speak>a <break strength="huge"/> b</speak>')


def test_ssml_break_capped(caplog):
    with caplog.at_level(logging.WARNING, logger="ttscli"):
        assert segs('<speak>a <break time="30s"/> b</speak>')[0].pause_after == 10.0


# --- lexicon ------------------------------------------------------------------------

def test_lexicon_respelling_and_ipa(tmp_path):
    path = tmp_path / "lex.toml"
    path.write_text('ttscli = "tee tee ess see ell eye"\nNguyen = "[[ŋwˈɪn]]"\nUS = "you ess"\n', encoding="utf-8")
    lex = lexicon_mod.load_file(path)
    assert texts("TTSCLI and Nguyen told us about the US.", lexicon=lex) == [
        "tee tee ess see ell eye and [[ŋwˈɪn]] told us about the you ess."]


def test_lexicon_overrides_rules_and_keeps_phonemes(tmp_path):
    lex = lexicon_mod.Lexicon({"St.": "Saint", "tomato": "tomahto"})
    assert texts("Main St. has [[təmˈeɪtoʊ]] and tomato.", lexicon=lex) == ["Main Saint has [[təmˈeɪtoʊ]] and tomahto."]


def test_lexicon_errors(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("word = \n", encoding="utf-8")
    with pytest.raises(BadInput, match="not valid TOML"):
        lexicon_mod.load_file(bad)
    table = tmp_path / "table.toml"
    table.write_text("[words]\na = 'b'\n", encoding="utf-8")
    with pytest.raises(BadInput, match="not a string"):
        lexicon_mod.load_file(table)


def test_lexicon_from_config_dir_and_explicit_file(tmp_path):
    from ttscli import paths

    config = paths.ensure_dir(paths.config_dir(), "config")
    (config / "lexicon.toml").write_text('alpha = "one"\nbeta = "two"\n', encoding="utf-8")
    extra = tmp_path / "extra.toml"
    extra.write_text('beta = "three"\n', encoding="utf-8")
    assert lexicon_mod.load(None).entries == {"alpha": "one", "beta": "two"}
    assert lexicon_mod.load(str(extra)).entries == {"alpha": "one", "beta": "three"}


def test_inline_phonemes_pass_through_untouched():
    assert texts("Say [[hˈɛloʊ wˈɜːld]] to 3 people.") == ["Say [[hˈɛloʊ wˈɜːld]] to three people."]
    # A block stands for a name to the rules around it: the title is not a sentence end.
    assert texts("Ask Mr. [[ŋwˈɪn]] today. Dr. [[hˈuː]] and [[ɐ]] [[b]].") == [
        "Ask Mister [[ŋwˈɪn]] today.", "Doctor [[hˈuː]] and [[ɐ]] [[b]]."]


def test_one_request_carries_the_text_options():
    """say, batch and the servers build one frozen Request; engine.segments reads its text options."""
    import dataclasses

    from ttscli import engine
    from ttscli.request import Request
    from ttscli.selection import select

    selection = select(None, None)
    text = "On 12/05/2024. Then.\n\nNext."

    def run(request):
        return [(s.text, s.pause_after) for s in engine.segments(request, selection)]

    request = Request(text, sentence_silence=0.25, paragraph_silence=1.0, date_order="dmy")
    expected = [("On the twelfth of May, twenty twenty-four.", 0.25), ("Then.", 1.0), ("Next.", 0.0)]
    assert run(request) == expected
    assert run(dataclasses.replace(request, date_order="mdy"))[0][0] == "On December fifth, twenty twenty-four."
    with pytest.raises(dataclasses.FrozenInstanceError):
        request.lang = "de"
