"""The StyleTTS adapter on synthetic graphs with Kitten's and Kokoro's real I/O.

The graphs (tests/styletts_synth.py) turn every token id into a block of
samples, so the tests read back exactly which ids, style row and speed the
backend sent: framing, trim, chunking and "no text lost" are checked on the
audio itself.
"""

from __future__ import annotations

import io
import logging

import numpy as np
import pytest
import soundfile as sf
from support.cli import REPO, assert_clean_error, run_cli
from hypothesis import given, settings
from hypothesis import strategies as st
from support.styletts_synth import BLOCK, build_graph, decode, kitten_dir, style_table
from ttscli import engine
from ttscli.request import Request
from ttscli.backends.base import SynthesisOptions
from ttscli.phonemize.split import split_phonemes
from ttscli.text.segments import Segment

SPACE = 16  # " " in both tables


@pytest.fixture(scope="module")
def kitten(tmp_path_factory):
    return kitten_dir(tmp_path_factory.mktemp("kitten") / "kitten-nano")


@pytest.fixture(scope="module")
def loaded(kitten):
    return engine.load(str(kitten), "Leo")


def _ids(chunks) -> list[list[int]]:
    return [decode(c.samples)[1] for c in chunks]


def test_detected_as_kitten_with_real_io(loaded):
    b = loaded.backend
    assert b.family == "kitten" and b.sample_rate == 24000
    assert b.token_input == "input_ids" and b.dtypes["speed"] == np.float32
    assert b.budget.kind == "phonemes" and b.budget.limit == 509  # 512 less [0] … [10, 0]
    assert loaded.voice.name == "expr-voice-5-m"  # the alias Leo


def test_ids_match_kittentts_reference(loaded):
    # KittenTTS 0.8.1 on this text, measured with its own code (onnx_model.py's phonemes → ids).
    reference = [50, 83, 54, 156, 57, 135, 16, 3, 16, 65, 156, 87, 158, 54, 46, 16, 4, 16, 102, 62, 61, 16, 48,
                 156, 43, 102, 64, 16, 83, 53, 54, 156, 69, 158, 53, 16, 5]
    b = loaded.backend
    assert b.rules.frame(b.tokenize(b.phonemize("Hello, world. It's 5 o'clock!"))) == [0, *reference, 10, 0]
    chunks = b.synthesize(Segment("Hello, world. It's 5 o'clock!"), loaded.voice, SynthesisOptions())
    row, ids = decode(chunks[0].samples)
    assert ids == reference  # the trim removed exactly the end marker and pad
    assert len(chunks[0].samples) == BLOCK * (len(reference) + 1)


def test_style_row_is_the_text_length(loaded):
    b = loaded.backend
    for text in ("Hi.", "A somewhat longer sentence to pick another row."):
        row, _ = decode(b.synthesize(Segment(text), loaded.voice, SynthesisOptions())[0].samples)
        assert round(row * 1000) == len(text)
    long_text = "hello " * 68 + "end."  # 412 characters, 480 tokens: one call
    row, _ = decode(b.synthesize(Segment(long_text), loaded.voice, SynthesisOptions())[0].samples)
    assert round(row * 1000) == 399  # clamped to the 400-row table


def test_speed_and_speed_priors(tmp_path):
    d = kitten_dir(tmp_path / "k", speed_priors={"expr-voice-5-m": 0.8})
    lo = engine.load(str(d), "Leo")
    n = len(lo.backend.tokenize(lo.backend.phonemize("Speed test."))) + 3
    for speed in (1.0, 2.0):
        audio = lo.backend.synthesize(Segment("Speed test."), lo.voice, SynthesisOptions(speed=speed))[0].samples
        assert len(audio) == round(BLOCK / (speed * 0.8)) * n - 5000
    other = engine.load(str(d), "Bella")  # no prior for this voice
    audio = other.backend.synthesize(Segment("Speed test."), other.voice, SynthesisOptions())[0].samples
    assert len(audio) == BLOCK * n - 5000


