"""``batch --format epub``: an EPUB 3 read-along book (media overlays) from any input.

Each spoken chapter becomes an XHTML page whose sentences are ``<span id>``s,
an MP3 of the chapter (the normalized chapter audio) and a SMIL file that pairs
every sentence with its clip, so a reading system highlights the sentence
being spoken. Clip times are exact at chunk boundaries (a chunk's sample count
in the chapter); inside a chunk (the engine does not report where a sentence
ends) a guess by characters is moved to the quietest moment near it. The text shown
is what the voice reads: the front end's text (numbers and abbreviations
spelled out). The EPUB is a zip written here: ``mimetype`` first and stored.
"""

from __future__ import annotations

import html
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .assemble import encode
from .model import Book

ACTIVE_CLASS = "-epub-media-overlay-active"


@dataclass
class Spoken:
    """One chapter of the read-along: title, chapter WAV, rate and its sentences
    as (paragraph number, text, start s, end s)."""

    title: str
    wav: Path
    rate: int
    sentences: list[tuple[int, str, float, float]]

    @property
    def seconds(self) -> float:
        return self.sentences[-1][3] if self.sentences else 0.0


def _quietest(audio, lo: int, hi: int, frame: int) -> int:
    """The middle of the quietest ``frame``-long stretch of ``audio[lo:hi]`` (a pause between sentences)."""
    import numpy as np

    if hi - lo < 2 * frame:
        return (lo + hi) // 2
    x = np.asarray(audio[lo:hi], dtype=np.float32) ** 2
    energy = np.convolve(x, np.ones(frame, np.float32), mode="valid")
    return lo + int(np.argmin(energy)) + frame // 2


def sentence_times(chunks: list[tuple[tuple, object]], rate: int) -> list[tuple[int, str, float, float]]:
    """(paragraph, text, start, end) of every segment, from (segments, samples) of each chunk in order.

    Within a chunk, a first guess shares the speech out by characters; each boundary then moves to
    the quietest 30 ms within half a second of the guess (the pause between two sentences)."""
    out: list[tuple[int, str, float, float]] = []
    start = 0
    paragraph = 0
    frame = int(0.03 * rate)
    for segments, audio in chunks:
        frames = len(audio)
        texts = [s for s in segments if s[0].strip()]
        weight = sum(len(s[0]) for s in texts) or 1
        guesses, at = [0], 0.0
        for seg in texts[:-1]:
            at += frames * len(seg[0]) / weight
            guesses.append(int(at))
        bounds = [0]
        for k in range(1, len(guesses)):
            reach = int(0.5 * rate)
            lo = max(bounds[-1] + frame, guesses[k] - reach)
            hi = min(frames - frame, guesses[k] + reach)
            bounds.append(_quietest(audio, lo, hi, frame) if hi > lo else guesses[k])
        bounds.append(frames)
        for k, seg in enumerate(texts):
            out.append((paragraph, seg[0].strip(), (start + bounds[k]) / rate, (start + bounds[k + 1]) / rate))
            if seg[2]:  # paragraph_end
                paragraph += 1
        start += frames
    return out


def _clock(seconds: float) -> str:
    return f"{seconds:.3f}s"


def _page(n: int, chapter: Spoken, lang: str) -> str:
    paragraphs: dict[int, list[str]] = {}
    for k, (para, text, _, _) in enumerate(chapter.sentences):
        paragraphs.setdefault(para, []).append(f'<span id="c{n:03d}s{k:04d}">{html.escape(text)}</span>')
    body = "\n".join(f"<p>{' '.join(spans)}</p>" for spans in paragraphs.values())
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
            f'<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" '
            f'lang="{lang}" xml:lang="{lang}">\n<head><title>{html.escape(chapter.title)}</title>'
            f'<link rel="stylesheet" type="text/css" href="style.css"/></head>\n'
            f'<body><h1>{html.escape(chapter.title)}</h1>\n{body}\n</body></html>\n')


def _smil(n: int, chapter: Spoken) -> str:
    pars = "\n".join(
        f'<par id="c{n:03d}p{k:04d}"><text src="c{n:03d}.xhtml#c{n:03d}s{k:04d}"/>'
        f'<audio src="audio/c{n:03d}.mp3" clipBegin="{_clock(start)}" clipEnd="{_clock(end)}"/></par>'
        for k, (_, _, start, end) in enumerate(chapter.sentences))
    return ('<?xml version="1.0" encoding="utf-8"?>\n<smil xmlns="http://www.w3.org/ns/SMIL" '
            'xmlns:epub="http://www.idpf.org/2007/ops" version="3.0">\n'
            f'<body><seq id="c{n:03d}seq" epub:textref="c{n:03d}.xhtml" epub:type="bodymatter chapter">\n'
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
        items.append(f'<item id="cover" href="cover.{ext}" media-type="{cover_type}" properties="cover-image"/>')
    author = f"<dc:creator>{html.escape(book.author)}</dc:creator>" if book.author else ""
    total = _hms(sum(c.seconds for c in chapters))
    return ('<?xml version="1.0" encoding="utf-8"?>\n'
            '<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">\n'
            '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
            f'<dc:identifier id="id">urn:uuid:{ident}</dc:identifier><dc:title>{html.escape(book.title)}</dc:title>'
            f'<dc:language>{lang}</dc:language>{author}\n'
            '<meta property="dcterms:modified">2000-01-01T00:00:00Z</meta>\n'
            f'<meta property="media:duration">{total}</meta>\n' + "\n".join(durations) + "\n"
            f'<meta property="media:active-class">{ACTIVE_CLASS}</meta>\n</metadata>\n<manifest>\n'
            '<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>\n'
            '<item id="style" href="style.css" media-type="text/css"/>\n' + "\n".join(items) +
            '\n</manifest>\n<spine>\n' + "\n".join(spine) + '\n</spine>\n</package>\n')


def _nav(chapters: list[Spoken], lang: str) -> str:
    links = "\n".join(f'<li><a href="c{n:03d}.xhtml">{html.escape(c.title)}</a></li>'
                      for n, c in enumerate(chapters, 1))
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n<html xmlns="http://www.w3.org/1999/xhtml" '
            f'xmlns:epub="http://www.idpf.org/2007/ops" lang="{lang}"><head><title>Contents</title></head>\n'
            f'<body><nav epub:type="toc" id="toc"><h1>Contents</h1><ol>\n{links}\n</ol></nav></body></html>\n')


CONTAINER = ('<?xml version="1.0" encoding="utf-8"?>\n<container version="1.0" '
             'xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
             '<rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>'
             '</rootfiles></container>\n')


def write(target: Path, book: Book, chapters: list[Spoken], scratch: Path, *, bitrate: str | None = None,
          cover: bytes | None = None, cover_type: str | None = None) -> None:
    """Write the read-along EPUB to ``target`` (atomically; chapter MP3s are encoded in ``scratch``)."""
    from ..fsio import AtomicFile

    lang = (book.language or "en").split(",")[0].strip() or "en"
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
            put(f"OEBPS/c{n:03d}.xhtml", _page(n, chapter, lang))
            put(f"OEBPS/c{n:03d}.smil", _smil(n, chapter))
            put(f"OEBPS/audio/c{n:03d}.mp3", mp3.read_bytes(), zipfile.ZIP_STORED)
