"""`batch --format epub`: a read-along EPUB 3 whose media overlays point at real text and audio."""

from __future__ import annotations

import posixpath
import re
import zipfile

import numpy as np
import pytest
from support.book_helpers import epubcheck, make_epub
from support.cli import run_cli

pytestmark = pytest.mark.slow

BOOK = """# The Lamp

## Evening

The keeper climbed the **stairs**. She lit the lamp before [dark](https://example.org/a?b=1&c=2).

- The beam swept *across the water* for $42.50
- and came back

## Night

A small boat came into the harbour. Its sail was torn. Nobody moved. Then the keeper waved. Rain fell.
"""


@pytest.fixture(scope="module")
def readalong(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("readalong")
    src = tmp / "lamp.md"
    src.write_text(BOOK)
    proc = run_cli("batch", str(src), "-o", str(tmp / "lamp.epub"))
    assert proc.returncode == 0, proc.stderr.decode()
    return tmp / "lamp.epub"


def test_readalong_passes_epubcheck(readalong):
    epubcheck(readalong)


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


def test_every_clip_points_at_one_word_of_the_books_own_text(readalong):
    import lxml.html
    from ebooklib import epub

    with zipfile.ZipFile(readalong) as zf:
        assert zf.namelist()[0] == "mimetype" and zf.read("mimetype") == b"application/epub+zip"
        assert zf.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
    book = epub.read_epub(str(readalong))
    assert book.title == "The Lamp"
    clips = _clips(book)
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
    # one highlight per word of the book as written (the money is one: "forty-two dollars and fifty cents")
    assert spoken[:8] == ["Evening", "The", "keeper", "climbed", "the", "stairs.", "She", "lit"], spoken
    assert "$42.50" in spoken and not any("forty" in s for s in spoken)
    starts = [c[3] for c in clips if c[0] == clips[0][0]]
    assert starts == sorted(starts)
    assert len({c[0] for c in clips}) == 2


def test_markup_of_the_input_is_kept(readalong):
    import lxml.etree as et

    with zipfile.ZipFile(readalong) as zf:
        page = et.fromstring(zf.read("OEBPS/c001.xhtml"))
    ns = {"h": "http://www.w3.org/1999/xhtml"}
    assert page.find(".//h:h2", ns) is not None
    assert "".join(page.find(".//h:strong", ns).itertext()) == "stairs"
    link = page.find(".//h:a", ns)
    assert link.get("href") == "https://example.org/a?b=1&c=2" and link.text == "dark"
    emphasis = ["".join(e.itertext()) for e in page.iterfind(".//h:em", ns)]
    assert [t for t in emphasis if t.strip()] == ["across", "the", "water"]
    assert len(page.findall(".//h:ul/h:li", ns)) == 2
    ids = [e.get("id") for e in page.iter() if e.get("id")]
    assert len(ids) == len(set(ids))


def test_word_clips_hold_their_own_sentence(readalong, whisper):
    """From a sentence's first word to its last: the sentence is heard, not its neighbour's last word."""
    from support.asr import transcribe
    from ebooklib import epub

    from ttscli.audio.ffmpeg import decode

    book = epub.read_epub(str(readalong))
    clips = _clips(book)
    path = readalong.parent / "c1.mp3"
    path.write_bytes(book.get_item_with_href(clips[1][2]).get_content())
    samples = decode(path, 16000)
    first = clips[1:6]  # The keeper climbed the stairs.
    second = clips[6:12]  # She lit the lamp before dark.
    heard = [transcribe(whisper, samples[int(part[0][3] * 16000):int(part[-1][4] * 16000)], 16000).lower()
             for part in (first, second)]
    assert "stairs" in heard[0] and "dark" not in heard[0], heard
    assert "dark" in heard[1] and "stairs" not in heard[1], heard
    assert np.isfinite(samples).all() and all(re.search(r"\w", h) for h in heard)


def _gapless(mp3: bytes) -> tuple[int, int, int]:
    """(samples the MP3's frames decode to, encoder delay, end padding) from its Xing/Info frame and LAME tag."""
    import struct

    header = struct.unpack(">I", mp3[:4])[0]
    per_frame = 1152 if (header >> 19) & 3 == 3 else 576  # MPEG-1 layer III, else MPEG-2/2.5
    at = max(mp3.find(b"Info", 0, 200), mp3.find(b"Xing", 0, 200))
    assert at > 0, "no Xing/Info frame: a player cannot know the encoder delay"
    flags = struct.unpack(">I", mp3[at + 4:at + 8])[0]
    assert flags & 1, "the Info frame does not give the frame count"
    frames = struct.unpack(">I", mp3[at + 8:at + 12])[0]
    tag = at + 8 + 4 * bool(flags & 1) + 4 * bool(flags & 2) + 100 * bool(flags & 4) + 4 * bool(flags & 8)
    delay_padding = mp3[tag + 21:tag + 24]
    delay = delay_padding[0] << 4 | delay_padding[1] >> 4
    padding = (delay_padding[1] & 0x0F) << 8 | delay_padding[2]
    return frames * per_frame, delay, padding


def test_each_mp3_plays_on_the_smil_clock(readalong):
    """The SMIL times count from the chapter's first sample. The MP3 encoder puts its delay (and end
    padding) around the audio and says how much in the LAME tag; a decoder that honours it (ffmpeg,
    libsndfile/mpg123, browsers) gives back the chapter WAV sample for sample, at lag 0."""
    import soundfile as sf

    from ttscli.audio.ffmpeg import decode

    chapters = {}
    for wav in (readalong.parent / ".ttscli" / "lamp" / "chapters").glob("*.wav"):
        audio, rate = sf.read(str(wav), dtype="float32")
        chapters[len(audio)] = audio
    with zipfile.ZipFile(readalong) as zf:
        mp3s = [zf.read(n) for n in sorted(zf.namelist()) if n.endswith(".mp3")]
    assert len(mp3s) == 2 == len(chapters)
    for mp3 in mp3s:
        coded, delay, padding = _gapless(mp3)
        assert delay > 0 and padding >= 0
        path = readalong.parent / "clock.mp3"
        path.write_bytes(mp3)
        decoded = decode(path, rate)
        assert len(decoded) == coded - delay - padding, (len(decoded), coded, delay, padding)
        wav = chapters[len(decoded)]  # the chapter it was encoded from has exactly its length
        n = min(len(wav), 4 * rate)
        lags = range(-1500, 1501)  # more than an MP3 encoder + decoder delay (1105 samples)
        score = [float(np.dot(wav[max(0, -lag):n - max(0, lag)], decoded[max(0, lag):n - max(0, -lag)]))
                 for lag in lags]
        assert lags[int(np.argmax(score))] == 0
        assert np.corrcoef(wav, decoded)[0, 1] > 0.98


def _onsets(audio: np.ndarray, rate: int) -> np.ndarray:
    """Times where the level (5 ms RMS, 2 ms steps) rises above speech - 30 dB after at least 60 ms below
    speech - 45 dB (speech: the 90th percentile level)."""
    hop, window = round(0.002 * rate), round(0.005 * rate)
    db = 10 * np.log10(np.convolve(audio.astype(np.float64) ** 2, np.ones(window) / window, "same")[::hop] + 1e-12)
    speech = np.percentile(db, 90)
    found, quiet = [], 0
    for i, value in enumerate(db):
        if value < speech - 45:
            quiet += 1
        elif value > speech - 30:
            if quiet >= 30:
                found.append(i * hop / rate)
            quiet = 0
    return np.asarray(found)


def test_a_sentences_first_word_lights_up_when_its_sound_starts(readalong):
    """After the pause between sentences the word's start is plain in the audio: its clip begins within
    a few milliseconds after that onset (the model's time for its first phoneme), not in the pause before
    it and not 50 ms early as it would be if the MP3's encoder delay were ignored."""
    from ebooklib import epub

    from ttscli.audio.ffmpeg import decode

    book = epub.read_epub(str(readalong))
    clips = _clips(book)
    import lxml.html

    texts = [lxml.html.fromstring(book.get_item_with_href(c[0]).get_content()).get_element_by_id(c[1]).text_content()
             for c in clips]
    onsets = {}
    checked = []
    for k in range(1, len(clips)):
        if clips[k][0] != clips[k - 1][0] or not re.search(r"[.!?]$", texts[k - 1]):
            continue
        audio = clips[k][2]
        if audio not in onsets:
            path = readalong.parent / "onsets.mp3"
            path.write_bytes(book.get_item_with_href(audio).get_content())
            onsets[audio] = _onsets(decode(path, 22050), 22050)
        near = onsets[audio][np.argmin(np.abs(onsets[audio] - clips[k][3]))]
        checked.append((texts[k], round(1000 * (clips[k][3] - near))))
    assert [word for word, _ in checked] == ["She", "The", "Its", "Nobody", "Then", "Rain"], checked
    assert all(-15 <= ms <= 40 for _, ms in checked), checked
    assert 0 <= sorted(ms for _, ms in checked)[len(checked) // 2] <= 30, checked


HOSTILE = 'Tom & "Jerry" <b>bold</b> ]]>'


@pytest.mark.parametrize("kind", ["txt", "epub"])
def test_txt_and_epub_inputs_validate_and_metadata_cannot_inject_markup(tmp_path, kind):
    """Values from the input (title, author, language, chapter titles, text) are escaped or validated:
    a language that is not a BCP 47 tag becomes "en", markup in a title is text."""
    import lxml.etree as et

    if kind == "txt":
        src = tmp_path / "tale.txt"
        src.write_text("Chapter 1\n\nIt was 3 < 4 & 5 > 2, said the <script>x</script> clerk.\x0b "
                       "The arrow --> pointed home.\n", encoding="utf-8")
    else:
        src = make_epub(tmp_path / "tale.epub", [(HOSTILE, ["It was a <em>dark</em> night &amp; a cold one."])],
                        title=HOSTILE, author=HOSTILE, toc_page=False, copyright_page=False)
        _set_language(src, 'en"><x y="')
    out = tmp_path / "out"
    proc = run_cli("batch", str(src), "-o", str(out), "--format", "epub")
    assert proc.returncode == 0, proc.stderr.decode()
    book = out / "tale.epub"
    epubcheck(book)
    with zipfile.ZipFile(book) as zf:
        opf = et.fromstring(zf.read("OEBPS/content.opf"))
        pages = [et.fromstring(zf.read(n)) for n in zf.namelist() if n.endswith(".xhtml")]
    dc = {"dc": "http://purl.org/dc/elements/1.1/"}
    assert opf.find(".//dc:language", dc).text == "en"
    if kind == "epub":
        assert opf.find(".//dc:title", dc).text == HOSTILE
        assert opf.find(".//dc:creator", dc).text == HOSTILE
    text = " ".join(" ".join(p.itertext()) for p in pages)
    assert ("3 < 4 & 5 > 2" in text) if kind == "txt" else ("dark" in text)
    if kind == "epub":  # the input's inline formatting is kept
        emphasis = [e for p in pages for e in p.iter("{http://www.w3.org/1999/xhtml}em")]
        assert ["".join(e.itertext()) for e in emphasis] == ["dark"]


def _set_language(path, value: str) -> None:
    """Rewrite the dc:language of an EPUB made by ebooklib (which would escape it)."""
    import shutil

    with zipfile.ZipFile(path) as zf:
        members = [(info, zf.read(info)) for info in zf.infolist()]
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w") as zf:
        for info, data in members:
            if info.filename.endswith(".opf"):
                data = re.sub(rb"<dc:language>[^<]*</dc:language>",
                              b"<dc:language>" + value.replace('"', "&quot;").replace("<", "&lt;")
                              .replace(">", "&gt;").encode() + b"</dc:language>", data)
            zf.writestr(info, data)
    shutil.move(tmp, path)


def test_sentence_units_where_the_voice_gives_no_word_timings():
    """A chunk timed per sentence (a family without word timings) gives one unit per sentence, exact at
    the chunk boundary; a chunk with model timings gives one unit per word."""
    from ttscli.book.readalong import timed_units

    text = "One two. Three four.\n\nFive six."
    sentence = {"rate": 100, "samples": 400, "source": "sentence",
                "words": [["One", 0.0, 1.0, 0], ["two.", 1.0, 2.0, 1], ["Three", 2.0, 3.0, 0], ["four.", 3.0, 3.9, 2]]}
    model = {"rate": 100, "samples": 200, "source": "model", "words": [["Five", 0.1, 0.9, 0], ["six.", 1.0, 1.8, 2]]}
    units = timed_units(text, [sentence, model])
    assert [text[a:b] for _, _, a, b in units] == ["One two.", "Three four.", "Five", "six."]
    assert [(s, e) for s, e, _, _ in units] == [(0.0, 2.0), (2.0, 3.9), (4.1, 4.9), (5.0, 5.8)]


@pytest.mark.parametrize("source, shown", [
    ("**two words** end", ["two", "words", "end"]),
    ("a \\*star\\* &amp; [x](javascript:alert) <script>b</script>", ["a", "*star*", "&", "x", "b"]),
    ("`code <i>` and ~~gone~~", ["code", "and", "gone"]),
])
def test_inline_markup_never_crosses_a_word_span(source, shown):
    import lxml.etree as et

    from ttscli.book.readalong_text import body
    from ttscli.text.alignment import OriginalMap

    mapper = OriginalMap(source)
    units = [(f"w{k}", u.start, u.end) for k, u in enumerate(mapper.feed([w for w in " ".join(shown).split()])
                                                             + mapper.finish())]
    content, placed = body(source, units)
    page = et.fromstring(f'<div xmlns="http://www.w3.org/1999/xhtml">{content}</div>')
    spans = {e.get("id"): "".join(e.itertext()) for e in page.iter("{http://www.w3.org/1999/xhtml}span")}
    assert set(spans) == placed
    assert " ".join(spans.values()).split() == " ".join(shown).split()
    assert all(a.get("href", "").startswith("https") for a in page.iter("{http://www.w3.org/1999/xhtml}a"))
    assert "<i>" not in source or "code <i>" in "".join(page.itertext())  # shown as text, not markup


@pytest.mark.parametrize("variant", ["plain", "cover", "no toc page", "empty"])
def test_input_epubs_the_tests_make_validate(tmp_path, variant):
    """The EPUBs the batch tests read are valid EPUBs too (a failure there would be the fixture's, not ours)."""
    from support.book_helpers import make_empty_epub, png

    path = tmp_path / "in.epub"
    if variant == "empty":
        make_empty_epub(path)
    else:
        make_epub(path, cover=png(16, 16, (10, 120, 200)) if variant == "cover" else None,
                  toc_page=variant != "no toc page")
    epubcheck(path)