def test_kokoro_layout_int32_speed_and_tokens_input(tmp_path, caplog):
    d = tmp_path / "kokoro-v1.1"
    d.mkdir()
    build_graph(d / "kokoro-v1.1-zh.onnx", token_input="tokens", speed_type="int32", audio_output="audio")
    with open(d / "voices-v1.1-zh.bin", "wb") as fh:
        np.savez(fh, zf_001=style_table(510, 1).reshape(510, 1, 256), zm_010=style_table(510, 2).reshape(510, 1, 256))
    lo = engine.load(str(d), "zf_001:50,zm_010:50")
    b = lo.backend
    assert b.family == "kokoro" and b.token_input == "tokens" and b.dtypes["speed"] == np.int32
    seg = Segment("x", phonemes="həlˈoʊ wˈɜːld")
    n = len(b.tokenize(seg.phonemes))
    with caplog.at_level(logging.WARNING, logger="ttscli"):
        slow = b.synthesize(seg, lo.voice, SynthesisOptions(speed=1.3))
    assert "integer speed" in caplog.text
    row, _ = decode(b.run(b.tokenize(seg.phonemes), lo.voice, 1.0, seg.text))
    assert round(row * 1000) == n - 1  # Kokoro: token count - 1
    assert sum(len(c.samples) for c in slow) > 0


def test_giant_word_is_split_never_truncated(loaded):
    b = loaded.backend
    phonemes = "ə" * 1200 + " " + "ɪ" * 30
    chunks = b.synthesize(Segment("long", phonemes=phonemes), loaded.voice, SynthesisOptions())
    ids = _ids(chunks)
    assert [len(i) for i in ids] == [509, 509, 182 + 1 + 30]  # the last piece keeps its space
    assert [t for piece in ids for t in piece if t != SPACE] == b.tokenize(phonemes.replace(" ", ""))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="abcə.,!? ", min_size=1, max_size=40), min_size=1, max_size=60),
       st.integers(min_value=5, max_value=120))
def test_split_phonemes_keeps_every_phoneme(words, limit):
    text = " ".join(words)
    pieces = split_phonemes(text, limit, len)
    assert "".join(pieces).replace(" ", "") == text.replace(" ", "")
    assert all(len(p) <= limit for p in pieces)
    assert all(p.strip() for p in pieces)


def test_split_prefers_sentence_then_clause_ends():
    text = "aaa bbb. ccc ddd, eee fff ggg"
    assert split_phonemes(text, 20, len) == ["aaa bbb. ccc ddd,", "eee fff ggg"]
    assert split_phonemes(text, 12, len) == ["aaa bbb.", "ccc ddd,", "eee fff ggg"]
    assert split_phonemes("aaa. bbb ccc ddd, eee fff. ggg", 26, len) == ["aaa. bbb ccc ddd, eee fff.", "ggg"]
    assert split_phonemes("aaa. bbb ccc ddd, eee fff. ggg", 25, len) == ["aaa. bbb ccc ddd,", "eee fff. ggg"]
    assert split_phonemes("aaaa bbbb cccc", 9, len) == ["aaaa bbbb", "cccc"]
    # Balanced: 12 words of 4 over a limit of 40 → two pieces of six words, not 8 + 4.
    assert [len(p.split()) for p in split_phonemes(" ".join(["abcd"] * 12), 40, len)] == [6, 6]


def _five_thousand_words() -> str:
    base = (REPO / "benchmarks" / "texts" / "english_250.txt").read_text()
    paragraphs = []
    while sum(len(p.split()) for p in paragraphs) < 4300:
        paragraphs.append(base)
    names = "north south east west harbor lantern storm keeper village morning".split()
    run_on = " ".join(f"and then the {names[i % 10]} keeper counted {names[(i * 3) % 10]} waves" for i in range(70))
    paragraphs.append(run_on)  # ~700 words with no punctuation: one segment, far past 509 tokens
    return "\n\n".join(paragraphs)


def test_five_thousand_words_lose_nothing(loaded):
    text = _five_thousand_words()
    words = len(text.split())
    assert words >= 5000
    b = loaded.backend
    segments = list(engine.segments(Request(text), b))
    assert " ".join(s.text for s in segments).split() == text.split()  # the front end kept every word
    expected = [t for s in segments for t in b.tokenize(b.phonemize(s.text)) if t != SPACE]
    got: list[int] = []
    samples = 0
    longest = 0
    for chunk in engine.chunks(loaded, segments, SynthesisOptions()):
        samples += len(chunk.samples)
        if chunk.samples.any():  # pauses between paragraphs are zeros
            ids = decode(chunk.samples)[1]
            longest = max(longest, len(ids))
            got += [t for t in ids if t != SPACE]
    assert longest <= 509 and len(expected) > 20000
    assert got == expected  # every phoneme of every word reached the model, in order
    seconds = samples / 24000
    print(f"{words} words, {len(segments)} segments, {seconds:.0f} s of audio, {words / seconds:.2f} words/s")
    assert 1.2 < words / seconds < 4.0, (words, seconds)  # a speaking rate, not a truncated text


