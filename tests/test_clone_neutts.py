"""NeuTTS cloning through the real CLI, with a synthetic NeuCodec package (same API,
real torch weights from a hub cache) and a synthetic NeuTTS GGUF model that
speaks with the stored codes."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from support.clone_helpers import neutts_model, neutts_setup, speechlike, write_wav
from support.cli import assert_clean_error, run_cli

pytest.importorskip("torch")
pytest.importorskip("llama_cpp")
pytest.importorskip("gguf")

RATE = 22050
TEXT = "Hello from the reference voice."
CHAIN = list(range(5, 45))  # 40 codes = 0.8 s of audio


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    root = tmp_path_factory.mktemp("neutts-clone")
    env = neutts_setup(root)
    model = neutts_model(root / "model", 0, CHAIN)
    ref = write_wav(root / "ref.wav", speechlike(4.0, RATE), RATE)
    return root, env, model, ref


def _clone(setup, name, *refs, extra=(), env=None):
    root, base_env, model, ref = setup
    return run_cli("clone", name, *(map(str, refs or (ref,))), "--model", str(model), "--text", TEXT, *extra,
                   env={**base_env, **(env or {})})


def test_clone_stores_codes_and_metadata(setup):
    from ttscli.voices import cache

    root, env, model, ref = setup
    proc = _clone(setup, "neu")
    assert proc.returncode == 0, proc.stderr.decode()
    voice = cache.load("neu")  # checksum verified
    codes = voice.tensors["ref_codes"]
    assert codes.dtype == np.int32 and codes.ndim == 1
    seconds = voice.meta["reference_seconds"]
    assert abs(len(codes) - seconds * 50) <= 2  # 50 codes per second of 16 kHz audio
    assert 0 <= codes.min() and codes.max() < 256
    meta = voice.meta
    assert voice.family == "neutts" and voice.model_id == f"local:{model}"
    assert meta["transcript"] == TEXT and meta["sample_rate"] == 16000
    assert meta["encoder_version"] == "neucodec-1" and meta["codec"] == "neuphonic/neucodec"
    assert meta["phonemes"]["en-us"].startswith("h")
    from ttscli.clone.reference import file_sha256

    assert meta["source_sha256"] == file_sha256(ref)
    assert meta["created"] and meta["kind"] == "clone"


def test_reclone_is_a_cache_hit_and_force_recomputes(setup):
    from ttscli.voices import cache

    assert _clone(setup, "hit").returncode == 0
    before = cache.path_for("hit").stat().st_mtime_ns
    again = _clone(setup, "hit")
    assert again.returncode == 0 and b"cache hit" in again.stdout
    assert cache.path_for("hit").stat().st_mtime_ns == before
    root = setup[0]
    other = write_wav(root / "other.wav", speechlike(3.5, RATE, seed=5), RATE)
    assert_clean_error(_clone(setup, "hit", other), 3, "already exists", "--force")
    forced = _clone(setup, "hit", other, extra=("--force",))
    assert forced.returncode == 0 and b"cache hit" not in forced.stdout
    assert cache.load("hit").meta["reference_files"] == ["other.wav"]


def test_say_speaks_with_the_cloned_codes(setup, tmp_path):
    """The stored codes end the NeuTTS prompt: the synthetic backbone answers the
    voice's last code with CHAIN, which the NeuCodec stub decodes to 0.8 s."""
    import soundfile as sf

    from ttscli.voices import cache

    root, env, _, _ = setup
    assert _clone(setup, "speaker").returncode == 0
    codes = cache.load("speaker").tensors["ref_codes"]
    model = neutts_model(tmp_path / "voice-model", int(codes[-1]), CHAIN)
    out = tmp_path / "out.wav"
    proc = run_cli("say", "Hi there.", "--voice", "speaker", "--model", str(model), "-o", str(out), env=env)
    assert proc.returncode == 0, proc.stderr.decode()
    audio, rate = sf.read(str(out))
    assert rate == 24000 and abs(len(audio) - len(CHAIN) * 480) <= 480


def test_kokoro_voice_is_refused_by_neutts(setup):
    from ttscli.voices import cache

    cache.save(cache.Voice("kv", "kokoro", "kokoro:v1.0-int8-ja",
                           {"style": np.zeros((510, 256), np.float32)}, {"kind": "clone"}))
    model = setup[2]
    assert_clean_error(run_cli("say", "Hi.", "--voice", "kv", "--model", str(model), "-o", "-", env=setup[1]),
                       3, "kokoro")


def test_missing_encoder_weights_are_reported(tmp_path, setup):
    env = neutts_setup(tmp_path / "nohub", hub=False)
    assert_clean_error(_clone(setup, "x", env=env), 4, "neucodec", "weights")


def test_unsafe_checkpoint_is_refused(tmp_path, setup):
    env = neutts_setup(tmp_path / "evil", malicious=True)
    proc = _clone(setup, "x", env=env)
    assert_clean_error(proc, 7, "safely")
    assert b"pwned" not in proc.stdout + proc.stderr


def test_no_neucodec_package(setup, tmp_path):
    from support.clone_helpers import REPO

    assert_clean_error(_clone(setup, "x", env={"PYTHONPATH": str(REPO)}), 5, "neucodec", "pip install")


def test_transcript_is_required_without_asr(monkeypatch, setup):
    from ttscli.audio import transcript
    from ttscli.errors import BadInput

    monkeypatch.setattr(transcript, "asr_available", lambda: False)
    with pytest.raises(BadInput, match="needs the transcript"):
        transcript.resolve(None, np.zeros(16000, np.float32), 16000, needed=True, family="neutts")
    assert transcript.resolve(None, np.zeros(16000, np.float32), 16000, needed=False, family="kokoro") is None


def test_whisper_transcribes_when_no_text_is_given(setup):
    from support.clone_helpers import SPEECH

    from ttscli.voices import cache

    if SPEECH is None:
        pytest.skip("shared speech is absent")
    root, env, model, _ = setup
    proc = run_cli("clone", "jfk", str(SPEECH / "jfk.flac"), "--model", str(model), env=env)
    assert proc.returncode == 0, proc.stderr.decode()
    assert "fellow americans" in cache.load("jfk").meta["transcript"].lower()


def test_two_concurrent_clones_of_one_name(setup):
    """Both finish with success (one may be a cache hit) or Busy; the file always verifies."""
    from ttscli.locking import hold
    from ttscli import paths
    from ttscli.voices import cache

    results = []

    def go():
        results.append(_clone(setup, "race"))

    threads = [threading.Thread(target=go) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    codes = sorted(p.returncode for p in results)
    assert codes in ([0, 0], [0, 9]), [p.stderr for p in results]
    for p in results:
        if p.returncode == 9:
            assert_clean_error(p, 9, "race")
    assert cache.load("race").tensors["ref_codes"].size > 0
    with hold(paths.voices_dir() / ".race2.clone.lock", wait=False):  # a clone in progress
        assert_clean_error(_clone(setup, "race2"), 9, "race2")
    assert not cache.exists("race2")
