"""EPUB → :class:`Book` with ebooklib: spine order, TOC titles, metadata and cover.

Each spine document with words in it is a chapter, titled from the table of
contents, else from its first heading. XHTML becomes Markdown-ish text the
front end reads: headings as ``#`` lines, every block element (p, div, li,
blockquote, table row…) a paragraph of its own; scripts, styles and images
are dropped.
"""

from __future__ import annotations

import posixpath
import re
import warnings
from pathlib import Path
from urllib.parse import unquote

from ..errors import BadInput
from .chapters import MAX_TITLE, matter_of
from .model import Book, Chapter

BLOCKS = {"p", "div", "li", "blockquote", "tr", "section", "article", "aside", "header", "footer", "pre",
          "dd", "dt", "figcaption", "caption", "table", "ul", "ol", "dl", "hr", "address", "center"}
SKIP = {"script", "style", "head", "title", "svg", "math", "noscript", "template"}
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


# Inline formatting kept as Markdown (the read-along shows it; the front end reads past it): sentinels
# while walking, turned into * / ** once the block's text is known, where Markdown would read them
# back as emphasis (not inside a word, not around blank or already-marked text), else dropped.
INLINE = {"em": ("\ue000", "\ue001", "*"), "i": ("\ue000", "\ue001", "*"), "cite": ("\ue000", "\ue001", "*"),
          "strong": ("\ue002", "\ue003", "**"), "b": ("\ue002", "\ue003", "**")}
_SENTINEL = re.compile("\ue000([^\ue000-\ue003]*)\ue001|\ue002([^\ue000-\ue003]*)\ue003")
_ANY_SENTINEL = re.compile("[\ue000-\ue003]")


def _marked(line: str) -> str:
    """``line`` with its innermost formatting sentinels as Markdown where that reads back right."""
    out, pos = [], 0
    for m in _SENTINEL.finditer(line):
        inner = m.group(1) if m.group(1) is not None else m.group(2)
        mark = "*" if m.group(1) is not None else "**"
        before = "".join(out) + line[pos:m.start()]
        after = line[m.end():m.end() + 1]
        safe = (inner.strip() == inner and inner and not re.search(r"[*_`]", inner)
                and not re.search(r"[\w*]$", before) and not re.match(r"[\w*]", after))
        out.append(line[pos:m.start()] + (f"{mark}{inner}{mark}" if safe else inner))
        pos = m.end()
    out.append(line[pos:])
    return _ANY_SENTINEL.sub("", "".join(out))


class _Text:
    def __init__(self):
        self.blocks: list[str] = []
        self.current: list[str] = []
        self.headings: list[str] = []

    def text(self, piece: str | None) -> None:
        if piece:
            self.current.append(piece)

    def end_block(self, heading: int = 0) -> None:
        line = " ".join("".join(self.current).split())
        self.current = []
        if not re.search(r"\w", line):
            return
        if heading:
            self.headings.append(_ANY_SENTINEL.sub("", line))
            line = "#" * heading + " " + _ANY_SENTINEL.sub("", line)
        self.blocks.append(" ".join(_marked(line).split()))


def _walk(el, out: _Text) -> None:
    name = _local(el.tag)
    if name in SKIP:
        out.text(el.tail)
        return
    heading = HEADINGS.get(name, 0)
    block = heading or name in BLOCKS
    if block:
        out.end_block()
    if name == "br":
        out.text(" ")
    mark = INLINE.get(name) if not block else None
    if mark:
        out.text(mark[0])
    out.text(el.text)
    for child in el:
        _walk(child, out)
    if mark:
        out.text(mark[1])
    if block:
        out.end_block(heading)
    out.text(el.tail)


def xhtml_to_text(content: bytes) -> tuple[str, str | None]:
    """(text with paragraphs and # headings, first heading or None)."""
    import lxml.html

    try:
        root = lxml.html.document_fromstring(content)
    except Exception:  # noqa: BLE001 - lxml raises several types for broken markup
        return "", None
    body = next((el for el in root.iter() if _local(el.tag) == "body"), root)
    out = _Text()
    _walk(body, out)
    out.end_block()
    return "\n\n".join(out.blocks), (out.headings[0] if out.headings else None)