def test_lookahead_output_equals_sequential(loaded, monkeypatch):
    text = "One. Two words. Three more words here. And a fourth one!"
    segments = list(engine.segments(Request(text, sentence_silence=0.1), loaded))  # one sentence each
    monkeypatch.setenv("TTSCLI_WORKERS", "1")
    serial = np.concatenate([c.samples for c in engine.chunks(loaded, segments, SynthesisOptions())])
    monkeypatch.setenv("TTSCLI_WORKERS", "3")
    assert loaded.backend.workers() == 3
    ahead = np.concatenate([c.samples for c in engine.chunks(loaded, segments, SynthesisOptions())])
    assert np.array_equal(serial, ahead)


def test_say_cli_on_kitten_directory(kitten, tmp_path):
    proc = run_cli("say", "Hello there. A blended cat voice.", "--model", str(kitten), "--voice", "Leo:60,Bella:40",
                   "-o", "-")
    assert proc.returncode == 0, proc.stderr.decode()
    audio, rate = sf.read(io.BytesIO(proc.stdout), dtype="float32")
    assert rate == 24000 and len(audio) > BLOCK * 20
    assert_clean_error(run_cli("say", "Hi.", "--model", str(kitten), "--voice", "Lео", "-o", "-"), 4, "not found")
    assert_clean_error(run_cli("say", "Hi.", "--model", str(kitten), "--voice", "Leo:50,af_heart:50", "-o", "-"), 3,
                       "kokoro voice")
    out = tmp_path / "x.wav"
    assert_clean_error(run_cli("say", "Hi.", "--model", str(kitten), "--voice", "nobody", "-o", str(out)), 4)
    assert not out.exists()


def test_store_roles_with_absolute_paths_and_globs(kitten, tmp_path):
    from ttscli.errors import BadInput
    from ttscli.families.styletts import backend as styletts
    from ttscli.models.ref import ModelRef

    roles = {"model": str(kitten / "kitten_tts_nano_v0_8.onnx"), "voices": [str(kitten / "voices.npz")],
             "config": str(kitten / "config.json")}  # what the store records: absolute paths
    ref = ModelRef(id="kitten:nano", family="kitten", path=kitten, source="store", info={"files": roles})
    b = styletts.load_kitten(ref)
    assert b.resolve_voice("Leo").name == "expr-voice-5-m" and b.bank.names()[0] == "expr-voice-2-m"
    relative = ModelRef(id="kitten:nano", family="kitten", path=kitten, source="store",
                        info={"files": {"model": "kitten*.onnx", "voices": "voices.npz"}})
    assert styletts.load_kitten(relative).files.model.name == "kitten_tts_nano_v0_8.onnx"
    escape = ModelRef(id="kitten:nano", family="kitten", path=kitten, source="store",
                      info={"files": {"model": "../*.onnx", "voices": "voices.npz"}})
    with pytest.raises(BadInput):
        styletts.load_kitten(escape)


def test_onnx_community_layout_and_tokenizer_vocab(tmp_path):
    import json

    d = tmp_path / "Kokoro-82M-v1.0-ONNX"
    (d / "onnx").mkdir(parents=True)
    (d / "voices").mkdir()
    build_graph(d / "onnx" / "model_quantized.onnx")
    for i, name in enumerate(["af_heart", "bm_george"]):
        style_table(510, i).reshape(510, 1, 256).astype("<f4").tofile(d / "voices" / f"{name}.bin")
    (d / "config.json").write_text(json.dumps({"model_type": "style_text_to_speech_2"}))
    vocab = {"$": 0, "h": 50, "ə": 83, "l": 54, "ˈ": 156, "O": 31, " ": 16}  # a tokenizer.json WordLevel vocab
    (d / "tokenizer.json").write_text(json.dumps({"model": {"type": "WordLevel", "vocab": vocab}}))
    lo = engine.load(str(d), "bm_george")
    b = lo.backend
    assert b.family == "kokoro" and b.files.model.name == "model_quantized.onnx"
    assert b.vocab["O"] == 31 and "ɹ" not in b.vocab  # the model's own table, not the packaged one
    assert [v.language for v in b.voices()] == ["en-us", "en-gb"] and lo.voice.language == "en-gb"
    _, ids = decode(b.run(b.tokenize("həlˈO"), lo.voice, 1.0, "hello"))
    assert ids[:5] == [50, 83, 54, 156, 31]
