"""`ttscli batch` end to end with the bundled Piper voice: EPUB → M4B, Markdown, text inputs."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from support.book_helpers import CHAPTERS, MARKDOWN_BOOK, make_epub, png
from support.cli import run_cli

pytestmark = pytest.mark.slow


def _ok(proc):
    assert proc.returncode == 0, proc.stderr.decode()
    return proc.stdout.decode()


def _chapters_of(path: Path) -> tuple[dict, list[tuple[str, float, float]]]:
    """(global tags, [(title, start s, end s)]) read back by ffmpeg (-f ffmetadata)."""
    from ttscli.audio.ffmpeg import metadata

    text = metadata(path)
    head, *blocks = text.split("[CHAPTER]")
    tags = dict(line.split("=", 1) for line in head.splitlines()[1:] if "=" in line)
    chapters = []
    for block in blocks:
        fields = dict(line.split("=", 1) for line in block.strip().splitlines() if "=" in line)
        num, den = (int(x) for x in fields["TIMEBASE"].split("/"))
        scale = num / den
        chapters.append((fields["title"], int(fields["START"]) * scale, int(fields["END"]) * scale))
    return tags, chapters


@pytest.fixture(scope="module")
def epub_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("epub")
    book = make_epub(tmp / "voyage.epub", cover=png(16, 16, (10, 120, 200)))
    out = tmp / "out"
    proc = run_cli("batch", str(book), "-o", str(out), "--format", "m4b", "--format", "flac", "--format", "mp3",
                   "--narrator", "Joe")
    return book, out, _ok(proc)


def test_epub_to_m4b_has_three_chapters_in_order_with_tags_and_cover(epub_run):
    from mutagen.mp4 import MP4

    _, out, stdout = epub_run
    m4b = out / "voyage.m4b"
    assert m4b.is_file() and str(m4b) in stdout
    tags, chapters = _chapters_of(m4b)
    assert [c[0] for c in chapters] == [name for name, _ in CHAPTERS]  # the copyright page is skipped
    assert tags["title"] == "A Short Voyage" and tags["artist"] == "Ada Writer" and tags["composer"] == "Joe"
    assert tags["genre"] == "Audiobook"
    mp4 = MP4(str(m4b))
    assert mp4.tags["©nam"] == ["A Short Voyage"] and mp4.tags["©ART"] == ["Ada Writer"]
    cover = bytes(mp4.tags["covr"][0])
    assert cover == png(16, 16, (10, 120, 200))
    assert mp4.info.codec.startswith("mp4a") and mp4.info.sample_rate == 22050
    # chapter markers line up with the per-chapter files
    flacs = sorted((out / "voyage").glob("*.flac"))
    assert [re.sub(r"^\d+ - ", "", f.stem) for f in flacs] == [name for name, _ in CHAPTERS]
    for (title, start, end), flac in zip(chapters, flacs):
        info = sf.info(str(flac))
        assert abs((end - start) - info.duration) < 0.01, (title, end - start, info.duration)
        assert info.duration > 2.0
    assert abs(chapters[-1][2] - mp4.info.length) < 0.1
    for prev, nxt in zip(chapters, chapters[1:]):
        assert prev[2] == pytest.approx(nxt[1])


def test_chapter_files_are_speech_at_the_loudness_target(epub_run):
    import pyloudnorm

    _, out, _ = epub_run
    for flac in sorted((out / "voyage").glob("*.flac")):
        audio, rate = sf.read(str(flac))
        assert rate == 22050 and np.abs(audio).max() > 0.1
        loudness = pyloudnorm.Meter(rate).integrated_loudness(audio)
        peak_db = 20 * np.log10(np.abs(audio).max())
        assert peak_db < -0.99  # the ceiling
        # at the target (-20 LUFS), or as close as the -1 dBFS peak ceiling allows
        assert abs(loudness + 20.0) < 0.5 or (loudness < -20.0 and peak_db > -1.05), (flac.name, loudness, peak_db)


def test_mp3_chapters_carry_id3_tags_and_cover(epub_run):
    from mutagen.id3 import ID3

    _, out, _ = epub_run
    mp3s = sorted((out / "voyage").glob("*.mp3"))
    assert len(mp3s) == 3
    tags = ID3(str(mp3s[1]))
    assert str(tags["TIT2"]) == "The Storm" and str(tags["TALB"]) == "A Short Voyage"
    assert str(tags["TPE1"]) == "Ada Writer" and str(tags["TCOM"]) == "Joe"
    assert str(tags["TRCK"]) == "2/3"  # the second chapter spoken (the copyright page is not a track)
    assert tags.getall("APIC")[0].data == png(16, 16, (10, 120, 200))


def test_asr_hears_the_chapter_text(epub_run, whisper):
    from support.asr import transcribe, word_errors

    _, out, _ = epub_run
    flac = sorted((out / "voyage").glob("*.flac"))[1]
    audio, rate = sf.read(str(flac), dtype="float32")
    heard = transcribe(whisper, audio, rate)
    name, paragraphs = CHAPTERS[1]
    errors, words = word_errors(" ".join([name, *paragraphs]), heard)
    assert errors / words < 0.4, heard  # tiny.en on 15 words


def test_rerun_reuses_every_chunk(epub_run):
    book, out, _ = epub_run
    before = (out / "voyage.m4b").read_bytes()
    stdout = _ok(run_cli("batch", str(book), "-o", str(out), "--format", "m4b", "--format", "flac", "--format", "mp3",
                         "--narrator", "Joe"))
    assert "0 chunks synthesized" in stdout
    assert (out / "voyage.m4b").read_bytes() == before


def test_markdown_book_with_headings(tmp_path):
    src = tmp_path / "garden.md"
    src.write_text(MARKDOWN_BOOK)
    listing = _ok(run_cli("batch", str(src), "--list-chapters"))
    assert "The Garden Book" in listing
    for name in ("Spring", "Summer", "Autumn"):
        assert name in listing
    out = tmp_path / "out"
    _ok(run_cli("batch", str(src), "-o", str(out), "--chapters", "2-4", "--format", "wav", "--format", "m4b"))
    wavs = sorted((out / "garden").glob("*.wav"))
    assert [w.stem for w in wavs] == ["02 - Spring", "03 - Summer", "04 - Autumn"]
    tags, chapters = _chapters_of(out / "garden.m4b")
    assert [c[0] for c in chapters] == ["Spring", "Summer", "Autumn"]
    assert tags["title"] == "The Garden Book"
    for wav in wavs:
        audio, rate = sf.read(str(wav))
        assert rate == 22050 and len(audio) / rate > 1.5 and np.abs(audio).max() > 0.1


def test_text_book_crlf_bom_and_latin1(tmp_path):
    text = "CHAPTER I\r\n\r\nThe café opened early.\r\n\r\nCHAPTER II\r\n\r\nIt closed late.\r\n"
    utf8 = tmp_path / "bom.txt"
    utf8.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    latin = tmp_path / "latin.txt"
    latin.write_bytes(text.encode("latin-1"))
    for path in (utf8, latin):
        listing = _ok(run_cli("batch", str(path), "--list-chapters"))
        assert re.search(r"1\s+CHAPTER I\s", listing) and re.search(r"2\s+CHAPTER II\s", listing), listing
    forced = run_cli("batch", str(latin), "--list-chapters", "--encoding", "utf-8")
    assert forced.returncode == 3
    out = tmp_path / "out"
    stdout = _ok(run_cli("batch", str(utf8), str(latin), "-o", str(out), "--format", "flac", "--format", "m4b"))
    assert (out / "bom.m4b").is_file() and (out / "latin.m4b").is_file() and "latin" in stdout
    # same words, same voice: the two books' chapters are the same audio
    a = sorted((out / "bom").glob("*.flac"))
    b = sorted((out / "latin").glob("*.flac"))
    assert len(a) == len(b) == 2
    assert [sf.read(str(x))[0].tolist() == sf.read(str(y))[0].tolist() for x, y in zip(a, b)] == [True, True]


def test_split_on_and_form_feeds(tmp_path):
    src = tmp_path / "pages.txt"
    src.write_text("First page words.\fSecond page words.\f\fThird page words.\n")
    listing = _ok(run_cli("batch", str(src), "--list-chapters"))
    assert len([ln for ln in listing.splitlines() if re.match(r"\s+\d+\s", ln)]) == 3
    src2 = tmp_path / "scenes.txt"
    src2.write_text("*** Morning\nSun.\n*** Evening\nMoon.\n")
    listing = _ok(run_cli("batch", str(src2), "--list-chapters", "--split-on", r"^\*\*\* "))
    assert "*** Morning" in listing and "*** Evening" in listing


def test_jobs_2_keeps_book_order_and_matches_a_single_threaded_run(tmp_path):
    """Two workers with one thread each give the same bytes as one worker with one thread:
    results come back in book order, and only the thread count changes ONNX Runtime's sums."""
    src = tmp_path / "garden.md"
    src.write_text(MARKDOWN_BOOK)
    cover = tmp_path / "cover.png"
    cover.write_bytes(png(4, 4, (0, 200, 0)))
    one, two = tmp_path / "one", tmp_path / "two"
    _ok(run_cli("--threads", "1", "batch", str(src), "-o", str(one), "--jobs", "1", "--cover", str(cover)))
    _ok(run_cli("--threads", "1", "batch", str(src), "-o", str(two), "--jobs", "2", "--cover", str(cover)))
    assert (one / "garden.m4b").read_bytes() == (two / "garden.m4b").read_bytes()
    from mutagen.mp4 import MP4

    assert bytes(MP4(str(two / "garden.m4b")).tags["covr"][0]) == png(4, 4, (0, 200, 0))
