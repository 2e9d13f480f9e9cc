"""Real books for the batch tests: an EPUB built with ebooklib, a PNG cover, Markdown."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path


def png(width: int = 8, height: int = 8, rgb: tuple[int, int, int] = (200, 40, 40)) -> bytes:
    """A tiny solid-colour PNG (written by hand: no imaging library needed)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    row = b"\x00" + bytes(rgb) * width
    raw = zlib.compress(row * height)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


CHAPTERS = [
    ("The Harbour", ["The boat left the harbour at dawn.", "Gulls followed it out to sea."]),
    ("The Storm", ["By noon the sky turned grey.", "Rain hammered the deck for an hour."]),
    ("The Return", ["At last the wind fell.", "They sailed home before dark."]),
]


def make_epub(path: Path, chapters=CHAPTERS, *, title: str = "A Short Voyage", author: str = "Ada Writer",
              cover: bytes | None = None, toc_page: bool = True, copyright_page: bool = True) -> Path:
    from ebooklib import epub

    book = epub.EpubBook()
    book.set_identifier("ttscli-test-voyage")
    book.set_title(title)
    book.set_language("en")
    book.add_author(author)
    if cover is not None:
        book.set_cover("cover.png", cover, create_page=True)
    spine: list = ["cover"] if cover is not None else []
    if copyright_page:
        legal = epub.EpubHtml(title="Copyright", file_name="copyright.xhtml", lang="en")
        legal.content = "<html><body><p>Copyright © 2024 Ada Writer. All rights reserved.</p></body></html>"
        book.add_item(legal)
        spine.append(legal)
    if toc_page:
        spine.append("nav")
    items = []
    for i, (name, paragraphs) in enumerate(chapters, 1):
        item = epub.EpubHtml(title=name, file_name=f"chap_{i:02d}.xhtml", lang="en")
        body = "".join(f"<p>{p}</p>" for p in paragraphs)
        item.content = f"<html><body><h1>{name}</h1>{body}</body></html>"
        book.add_item(item)
        items.append(item)
    book.toc = [epub.Link(it.file_name, name, f"c{i}") for i, (it, (name, _)) in enumerate(zip(items, chapters))]
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = spine + items
    epub.write_epub(str(path), book)
    return path


def make_empty_epub(path: Path) -> Path:
    """A valid EPUB whose only document has no words."""
    from ebooklib import epub

    book = epub.EpubBook()
    book.set_identifier("ttscli-test-empty")
    book.set_title("Nothing")
    book.set_language("en")
    page = epub.EpubHtml(title="Blank", file_name="blank.xhtml", lang="en")
    page.content = "<html><body><div> </div></body></html>"
    book.add_item(page)
    book.toc = [epub.Link("blank.xhtml", "Blank", "b")]
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = [page]
    epub.write_epub(str(path), book)
    return path


MARKDOWN_BOOK = """# The Garden Book

A short book about gardens.

## Spring

Seeds go into the ground in April. Water them every morning.

## Summer

The tomatoes ripen in August. Pick them when they are red.

## Autumn

Leaves fall and the beds go to sleep.
"""


EPUBCHECK_JAR = Path("/usr/share/java/epubcheck.jar")  # the Debian `epubcheck` package


def epubcheck(path: Path) -> None:
    """Validate ``path`` with the real EPUBCheck: no fatal, error or warning message (skips, with the
    reason, where EPUBCheck or java is not installed; CI installs both)."""
    import shutil
    import subprocess

    import pytest

    if not EPUBCHECK_JAR.exists() or shutil.which("java") is None:
        pytest.skip("EPUBCheck is not installed (Debian package epubcheck, with java)")
    proc = subprocess.run(["java", "-jar", str(EPUBCHECK_JAR), str(path)], capture_output=True, text=True,
                          timeout=300)
    report = proc.stdout + proc.stderr
    assert proc.returncode == 0 and "Messages: 0 fatals / 0 errors / 0 warnings" in report, report[-3000:]
