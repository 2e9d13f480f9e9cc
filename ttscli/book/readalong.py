"""``batch --format epub``: an EPUB 3 read-along book (media overlays) in the book's own words.

Each spoken chapter becomes an XHTML page of the chapter's own text (Markdown and the input
EPUB's blocks kept: headings, paragraphs, lists, quotes, emphasis, links; see readalong_text),
an MP3 of the chapter (the normalized chapter audio) and a SMIL file pairing each timed stretch
of text with its clip, so a reading system highlights it while it is spoken.

Granularity: a word where the voice gives word timings (the model's own durations: Piper,
Kokoro, Kitten), a sentence elsewhere (the engine reports where each sentence's audio starts and
ends). Times are exact at chunk boundaries (a chunk's sample count in the chapter); each clip
runs until the next one starts. The spoken (normalized) words are mapped back to the text
("$42.50" is one highlight for "forty-two dollars and fifty cents"). Every value written into
the XML is escaped or validated. The EPUB is a zip written here: ``mimetype`` first and stored.
"""

from __future__ import annotations

import re
import uuid
import zipfile
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path

from ..timing.model import Spoken as SpokenWord
from ..timing.model import map_words
from .assemble import encode
from .model import Book
from .readalong_text import body, xml_text

ACTIVE_CLASS = "-epub-media-overlay-active"
WORD_SOURCES = ("model", "aligned")  # timing sources that time each word (else each sentence)
_LANG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")


@dataclass
class Spoken:
    """One chapter of the read-along: title, chapter WAV, rate, its text and the timed units
    as (start s, end s, char start, char end) in the text."""

    title: str
    wav: Path
    rate: int
    text: str
    units: list[tuple[float, float, int, int]]
    seconds: float


def timed_units(text: str, timings: list[dict]) -> list[tuple[float, float, int, int]]:
    """(start, end, char start, char end) of each word (chunks with word timings) or sentence
    (the others) of ``text``, from the chunks' timing records (book.subtitles) in order."""
    spoken: list[SpokenWord] = []
    starts, word_level = [], []
    offset = 0
    for data in timings:
        rate = float(data["rate"])
        starts.append(offset / rate)
        word_level.append(data.get("source") in WORD_SOURCES)
        spoken += [SpokenWord(w, s, e, int(last)).shifted(offset / rate) for w, s, e, last in data["words"]]
        offset += int(data["samples"])
    units: list[tuple[float, float, int, int]] = []
    sentence: list = []
    words = map_words(text, spoken)
    for k, word in enumerate(words):
        chunk = max(0, bisect_right(starts, word.start) - 1)
        if word_level[chunk]:
            units.append((word.start, word.end, word.char_start, word.char_end))
            continue
        sentence.append(word)
        following = words[k + 1] if k + 1 < len(words) else None
        if word.sentence_end or following is None or bisect_right(starts, following.start) - 1 != chunk:
            units.append((sentence[0].start, max(w.end for w in sentence), sentence[0].char_start,
                          sentence[-1].char_end))
            sentence = []
    return units


def language(value: str | None) -> str:
    """The book's language as a BCP 47 tag for the EPUB (``en`` when it is missing or not one)."""
    tag = (value or "").split(",")[0].strip().replace("_", "-")
    return tag if _LANG.match(tag) else "en"


def _clock(seconds: float) -> str:
    return f"{seconds:.3f}s"


def _clips(n: int, chapter: Spoken) -> list[tuple[str, int, int]]:
    """(id, char start, char end) of the units that get a clip: those with a positive duration."""
    return [(f"c{n:03d}w{k:05d}", a, b) for k, (_, _, a, b) in enumerate(chapter.units)]


def _times(chapter: Spoken) -> list[tuple[float, float]]:
    """Clip times: each unit from its start until the next one starts (the last until its end)."""
    out = []
    for k, (start, end, _, _) in enumerate(chapter.units):
        following = chapter.units[k + 1][0] if k + 1 < len(chapter.units) else None
        stop = following if following is not None and following > start else max(end, start)
        out.append((round(start, 3), round(min(stop, chapter.seconds), 3)))
    return out


def _page(n: int, chapter: Spoken, lang: str) -> tuple[str, set[str]]:
    content, placed = body(chapter.text, _clips(n, chapter))
    tag = xml_text(lang)
    page = (f'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
            f'<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" '
            f'lang="{tag}" xml:lang="{tag}">\n<head><title>{xml_text(chapter.title)}</title>'
            f'<link rel="stylesheet" type="text/css" href="style.css"/></head>\n'
            f'<body><section id="c{n:03d}text" epub:type="chapter">\n{content}\n</section></body></html>\n')
    return page, placed


def _smil(n: int, chapter: Spoken, placed: set[str]) -> str:
    pars = "\n".join(
        f'<par id="c{n:03d}p{k:05d}"><text src="c{n:03d}.xhtml#{ident}"/>'
        f'<audio src="audio/c{n:03d}.mp3" clipBegin="{_clock(start)}" clipEnd="{_clock(end)}"/></par>'
        for k, ((ident, _, _), (start, end)) in enumerate(zip(_clips(n, chapter), _times(chapter)))
        if ident in placed and end > start)
    return ('<?xml version="1.0" encoding="utf-8"?>\n<smil xmlns="http://www.w3.org/ns/SMIL" '
            'xmlns:epub="http://www.idpf.org/2007/ops" version="3.0">\n'
            f'<body><seq id="c{n:03d}seq" epub:textref="c{n:03d}.xhtml#c{n:03d}text" epub:type="chapter">\n'
            f'{pars}\n</seq></body></smil>\n')


