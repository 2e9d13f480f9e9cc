"""Pieces of `batch` without synthesis: chapters, ranges, chunk keys, loudness, ffmetadata, names."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ttscli.book import chapters
from ttscli.book.chunks import Voice, chunk_key, group
from ttscli.book.job import file_title
from ttscli.audio.loudness import LoudnessMeter
from ttscli.book.m4b import ffmetadata
from ttscli.book.tags import Tags
from ttscli.errors import UsageError
from ttscli.text.segments import Segment


@pytest.mark.parametrize("line", ["Chapter 1", "CHAPTER XIV", "Chapter One: The Sea", "chapter twenty-one",
                                  "  Chapter 12. Home", "## Chapter 3"])
def test_chapter_lines(line):
    assert chapters.CHAPTER_LINE.match(line)


@pytest.mark.parametrize("line", ["The chapter ended.", "Chapter and verse were quoted at length by everyone "
                                  "in the room that night", "Chapters 1-3 recap"])
def test_not_chapter_lines(line):
    assert not chapters.CHAPTER_LINE.match(line)


def test_text_split_keeps_every_word():
    text = "Title page\n\nChapter 1\nOne.\n\nChapter 2\nTwo.\fLoose page.\n"
    found = chapters.split_text(text)
    assert [c.title for c in found] == ["Title page", "Chapter 1", "Chapter 2", "Loose page."]
    assert " ".join(" ".join(c.text.split()) for c in found).split() == text.replace("\f", " ").split()


def test_matter_heuristics():
    assert chapters.matter_of("Table of Contents", "Chapter 1 .... 3") == "front"
    assert chapters.matter_of("Copyright", "x") == "front"
    assert chapters.matter_of("Imprint page", "© 2020 Someone. All rights reserved.") == "front"
    assert chapters.matter_of("Index", "apples, 3") == "back"
    assert chapters.matter_of("Bibliography", "Smith 1999") == "back"
    assert chapters.matter_of("The Index Card", "a story") is None
    book = [chapters.Chapter("Contents", "x", "front"), chapters.Chapter("One", "y")]
    assert [n for n, _ in chapters.select(book, None, False)] == [2]
    assert [n for n, _ in chapters.select(book, None, True)] == [1, 2]  # --keep-all
    assert [n for n, _ in chapters.select(book, "1", False)] == [1]  # an explicit --chapters wins


def test_markdown_levels():
    title, found = chapters.split_markdown("# Book\n\nIntro.\n\n## A\n\ntext\n\n### A.1\n\nsub\n\n## B\n\nmore\n")
    assert title == "Book" and [c.title for c in found] == ["Intro.", "A", "B"]
    assert "A.1" in found[1].text
    title, found = chapters.split_markdown("# One\n\nx\n\n# Two\n\ny\n")
    assert title is None and [c.title for c in found] == ["One", "Two"]


@pytest.mark.parametrize("spec, expected", [("3-5", [3, 4, 5]), ("4-", [4, 5, 6]), ("-2", [1, 2]), ("2", [2]),
                                            ("1,3,5-6", [1, 3, 5, 6]), ("2,2,1-2", [2, 1])])
def test_ranges(spec, expected):
    assert chapters.parse_range(spec, 6) == expected


@pytest.mark.parametrize("spec", ["0", "5-3", "7", "a-b", "-", ""])
def test_bad_ranges(spec):
    with pytest.raises(UsageError):
        chapters.parse_range(spec, 6)


def test_chunk_keys_follow_text_and_sound_settings():
    voice = Voice(None, "piper:en_US-joe-medium", None, None)
    segs = [Segment("One.", 0.0), Segment("Two.", 0.5, True), Segment("Three.", 0.5, True)]
    chunks = list(group(segs, voice))
    assert [len(c.segments) for c in chunks] == [2, 1]
    assert chunks[0].key == list(group(segs, voice))[0].key  # stable
    faster = Voice(None, "piper:en_US-joe-medium", None, None, speed=1.2)
    assert list(group(segs, faster))[0].key != chunks[0].key
    assert chunk_key(voice, [("One.", 0.0, False, None)]) != chunk_key(voice, [("One!", 0.0, False, None)])
    # the model as typed does not matter, the resolved id does
    assert Voice("joe", "piper:en_US-joe-medium", None, None).key() == voice.key()


def test_streaming_loudness_matches_pyloudnorm():
    import pyloudnorm

    rng = np.random.default_rng(3)
    rate = 22050
    t = np.arange(rate * 5) / rate
    x = 0.3 * np.sin(2 * np.pi * 220 * t) * (t % 1 < 0.6) + 0.01 * rng.standard_normal(len(t))
    meter = LoudnessMeter(rate)
    for i in range(0, len(x), 777):  # odd block sizes
        meter.feed(x[i:i + 777])
    assert meter.integrated() == pytest.approx(pyloudnorm.Meter(rate).integrated_loudness(x), abs=0.1)
    stereo = np.stack([x, 0.3 * x], axis=1)
    meter = LoudnessMeter(44100, 2)
    meter.feed(stereo)
    assert meter.integrated() == pytest.approx(pyloudnorm.Meter(44100).integrated_loudness(stereo), abs=0.1)
    silent = LoudnessMeter(rate)
    silent.feed(np.zeros(rate * 2))
    assert silent.integrated() == -math.inf  # nothing to measure


def test_ffmetadata_escapes_and_times():
    text = ffmetadata(Tags("x", "A=B; #1", "Au\\thor"), [("Intro", 100), ("Part 2; end", 50)], 1000)
    assert "title=A\\=B\\; \\#1" in text and "artist=Au\\\\thor" in text
    assert "START=100\nEND=150\ntitle=Part 2\\; end" in text


@pytest.mark.parametrize("title", ["../../etc/passwd", "a/b\\c", ".hidden", "x" * 300, "???"])
def test_file_titles_are_single_safe_names(title):
    name = file_title(3, title)
    assert name.startswith("03 - ") and "/" not in name and "\\" not in name and ".." not in name
    assert len(name) <= 80
