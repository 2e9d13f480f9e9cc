"""The incremental sentence splitter (ttscli.text.incremental): text fed in pieces gives the
sentences the front end would find, each as soon as the text after it shows it has ended."""

from __future__ import annotations

import random

import pytest

from ttscli.text.incremental import SentenceStream


def _feed_all(pieces, **kw) -> tuple[list[str], list[list[str]]]:
    stream = SentenceStream(**kw)
    released = [list(stream.feed(p)) for p in pieces]
    released.append(list(stream.flush()))
    return [s for batch in released for s in batch], released


def test_a_sentence_is_released_when_the_next_one_starts():
    stream = SentenceStream()
    assert stream.feed("Hello there") == []
    assert stream.feed(". ") == []  # a full stop may still be an abbreviation: wait for the next word
    assert stream.feed("How") == ["Hello there."]
    assert stream.feed(" are you?") == []
    assert stream.pending == "How are you?"
    out = stream.flush()
    assert out == ["How are you?"] and out[0].paragraph_end
    assert stream.flush() == [] and stream.pending == ""


@pytest.mark.parametrize("text", [
    "Dr. Smith went home.",
    "Mr. and Mrs. Jones came.",
    "J. R. R. Tolkien wrote it.",
    '"Hey!" he said.',
    "We met at 5 p.m. and left.",
    "It costs $3.50 today.",
    "See e.g. the manual.",
    "Say [[həlˈoʊ. wˈɜːld]] twice.",
])
def test_no_sentence_end_where_the_front_end_sees_none(text):
    stream = SentenceStream()
    released = [s for ch in text for s in stream.feed(ch)]
    assert released == []
    assert stream.flush() == [text]


def test_word_by_word_gives_the_front_ends_sentences():
    text = ("Dr. Smith arrived at 5 p.m. on Monday. The meeting was long! Was it useful? "
            "J. R. R. Tolkien said \"Yes.\" Then everyone left… Quietly.")
    pieces = [w + " " for w in text.split(" ")]
    sentences, released = _feed_all(pieces)
    assert sentences == ["Dr. Smith arrived at 5 p.m. on Monday.", "The meeting was long!", "Was it useful?",
                         'J. R. R. Tolkien said "Yes."', "Then everyone left…", "Quietly."]
    # every sentence but the last is out before the text ends
    assert sum(len(batch) for batch in released[:-1]) == len(sentences) - 1


def test_random_pieces_never_lose_or_change_text():
    rng = random.Random(7)
    text = ("First, the setup: open the box. Then plug it in! Does it light up? If not, call Dr. Lee at "
            "555-0100 (9 a.m. to 5 p.m.). Thanks.\n\nA new paragraph starts here. It has two sentences.")
    for _ in range(30):
        cuts = sorted(rng.sample(range(1, len(text)), 12))
        pieces = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)])]
        sentences, _ = _feed_all(pieces)
        assert " ".join(" ".join(s.split()) for s in sentences) == " ".join(text.split())
        assert sentences == _feed_all([text])[0]


def test_paragraphs_and_markdown_blocks_end_where_they_end():
    stream = SentenceStream()
    assert stream.feed("Here is the plan.\n\nFirst") == ["Here is the plan."]
    stream2 = SentenceStream()
    out = stream2.feed("Steps:\n- open the box\n- plug it in\n\n# Done\nAll good")
    assert out == ["Steps:", "- open the box", "- plug it in", "# Done"]
    assert all(s.paragraph_end for s in out)
    assert stream2.flush() == ["All good"]


def test_a_sentence_inside_a_paragraph_does_not_end_it():
    out = SentenceStream().feed("One. Two. Three")
    assert out == ["One.", "Two."] and not any(s.paragraph_end for s in out)


def test_japanese_sentences_end_without_spaces():
    stream = SentenceStream("ja")
    assert stream.feed("こんにちは。元気") == ["こんにちは。"]
    assert stream.flush() == ["元気"]


def test_ssml_is_held_whole():
    stream = SentenceStream()
    assert stream.feed("<speak>One. Two. <break time='1s'/> Three.") == []
    assert stream.feed(" Four.</speak>") == []
    assert stream.flush() == ["<speak>One. Two. <break time='1s'/> Three. Four.</speak>"]


def test_open_phonemes_are_not_cut():
    stream = SentenceStream()
    assert stream.feed("Say [[a. B") == []
    assert stream.feed("c]] now. Next") == ["Say [[a. Bc]] now."]


def test_a_run_on_sentence_is_cut_at_a_clause_mark():
    stream = SentenceStream(max_chars=60)
    text = "this answer goes on and on without a stop, and it keeps going with more words and more words"
    out = stream.feed(text)
    assert out == ["this answer goes on and on without a stop,"]
    assert stream.flush() == ["and it keeps going with more words and more words"]
    spaces = SentenceStream(max_chars=60).feed("word " * 30)
    assert spaces and all(len(s) <= 60 for s in spaces)


def test_empty_and_whitespace_pieces():
    stream = SentenceStream()
    assert stream.feed("") == [] and stream.feed("   \n") == []
    assert stream.flush() == []


def test_pieces_read_by_the_front_end_say_what_the_whole_text_says():
    from ttscli.text.frontend import FrontEndOptions, segments
    from ttscli.text.segments import Budget

    text = ("Dr. Smith arrived at 5 p.m. on Monday; the meeting ran late. It cost $3.50, i.e. nothing! "
            "Was it useful? See https://example.com now.\n\nNew paragraph: 3 items.\n- one\n- two")
    options = FrontEndOptions(lang="en-us")
    whole = [seg.text for seg in segments(text, Budget(), options)]
    sentences, _ = _feed_all([w + " " for w in text.split(" ")])
    parts = [seg.text for s in sentences for seg in segments(s, Budget(), options)]
    assert parts == whole