def _toc_titles(toc, titles: dict[str, str]) -> None:
    """File → title from the table of contents. An empty TOC (what tools write when none is
    set) comes back from ebooklib as a bare Link or an empty list: titles then come from
    the headings."""
    if toc is None:
        return
    if not isinstance(toc, (list, tuple)) or (isinstance(toc, tuple) and len(toc) == 2
                                               and isinstance(toc[1], (list, tuple))):
        toc = [toc]
    for entry in toc:
        if isinstance(entry, (tuple, list)) and len(entry) == 2:
            section, children = entry
            _toc_entry(section, titles)
            _toc_titles(children, titles)
        else:
            _toc_entry(entry, titles)


def _toc_entry(entry, titles: dict[str, str]) -> None:
    href, title = getattr(entry, "href", None), getattr(entry, "title", None)
    if isinstance(href, str) and href.split("#")[0] and isinstance(title, str) and title.strip():
        titles.setdefault(unquote(href.split("#")[0]), title)


def _meta(book, name: str) -> str | None:
    values = book.get_metadata("DC", name)
    return " ".join(str(values[0][0]).split()) if values and values[0][0] else None


def _cover(book) -> tuple[bytes | None, str | None]:
    import ebooklib

    items = list(book.get_items_of_type(ebooklib.ITEM_COVER))
    if not items:
        for value, attrs in book.get_metadata("OPF", "cover"):
            item = book.get_item_with_id((attrs or {}).get("content", ""))
            if item is not None:
                items.append(item)
    for item in items:
        media = getattr(item, "media_type", "") or ""
        if media in ("image/jpeg", "image/png"):
            return item.get_content(), media
    return None, None


MAX_MEMBER_BYTES = 256 * 1024 * 1024  # one file inside the EPUB, decompressed
MAX_TOTAL_BYTES = 1024 * 1024 * 1024  # all of them (ebooklib holds them in memory)
MAX_MEMBERS = 100_000


def check_archive(path: Path) -> None:
    """Refuse a zip bomb before ebooklib decompresses it: zipfile never inflates a member
    past the size its header declares, so the declared sizes bound the memory used."""
    import zipfile

    from ..bounded import LIMITS, read_bounded

    if path.stat().st_size > LIMITS["book"]:
        read_bounded(path, "book", what=str(path))  # the same one-line refusal as a text book
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise BadInput(f"{path} is not a readable EPUB (not a zip archive: {exc})",
                       hint="check the file, or convert it to .txt or .md") from exc
    total = sum(m.file_size for m in members)
    biggest = max((m.file_size for m in members), default=0)
    if len(members) > MAX_MEMBERS or biggest > MAX_MEMBER_BYTES or total > MAX_TOTAL_BYTES:
        raise BadInput(f"{path} would unpack to {total / 2**20:,.0f} MB in {len(members)} files (a zip bomb?)",
                       hint="give an EPUB whose parts are each under 256 MB")


def read_epub(path: Path) -> Book:
    import ebooklib
    from ebooklib import epub

    check_archive(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = epub.read_epub(str(path), options={"ignore_ncx": False})
    except Exception as exc:  # noqa: BLE001 - zipfile, lxml and ebooklib errors alike
        reason = " ".join(str(exc).split())[:160] or "unreadable"
        raise BadInput(f"{path} is not a readable EPUB ({reason})",
                       hint="check the file, or convert it to .txt or .md") from exc
    titles: dict[str, str] = {}
    _toc_titles(book.toc, titles)
    chapters: list[Chapter] = []
    for idref, _linear in book.spine:
        item = book.get_item_with_id(idref)
        if item is None or item.get_type() != ebooklib.ITEM_DOCUMENT or isinstance(item, epub.EpubNav):
            continue
        text, heading = xhtml_to_text(item.get_content())
        if not re.search(r"\w", text):
            continue
        name = unquote(item.get_name())
        title = (titles.get(name) or titles.get(posixpath.basename(name)) or heading
                 or posixpath.splitext(posixpath.basename(name))[0])
        title = " ".join(title.split())[:MAX_TITLE]
        chapters.append(Chapter(title, text, matter_of(title, text)))
    if not chapters:
        raise BadInput(f"{path} has no text to speak (no chapter in its spine has words)",
                       hint="check the EPUB, or convert it to .txt or .md")
    cover, cover_type = _cover(book)
    return Book(str(path), _meta(book, "title") or path.stem, author=_meta(book, "creator"),
                language=_meta(book, "language"), cover=cover, cover_type=cover_type, chapters=chapters)
