"""`batch --format epub`: a read-along EPUB 3 whose media overlays point at real text and audio."""

from __future__ import annotations

import posixpath
import re
import zipfile

import numpy as np
import pytest
from support.cli import run_cli

pytestmark = pytest.mark.slow

BOOK = """# The Lamp

## Evening

The keeper climbed the stairs. She lit the lamp before dark.

The beam swept across the water.

## Night

A small boat came into the harbour. Its sail was torn.
"""


@pytest.fixture(scope="module")
def readalong(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("readalong")
    src = tmp / "lamp.md"
    src.write_text(BOOK)
    proc = run_cli("batch", str(src), "-o", str(tmp / "lamp.epub"))
    assert proc.returncode == 0, proc.stderr.decode()
    return tmp / "lamp.epub"


def _clips(book):
    """(xhtml name, span id, text, audio name, begin, end) of every SMIL clip, via ebooklib."""
    import lxml.etree as et

    clips = []
    for item in book.get_items():
        if item.media_type != "application/smil+xml":
            continue
        root = et.fromstring(item.get_content())
        ns = {"s": "http://www.w3.org/ns/SMIL"}
        base = posixpath.dirname(item.get_name())
        for par in root.iterfind(".//s:par", ns):
            text, audio = par.find("s:text", ns), par.find("s:audio", ns)
            page, _, anchor = text.get("src").partition("#")
            clips.append((posixpath.join(base, page), anchor, posixpath.join(base, audio.get("src")),
                          float(audio.get("clipBegin").rstrip("s")), float(audio.get("clipEnd").rstrip("s"))))
    return clips


def test_every_clip_points_at_existing_text_and_audio(readalong):
    import lxml.html
    from ebooklib import epub

    with zipfile.ZipFile(readalong) as zf:
        assert zf.namelist()[0] == "mimetype" and zf.read("mimetype") == b"application/epub+zip"
        assert zf.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
    book = epub.read_epub(str(readalong))
    assert book.title == "The Lamp"
    clips = _clips(book)
    assert len(clips) == 7  # two headings and five sentences
    from ttscli.audio.ffmpeg import decode

    durations = {}
    spoken = []
    for page, anchor, audio, begin, end in clips:
        item = book.get_item_with_href(page)
        assert item is not None, page
        span = lxml.html.fromstring(item.get_content()).get_element_by_id(anchor)
        spoken.append(span.text_content())
        media = book.get_item_with_href(audio)
        assert media is not None and media.media_type == "audio/mpeg", audio
        if audio not in durations:
            path = readalong.parent / "clip.mp3"
            path.write_bytes(media.get_content())
            durations[audio] = len(decode(path, 16000)) / 16000
        assert 0 <= begin < end <= durations[audio] + 0.05, (anchor, begin, end, durations[audio])
    assert spoken[1:3] == ["The keeper climbed the stairs.", "She lit the lamp before dark."]
    smil_items = [i for i in book.get_items() if i.media_type == "application/smil+xml"]
    assert len(smil_items) == 2


def test_clips_say_their_own_sentence(readalong, whisper):
    """Two neighbouring clips: each holds its sentence's last word and not the other's."""
    from support.asr import transcribe
    from ebooklib import epub

    from ttscli.audio.ffmpeg import decode

    book = epub.read_epub(str(readalong))
    clips = _clips(book)
    path = readalong.parent / "c1.mp3"
    path.write_bytes(book.get_item_with_href(clips[1][2]).get_content())
    samples = decode(path, 16000)
    heard = [transcribe(whisper, samples[int(begin * 16000):int(end * 16000)], 16000).lower()
             for _, _, _, begin, end in clips[1:3]]
    assert "stairs" in heard[0] and "dark" not in heard[0], heard
    assert "dark" in heard[1] and "stairs" not in heard[1], heard
    assert np.isfinite(samples).all() and all(re.search(r"\w", h) for h in heard)
