"""Promises of `batch` that used to break: contents lists, trailing indexes, empty EPUB TOCs,
track numbers, --clean, -o FILE, and options checked before any synthesis."""

from __future__ import annotations

import pytest
from support.book_helpers import png
from support.cli import assert_clean_error, run_cli

from ttscli.book import chapters as chapters_mod

BOOK = """The Voyage
by Ada Writer

Contents

Chapter 1: The Harbour
Chapter 2: The Storm
Chapter 3: The Return

Chapter 1: The Harbour

The boat left the harbour at dawn.

Chapter 2: The Storm

By noon the sky turned grey.

Chapter 3: The Return

They sailed home before dark.

Index

boat, 1, 3
deck, 2
gulls, 1
harbour, 1, 3-4
rain, 2
"""


def _ok(proc):
    assert proc.returncode == 0, proc.stderr.decode()
    return proc.stdout.decode()


def test_contents_list_and_index_are_skipped_not_read():
    found = chapters_mod.split_text(BOOK)
    titles = [(c.title, c.matter) for c in found]
    assert titles == [("The Voyage", None), ("Contents", "front"), ("Chapter 1: The Harbour", None),
                      ("Chapter 2: The Storm", None), ("Chapter 3: The Return", None), ("Index", "back")]
    assert "harbour, 1" not in found[4].text and found[4].text.endswith("before dark.")
    spoken = [c.title for _, c in chapters_mod.select(found, None, keep_all=False)]
    assert spoken == ["The Voyage", "Chapter 1: The Harbour", "Chapter 2: The Storm", "Chapter 3: The Return"]
    kept = chapters_mod.select(found, None, keep_all=True)
    assert [c.title for _, c in kept] == [t for t, _ in titles]
    assert "Chapter 3: The Return" in kept[1][1].text  # --keep-all reads the contents list once, as one chapter


def test_unheaded_index_is_back_matter():
    text = BOOK.replace("\nIndex\n", "\n")
    found = chapters_mod.split_text(text)
    assert [(c.title, c.matter) for c in found[-2:]] == [("Chapter 3: The Return", None), ("Index", "back")]
    assert found[-2].text.endswith("before dark.")


def test_epub_with_empty_table_of_contents(tmp_path):
    from ebooklib import epub

    from ttscli.book.epub import read_epub

    book = epub.EpubBook()
    book.set_identifier("no-toc")
    book.set_title("No TOC")
    book.set_language("en")
    items = []
    for i, name in enumerate(("Dawn", "Noon", "Dusk"), 1):
        item = epub.EpubHtml(title=name, file_name=f"p{i}.xhtml", lang="en")
        item.content = f"<html><body><h1>{name}</h1><p>Words of part {i}.</p></body></html>"
        book.add_item(item)
        items.append(item)
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = items  # book.toc left empty, as tools write it when none is set
    path = tmp_path / "notoc.epub"
    epub.write_epub(str(path), book)
    read = read_epub(path)
    assert [c.title for c in read.chapters] == ["Dawn", "Noon", "Dusk"]
    assert "Words of part 2." in read.chapters[1].text


@pytest.mark.slow
def test_tracks_count_spoken_chapters_and_clean_removes_the_work_folder(tmp_path):
    from mutagen.id3 import ID3

    src = tmp_path / "voyage.txt"
    src.write_text(BOOK)
    out = tmp_path / "out"
    _ok(run_cli("batch", str(src), "-o", str(out), "--format", "mp3", "--clean"))
    files = sorted((out / "voyage").glob("*.mp3"))
    assert [f.name[:2] for f in files] == ["01", "03", "04", "05"]  # names keep the book's chapter numbers
    assert [str(ID3(str(f))["TRCK"]) for f in files] == ["1/4", "2/4", "3/4", "4/4"]
    assert not (out / ".ttscli").exists()


@pytest.mark.slow
def test_output_file_with_an_audio_extension(tmp_path):
    src = tmp_path / "voyage.txt"
    src.write_text(BOOK)
    target = tmp_path / "shelf" / "my book.m4b"
    stdout = _ok(run_cli("batch", str(src), "-o", str(target), "--chapters", "3-4"))
    assert target.is_file() and str(target) in stdout
    assert sorted(p.name for p in target.parent.iterdir()) == [".ttscli", "my book.m4b"]
    whole = tmp_path / "shelf" / "whole.mp3"  # another audio extension: the whole book in one file
    _ok(run_cli("batch", str(src), "-o", str(whole), "--chapters", "3"))
    assert whole.is_file() and not (tmp_path / "shelf" / "whole").exists()
    other = tmp_path / "other.txt"
    other.write_text("Chapter 1\n\nWords.\n")
    assert_clean_error(run_cli("batch", str(src), str(other), "-o", str(tmp_path / "two.m4b")), 2, "one file")
    assert_clean_error(run_cli("batch", str(src), "-o", str(tmp_path / "x.m4b"), "--format", "flac"), 2, "--format")
    assert not (tmp_path / "two.m4b").exists() and not (tmp_path / "x.m4b").exists()


@pytest.mark.parametrize("args, code, needle", [
    (["--bitrate", "fast"], 2, "--bitrate"),
    (["--bitrate", "2000k"], 2, "between 8k and 512k"),
    (["--cover", "COVER"], 3, "broken image"),
])
def test_options_checked_before_synthesis(tmp_path, args, code, needle):
    src = tmp_path / "book.txt"
    src.write_text("Chapter 1\n\nWords to say.\n")
    cover = tmp_path / "cover.png"
    cover.write_bytes(png()[:40])  # a PNG cut short: right magic, broken data
    args = [str(cover) if a == "COVER" else a for a in args]
    assert_clean_error(run_cli("batch", str(src), "-o", str(tmp_path / "out"), *args), code, needle)
    assert not (tmp_path / "out").exists()


def test_contents_with_page_numbers_and_tiny_chapters():
    toc = BOOK.replace("Chapter 1: The Harbour\nChapter 2", "Chapter 1: The Harbour ..... 3\nChapter 2")
    assert [c.title for c in chapters_mod.split_text(toc)][1:3] == ["Contents", "Chapter 1: The Harbour"]
    tiny = "Chapter 1\nOne.\n\nChapter 2\nTwo.\n"  # short chapters are not a contents list
    assert [c.title for c in chapters_mod.split_text(tiny)] == ["Chapter 1", "Chapter 2"]
