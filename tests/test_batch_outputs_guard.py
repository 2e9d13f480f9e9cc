"""Every file `batch` and `say` write is guarded like `-o`, temporaries of others are left alone,
and file names fit the file system in bytes (hardening round 3: data loss and file-name classes)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from support.book_helpers import make_epub
from support.cli import assert_clean_error, run_cli

from ttscli import fsio

pytestmark = pytest.mark.slow


def _old(path: Path) -> None:
    """Make ``path`` look like it was left long ago (older than any sweep's age limit)."""
    past = time.time() - 3600
    os.utime(path, (past, past), follow_symlinks=False)


# --- temporaries: only a dead writer's are removed
def test_sweep_keeps_a_live_writers_temporary_and_removes_a_dead_ones(tmp_path):
    live = fsio.AtomicFile(tmp_path / "theirs.wav")  # this process is the writer: it holds the lock
    live.tmp.write_bytes(b"in flight")
    _old(live.tmp)
    dead = tmp_path / ".gone.wav.ab12cd34.part"  # a killed writer's: nobody holds its lock
    dead.write_bytes(b"left behind")
    _old(dead)
    young = tmp_path / ".new.wav.ab12cd35.part"  # may be between its creation and its lock
    young.write_bytes(b"")
    foreign = tmp_path / ".notes.part"  # not a name ttscli makes
    foreign.write_bytes(b"x")
    _old(foreign)
    assert fsio.sweep_parts(tmp_path) == [dead]
    assert live.tmp.exists() and young.exists() and foreign.exists()
    live.commit()
    assert (tmp_path / "theirs.wav").read_bytes() == b"in flight"


def test_a_run_started_after_the_writer_died_removes_even_a_young_temporary(tmp_path):
    """`batch` resumed at once after a kill -9: the dead writer's temporary is younger than the age
    limit, but it was last written before the sweeping process started, so it cannot be between
    its creation and its lock."""
    import subprocess
    import sys

    dead = tmp_path / ".01 - Chapter 1.opus.dok191qk.part"
    dead.write_bytes(b"half an opus file")
    sweep = "import sys; from pathlib import Path; from ttscli import fsio; print(len(fsio.sweep_parts(Path(sys.argv[1]))))"
    proc = subprocess.run([sys.executable, "-c", sweep, str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "1" and not dead.exists()


def test_batch_leaves_another_process_write_in_flight(tmp_path):
    src = tmp_path / "book.txt"
    src.write_text("Chapter 1\n\nA short line.\n")
    out = tmp_path / "out"
    (out / "book").mkdir(parents=True)
    theirs = [fsio.AtomicFile(out / "other.m4b"), fsio.AtomicFile(out / "book" / "other.flac")]
    dead = out / "book" / ".01 - Chapter 1.flac.zz99yy88.part"
    for tmp in [a.tmp for a in theirs] + [dead]:
        tmp.write_bytes(b"data")
        _old(tmp)
    proc = run_cli("batch", str(src), "-o", str(out), "--format", "flac")
    assert proc.returncode == 0, proc.stderr.decode()
    assert all(a.tmp.read_bytes() == b"data" for a in theirs)
    assert not dead.exists()
    for atomic in theirs:
        atomic.commit()
    assert (out / "other.m4b").read_bytes() == b"data"


# --- every output is an output
def _unchanged(path: Path, data: bytes) -> None:
    assert path.read_bytes() == data, f"{path} was changed"


@pytest.mark.parametrize("how", ["same name", "symlink", "hard link"])
def test_batch_refuses_every_output_that_is_an_input(tmp_path, how):
    """The read-along EPUB onto an input EPUB, a subtitle file linked to the input text, a subtitle JSON
    that is the cast file: exit 2 before anything is made, inputs untouched."""
    out = tmp_path / "out"
    out.mkdir()
    book = make_epub(out / "tale.epub", copyright_page=False)
    text = out / "story.txt"
    text.write_text("Chapter 1\n\nThe end.\n")
    cast = out / "cast.toml"
    cast.write_text('narrator = "joe"\n[voices.joe]\nmodel = "piper:en_US-joe-medium"\n')
    cases = []
    if how == "same name":
        cases.append((book, ["--format", "epub"], book))
    else:
        link = out / "story.srt"
        if how == "symlink":
            link.symlink_to(text.name)
        else:
            os.link(text, link)
        cases.append((text, ["--subtitles", "srt"], text))
        cast_link = out / "story.json"
        cast_link.symlink_to(cast.name) if how == "symlink" else os.link(cast, cast_link)
        cases.append((text, ["--subtitles", "json", "--cast", str(cast_link)], cast))
    for src, extra, victim in cases:
        before = victim.read_bytes()
        proc = run_cli("batch", str(src), "-o", str(out), *extra)
        assert_clean_error(proc, 2, "is the input itself")
        _unchanged(victim, before)
        assert not (out / ".ttscli").exists()


def test_say_refuses_subtitles_and_timings_onto_inputs_and_each_other(tmp_path):
    text = tmp_path / "words.txt"
    text.write_text("Hello there.\n")
    lexicon = tmp_path / "lexicon.json"
    lexicon.write_text("{}")
    (tmp_path / "link.srt").symlink_to(text)
    (tmp_path / "lex.vtt").symlink_to(lexicon)
    base = ["say", "-f", str(text), "-o", str(tmp_path / "out.wav")]
    for extra, needle in (
            (["--subtitles", str(tmp_path / "link.srt")], "is the input itself"),
            (["--timings-jsonl", str(text)], "is the input itself"),
            (["--lexicon", str(lexicon), "--subtitles", str(tmp_path / "lex.vtt")], "is the input itself"),
            (["--subtitles", str(tmp_path / "a.srt"), "--timings-jsonl", str(tmp_path / "a.srt")], "same file"),
            (["--timings-jsonl", str(tmp_path / "out.wav")], "same file")):
        assert_clean_error(run_cli(*base, *extra), 2, needle)
        _unchanged(text, b"Hello there.\n")
        _unchanged(lexicon, b"{}")
        assert not (tmp_path / "out.wav").exists()


# --- file names in bytes
def test_file_names_are_capped_in_bytes(tmp_path):
    """A chapter title of 70 four-byte characters (280 bytes) and a book name near the limit: every file
    written fits in 255 bytes, and the run succeeds."""
    title = "\U00020000" * 70  # a CJK letter of four bytes
    stem = "\u00e9" * 120  # 240 bytes
    src = tmp_path / f"{stem}.md"
    src.write_text(f"# {title}\n\nA short line.\n\n# Two\n\nAnother line.\n", encoding="utf-8")
    out = tmp_path / "out"
    proc = run_cli("batch", str(src), "-o", str(out), "--format", "wav", "--subtitles", "srt")
    assert proc.returncode == 0, proc.stderr.decode()
    names = [p.name for p in out.rglob("*")]
    assert names and max(len(n.encode()) for n in names) <= 255
    chapter = next(p for p in out.rglob("01 - *.wav"))
    assert "\U00020000" in chapter.name and len(chapter.name.encode()) <= 255


def test_name_within_never_splits_a_character():
    assert fsio.name_within("\U0001d11e" * 3, 9) == "\U0001d11e" * 2
    assert fsio.name_within("abc", 3) == "abc"
    assert len(fsio.name_within("\u00e9" * 200, 255).encode()) <= 255
