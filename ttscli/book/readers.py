"""Book files → :class:`Book`: plain text, Markdown and EPUB.

Text files are decoded from a BOM, else UTF-8, else guessed as cp1252/latin-1
(with a warning), unless ``--encoding`` says otherwise; CRLF and CR line ends
become LF. Binary files (NUL bytes, many control characters) are refused.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from ..errors import BadInput
from .model import Book

log = logging.getLogger(__name__)

MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def _decode(data: bytes, source: str, encoding: str | None) -> str:
    from ..text.decode import decode_text

    if encoding is not None or data[:4].startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return decode_text(data, source, encoding)
    if b"\x00" in data:
        raise BadInput(f"{source} is a binary file, not text", hint="give a .txt, .md or .epub book")
    try:
        return decode_text(data, source, "utf-8")
    except BadInput:
        guess = "cp1252"
        try:
            data.decode(guess)
        except UnicodeDecodeError:
            guess = "latin-1"
        log.warning("%s is not UTF-8; reading it as %s (pass --encoding to choose)", source, guess)
        return decode_text(data, source, guess)


def _check_text(text: str, source: str) -> str:
    sample = text[:65536]
    if sample and len(_CONTROL.findall(sample)) > max(8, len(sample) // 100):
        raise BadInput(f"{source} is a binary file, not text", hint="give a .txt, .md or .epub book")
    if not re.search(r"\w", text):
        raise BadInput(f"{source} has no text to speak", hint="give a book with some words in it")
    return text


def read(path: Path, encoding: str | None = None, split_on: str | None = None) -> Book:
    """Read a book (chapters detected; front/back matter marked, not removed)."""
    from . import chapters

    source = str(path)
    if path.is_dir():
        raise BadInput(f"{source} is a directory", hint="give a .txt, .md or .epub file")
    if not path.exists():
        raise BadInput(f"input {source} does not exist", hint="check the path")
    suffix = path.suffix.lower()
    if suffix == ".epub":
        from .epub import read_epub

        book = read_epub(path)
        if split_on:
            book.chapters = chapters.resplit(book.chapters, split_on)
        return book
    from ..bounded import read_bounded

    data = read_bounded(path, "book", what=source)
    if not data.strip():
        raise BadInput(f"{source} is empty", hint="give a book with some words in it")
    if data.startswith(b"PK\x03\x04"):
        raise BadInput(f"{source} is a zip archive, not text", hint="EPUB books need the .epub extension")
    text = _check_text(_decode(data, source, encoding), source)
    title = path.stem
    if suffix in MARKDOWN_SUFFIXES:
        title_found, found = chapters.split_markdown(text)
        book = Book(source, title_found or title, chapters=found)
    else:
        book = Book(source, title, chapters=chapters.split_text(text, split_on))
    return book
