"""`ttscli say --model DIR` on GGUF speech models, through the real CLI in a subprocess."""

from __future__ import annotations

import io

import numpy as np
import pytest
import soundfile as sf

pytest.importorskip("llama_cpp")

from support.cli import assert_clean_error, run_cli  # noqa: E402
from support.speech_models import neucodec_decoder, neutts_amplitude, neutts_dir, orpheus_dir, snac_amplitude  # noqa: E402

# One llama.cpp thread: the tiny models are all synchronisation and no arithmetic, and the
# CI machine's two cores are shared with other jobs (two threads then wait for each other).
ONE_THREAD = {"TTSCLI_THREADS": "1"}
CHAIN = list(range(20, 120))  # 100 NeuCodec codes = 2.0 s per sentence
TWO_SENTENCES = "Hello there, this is the first sentence. And here comes a second one, just as short."


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    root = tmp_path_factory.mktemp("gguf-say")
    voices = {"jo": ([250, 251, 252, 253, 254, 255], "Hello from the reference voice."),
              "dave": ([7, 8, 255], "Another reference.")}
    return {
        "neutts": neutts_dir(root / "neutts-air", CHAIN, voices=voices),
        "orpheus": orpheus_dir(root / "orpheus", 24, noise=True),
        "never": orpheus_dir(root / "orpheus-never", 24, mode="never"),
    }


def _say(*args, **kw):
    proc = run_cli("say", *args, env=ONE_THREAD, **kw)
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stderr == b"", proc.stderr.decode()  # llama.cpp's own logging stays quiet
    return proc


def test_neutts_two_sentences_to_wav(models, tmp_path):
    """The front end packs short sentences into one generation (one pass over the chain);
    with a pause between sentences each gets its own generation."""
    out = tmp_path / "neutts.wav"
    _say(TWO_SENTENCES, "--model", str(models["neutts"]), "-o", str(out), "--seed", "11")
    audio, rate = sf.read(out, dtype="float32")
    assert rate == 24000
    assert len(audio) == len(CHAIN) * 480
    peaks = np.abs(audio.reshape(-1, 480)).max(axis=1)  # 16-bit WAV: allow quantisation
    np.testing.assert_allclose(peaks, neutts_amplitude(np.array(CHAIN)), rtol=0.01, atol=1e-3)
    _say(TWO_SENTENCES, "--model", str(models["neutts"]), "-o", str(out), "--sentence-silence", "0.25")
    audio, _ = sf.read(out, dtype="float32")
    gap = int(0.25 * 24000)
    assert len(audio) == 2 * len(CHAIN) * 480 + gap
    first, silence, second = np.split(audio, [len(CHAIN) * 480, len(CHAIN) * 480 + gap])
    assert not silence.any() and np.array_equal(first, second)


def test_orpheus_voice_and_tags_stream_to_stdout(models):
    proc = _say("Hi <laugh> there, how are you doing today?", "--model", str(models["orpheus"]), "-v", "leah",
                "-o", "-", "--seed", "2")
    audio, rate = sf.read(io.BytesIO(proc.stdout), dtype="float32")
    assert rate == 24000 and len(audio) == 24 * 2048
    f = np.arange(24)
    level = np.sqrt(2 * np.mean(np.square(audio.reshape(-1, 2048)), axis=1))  # a tone's amplitude, despite noise
    np.testing.assert_allclose(level, snac_amplitude(f, f, f), rtol=0.02, atol=0.01)


def test_seed_makes_output_reproducible(models, tmp_path):
    """The SNAC stub samples noise like SNAC's NoiseBlocks: the seed fixes it."""
    outs = {}
    for name, seed in (("a", "5"), ("b", "5"), ("c", "6")):
        outs[name] = tmp_path / f"{name}.wav"
        _say("A reproducible sentence.", "--model", str(models["orpheus"]), "--seed", seed, "-o", str(outs[name]))
    assert outs["a"].read_bytes() == outs["b"].read_bytes()
    assert outs["a"].read_bytes() != outs["c"].read_bytes()


def test_model_given_as_the_gguf_file(models, tmp_path):
    out = tmp_path / "file.wav"
    gguf = next(models["neutts"].glob("*.gguf"))
    _say("Hello there, this is a test.", "--model", str(gguf), "-v", "dave", "-o", str(out))
    info = sf.info(out)
    assert info.samplerate == 24000 and info.frames == len(CHAIN) * 480


def test_never_ending_model_is_stopped_and_reported(models, tmp_path):
    out = tmp_path / "never.wav"
    proc = run_cli("say", "Hi there.", "--model", str(models["never"]), "-o", str(out), env=ONE_THREAD)
    line = assert_clean_error(proc, 5, "orpheus", "no end of speech", "within", "tokens")
    assert "Hi there." in line and "--seed" in line
    assert not out.exists()  # no half-written file


def test_unknown_voice(models):
    proc = run_cli("say", "Hello.", "--model", str(models["orpheus"]), "-v", "tarra", "-o", "-")
    assert_clean_error(proc, 4, "voice 'tarra' not found", "did you mean tara")


def test_directory_without_codec_decoder(tmp_path, models):
    d = tmp_path / "neutts-incomplete"
    d.mkdir()
    (d / "neutts-air-Q4_0.gguf").write_bytes(next(models["neutts"].glob("*.gguf")).read_bytes())
    proc = run_cli("say", "Hello.", "--model", str(d), "-o", str(tmp_path / "x.wav"))
    assert_clean_error(proc, 4, "no codec decoder", "NeuCodec")


def test_corrupt_gguf_is_an_integrity_error(tmp_path):
    d = tmp_path / "orpheus-broken"
    d.mkdir()
    (d / "orpheus-3b-q4_k_m.gguf").write_text("<!DOCTYPE html><title>429</title>")
    neucodec_decoder(d / "snac_decoder.onnx")
    proc = run_cli("say", "Hello.", "--model", str(d), "-o", str(tmp_path / "x.wav"))
    assert_clean_error(proc, 7, "orpheus-3b-q4_k_m.gguf is an HTML page", "pull the model again")


def test_imported_into_the_store_then_spoken(models, tmp_path):
    """`ttscli pull DIR` records absolute role paths; the backends read them (and the samples beside)."""
    for family, source, voice in (("neutts", models["neutts"], "dave"), ("orpheus", models["orpheus"], "zac")):
        proc = run_cli("pull", str(source), "--name", f"tiny-{family}")
        assert proc.returncode == 0, proc.stderr.decode()
        out = tmp_path / f"{family}.wav"
        _say("Hello there, this is a test.", "--model", f"{family}:tiny-{family}", "-v", voice, "-o", str(out))
        frames = len(CHAIN) * 480 if family == "neutts" else 24 * 2048
        assert sf.info(out).frames == frames


def test_emotion_tags_reach_orpheus_but_not_other_models(models):
    text = "Hi <laugh> there, <b>really</b> nice <sigh> day."
    orpheus = run_cli("say", "--dry-run", text, "--model", str(models["orpheus"]))
    assert orpheus.returncode == 0, orpheus.stderr.decode()
    assert "Hi <laugh> there, really nice <sigh> day." in orpheus.stdout.decode()
    piper = run_cli("say", "--dry-run", text)
    assert "<laugh>" not in piper.stdout.decode() and "Hi there, really nice day." in piper.stdout.decode()