def _hms(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 3600}:{whole // 60 % 60:02d}:{whole % 60:02d}.{int(round((seconds - whole) * 1000)) % 1000:03d}"


def _opf(book: Book, chapters: list[Spoken], ident: str, lang: str, cover_type: str | None) -> str:
    items, spine, durations = [], [], []
    for n, chapter in enumerate(chapters, 1):
        items += [f'<item id="c{n:03d}" href="c{n:03d}.xhtml" media-type="application/xhtml+xml" '
                  f'media-overlay="c{n:03d}smil"/>',
                  f'<item id="c{n:03d}smil" href="c{n:03d}.smil" media-type="application/smil+xml"/>',
                  f'<item id="c{n:03d}audio" href="audio/c{n:03d}.mp3" media-type="audio/mpeg"/>']
        spine.append(f'<itemref idref="c{n:03d}"/>')
        durations.append(f'<meta property="media:duration" refines="#c{n:03d}smil">{_hms(chapter.seconds)}</meta>')
    if cover_type:
        ext = "png" if cover_type == "image/png" else "jpg"
        items.append(f'<item id="cover" href="cover.{ext}" media-type="{xml_text(cover_type)}" properties="cover-image"/>')
    author = f"<dc:creator>{xml_text(book.author)}</dc:creator>" if book.author else ""
    total = _hms(sum(c.seconds for c in chapters))
    return ('<?xml version="1.0" encoding="utf-8"?>\n'
            '<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">\n'
            '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
            f'<dc:identifier id="id">urn:uuid:{ident}</dc:identifier><dc:title>{xml_text(book.title) or "Untitled"}</dc:title>'
            f'<dc:language>{xml_text(lang)}</dc:language>{author}\n'
            '<meta property="dcterms:modified">2000-01-01T00:00:00Z</meta>\n'
            f'<meta property="media:duration">{total}</meta>\n' + "\n".join(durations) + "\n"
            f'<meta property="media:active-class">{ACTIVE_CLASS}</meta>\n</metadata>\n<manifest>\n'
            '<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>\n'
            '<item id="style" href="style.css" media-type="text/css"/>\n' + "\n".join(items) +
            '\n</manifest>\n<spine>\n' + "\n".join(spine) + '\n</spine>\n</package>\n')


def _nav(chapters: list[Spoken], lang: str) -> str:
    links = "\n".join(f'<li><a href="c{n:03d}.xhtml">{xml_text(c.title)}</a></li>'
                      for n, c in enumerate(chapters, 1))
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n<html xmlns="http://www.w3.org/1999/xhtml" '
            f'xmlns:epub="http://www.idpf.org/2007/ops" lang="{xml_text(lang)}" xml:lang="{xml_text(lang)}"><head><title>Contents</title></head>\n'
            f'<body><nav epub:type="toc" id="toc"><h1>Contents</h1><ol>\n{links}\n</ol></nav></body></html>\n')


CONTAINER = ('<?xml version="1.0" encoding="utf-8"?>\n<container version="1.0" '
             'xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
             '<rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>'
             '</rootfiles></container>\n')


def write(target: Path, book: Book, chapters: list[Spoken], scratch: Path, *, bitrate: str | None = None,
          cover: bytes | None = None, cover_type: str | None = None) -> None:
    """Write the read-along EPUB to ``target`` (atomically; chapter MP3s are encoded in ``scratch``)."""
    from ..fsio import AtomicFile

    lang = language(book.language)
    ident = str(uuid.uuid5(uuid.NAMESPACE_URL, f"ttscli:{book.title}:{book.author}"))
    mp3s = []
    for n, chapter in enumerate(chapters, 1):
        mp3 = scratch / f"c{n:03d}.mp3"
        encode([chapter.wav], chapter.rate, mp3, "mp3", bitrate=bitrate or "64k")
        mp3s.append(mp3)
    with AtomicFile(target, user_output=True) as atomic, zipfile.ZipFile(atomic.tmp, "w") as zf:
        def put(name: str, data, compress: int = zipfile.ZIP_DEFLATED) -> None:
            zf.writestr(zipfile.ZipInfo(name, (2000, 1, 1, 0, 0, 0)), data, compress_type=compress)

        put("mimetype", "application/epub+zip", zipfile.ZIP_STORED)  # first and stored, as EPUB requires
        put("META-INF/container.xml", CONTAINER)
        put("OEBPS/content.opf", _opf(book, chapters, ident, lang, cover_type if cover else None))
        put("OEBPS/nav.xhtml", _nav(chapters, lang))
        put("OEBPS/style.css", f".{ACTIVE_CLASS} {{ background-color: #ffef9f; }}\n")
        if cover:
            put(f"OEBPS/cover.{'png' if cover_type == 'image/png' else 'jpg'}", cover, zipfile.ZIP_STORED)
        for n, (chapter, mp3) in enumerate(zip(chapters, mp3s), 1):
            page, placed = _page(n, chapter, lang)
            put(f"OEBPS/c{n:03d}.xhtml", page)
            put(f"OEBPS/c{n:03d}.smil", _smil(n, chapter, placed))
            put(f"OEBPS/audio/c{n:03d}.mp3", mp3.read_bytes(), zipfile.ZIP_STORED)
