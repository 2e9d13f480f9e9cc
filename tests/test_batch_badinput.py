"""`ttscli batch` refuses bad input with one line, a documented exit code and no output."""

from __future__ import annotations

import os

import pytest
from support.book_helpers import make_empty_epub, make_epub
from support.cli import assert_clean_error, invoke  # in-process: the process itself is not under test here


def _nothing_written(out):
    assert not out.exists() or not any(out.rglob("*.m4b")) and not any(out.rglob("*.wav"))


def test_empty_file(tmp_path):
    src = tmp_path / "empty.txt"
    src.write_text("  \n\n")
    out = tmp_path / "out"
    assert_clean_error(invoke("batch", str(src), "-o", str(out)), 3, "empty")
    assert not out.exists()


def test_binary_file(tmp_path):
    src = tmp_path / "blob.txt"
    src.write_bytes(os.urandom(2048) + b"\x00\x01\x02")
    out = tmp_path / "out"
    assert_clean_error(invoke("batch", str(src), "-o", str(out)), 3, "binary")
    assert not out.exists()


def test_zip_named_txt_and_corrupt_epub(tmp_path):
    book = make_epub(tmp_path / "real.epub")
    disguised = tmp_path / "book.txt"
    disguised.write_bytes(book.read_bytes())
    assert_clean_error(invoke("batch", str(disguised), "-o", str(tmp_path / "o1")), 3, "zip")
    broken = tmp_path / "broken.epub"
    broken.write_bytes(b"PK\x03\x04" + os.urandom(300))
    assert_clean_error(invoke("batch", str(broken), "-o", str(tmp_path / "o2")), 3, "not a readable EPUB")
    assert not (tmp_path / "o1").exists() and not (tmp_path / "o2").exists()


def test_epub_with_no_text(tmp_path):
    src = make_empty_epub(tmp_path / "blank.epub")
    out = tmp_path / "out"
    assert_clean_error(invoke("batch", str(src), "-o", str(out)), 3, "no text")
    assert not out.exists()


def test_nonexistent_input(tmp_path):
    out = tmp_path / "out"
    assert_clean_error(invoke("batch", str(tmp_path / "missing.txt"), "-o", str(out)), 3, "does not exist")
    assert not out.exists()


def test_unwritable_output_directory(tmp_path, readonly_dir):
    src = tmp_path / "book.txt"
    src.write_text("Chapter 1\n\nA few words.\n")
    assert_clean_error(invoke("batch", str(src), "-o", str(readonly_dir)), 8, str(readonly_dir))
    assert_clean_error(invoke("batch", str(src), "-o", str(readonly_dir / "sub")), 8)
    assert list(readonly_dir.iterdir()) == []


def test_output_is_a_file(tmp_path):
    src = tmp_path / "book.txt"
    src.write_text("Chapter 1\n\nA few words.\n")
    target = tmp_path / "taken"
    target.write_text("keep me")
    assert_clean_error(invoke("batch", str(src), "-o", str(target)), 8, "not a directory")
    assert target.read_text() == "keep me"


@pytest.mark.parametrize("args, needle", [
    (["--chapters", "9-12"], "outside"),
    (["--chapters", "x"], "not a range"),
    (["--split-on", "(unclosed"], "regular expression"),
    (["--format", "aiff"], "unsupported format"),
    ([], "no output directory"),
])
def test_usage_errors(tmp_path, args, needle):
    src = tmp_path / "book.txt"
    src.write_text("Chapter 1\n\nWords.\n\nChapter 2\n\nMore words.\n")
    extra = ["-o", str(tmp_path / "out")] if args else []
    assert_clean_error(invoke("batch", str(src), *extra, *args), 2, needle)
    assert not (tmp_path / "out").exists()


def test_bad_cover(tmp_path):
    src = tmp_path / "book.txt"
    src.write_text("Words to say.\n")
    cover = tmp_path / "cover.jpg"
    cover.write_text("not an image")
    assert_clean_error(invoke("batch", str(src), "-o", str(tmp_path / "out"), "--cover", str(cover)), 3, "cover")
    assert not (tmp_path / "out").exists()
