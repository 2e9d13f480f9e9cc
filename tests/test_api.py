"""The public Python API, used through public names only (``ttscli.__all__``), on the real
bundled Piper voice: load, stream, synthesize, save, word timings, errors."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import soundfile as sf
from support.asr import transcribe, word_errors
from support.cli import REPO, invoke

import ttscli

TEXT = "Hello there. Dr. Smith paid $42.50 on Jan. 7, and the rest stayed home."


@pytest.fixture(scope="module")
def voice():
    with ttscli.load() as loaded:
        yield loaded


def test_the_public_names():
    assert set(ttscli.__all__) == {"Audio", "Chunk", "Request", "Selection", "TtsError", "Voice", "load",
                                   "select", "__version__"}
    for name in ttscli.__all__:
        assert getattr(ttscli, name) is not None
    with pytest.raises(AttributeError):
        ttscli.engine_internals  # noqa: B018 - not a public name


def test_import_ttscli_loads_no_runtime():
    code = ("import sys, ttscli; ttscli.Request; ttscli.select; "
            "print(sorted(m for m in ('numpy', 'onnxruntime', 'typer', 'soundfile') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_select_resolves_without_loading(voice):
    chosen = ttscli.select(None, None)
    assert chosen.model_id == voice.model_id == "piper:en_US-joe-medium"
    assert chosen.family == "piper" and chosen.language == "en-us" and chosen.voice is None
    assert ttscli.select(None, None, lang="en-gb").language == "en-gb"


def test_synthesize_is_real_speech(voice, whisper):
    audio = voice.synthesize(TEXT)
    assert isinstance(audio, ttscli.Audio) and audio.sample_rate == voice.sample_rate == 22050
    assert audio.samples.dtype == np.float32 and 3.0 < audio.duration < 9.0
    assert float(np.sqrt(np.mean(audio.samples ** 2))) > 0.02  # not silence
    errors, words = word_errors("Hello there. Doctor Smith paid forty-two dollars and fifty cents on "
                                "January seventh, and the rest stayed home.",
                                transcribe(whisper, audio.samples, audio.sample_rate))
    assert errors <= 2, (errors, words)


def test_stream_gives_the_same_audio_in_pieces(voice):
    chunks = list(voice.stream(TEXT))
    assert len(chunks) >= 2 and all(isinstance(c, ttscli.Chunk) and c.sample_rate == 22050 for c in chunks)
    whole = voice.synthesize(TEXT)
    assert np.array_equal(np.concatenate([c.samples for c in chunks]), whole.samples)


def test_word_timings_name_the_input_words(voice):
    audio = voice.synthesize(TEXT, words=True)
    texts = [w.text for w in audio.words]
    assert texts[:6] == ["Hello", "there.", "Dr.", "Smith", "paid", "$42.50"]
    starts = [w.start for w in audio.words]
    assert starts == sorted(starts) and audio.words[-1].end <= audio.duration + 0.01
    assert audio.words[5].spoken == "forty-two dollars and fifty cents"
    assert TEXT[audio.words[5].char_start:audio.words[5].char_end] == "$42.50"
    streamed = [w for c in voice.stream(TEXT, words=True) for w in c.words]
    assert streamed == list(audio.words)


@pytest.mark.parametrize("suffix", ["wav", "flac", "mp3"])
def test_save_writes_the_bytes_say_writes(voice, tmp_path, suffix):
    api, cli = tmp_path / f"api.{suffix}", tmp_path / f"cli.{suffix}"
    assert voice.save(TEXT, api) == api
    result = invoke("say", TEXT, "-o", str(cli), "--no-server")
    assert result.returncode == 0, result.stderr
    assert api.read_bytes() == cli.read_bytes()


def test_options_are_the_request_fields(voice, tmp_path):
    slow = voice.synthesize("Hello there.", speed=0.5)
    normal = voice.synthesize("Hello there.")
    assert slow.duration > 1.6 * normal.duration
    quiet = voice.synthesize("Hello there.", volume=0.5)
    assert np.allclose(quiet.samples, normal.samples * 0.5, atol=1e-6)
    paused = voice.synthesize("One. Two.", sentence_silence=1.0)
    assert paused.duration > voice.synthesize("One. Two.").duration + 0.9
    api = tmp_path / "seeded.wav"
    voice.save("Hello there.", api, seed=7, speed=1.3)
    invoke("say", "Hello there.", "-o", str(tmp_path / "cli.wav"), "--seed", "7", "--speed", "1.3", "--no-server")
    assert api.read_bytes() == (tmp_path / "cli.wav").read_bytes()
    data, rate = sf.read(api)
    assert rate == 22050 and len(data) > 0


def test_family_options_are_typed(voice):
    options = voice.family_options
    assert options is not None and options.__name__ == "PiperOptions"
    plain = voice.synthesize("Hello there.", seed=3)
    flat = voice.synthesize("Hello there.", seed=3, family=options(noise_scale=0.0, noise_w=0.0))
    assert not np.array_equal(plain.samples, flat.samples)

    class Other:  # another family's options object
        pass

    with pytest.raises(ttscli.TtsError, match="do not apply"):
        voice.synthesize("Hello there.", family=Other())


def test_errors_are_one_line_with_a_fix(tmp_path):
    with pytest.raises(ttscli.TtsError) as caught:
        ttscli.load("no-such-model")
    assert "unknown model 'no-such-model'" in caught.value.message and caught.value.hint
    with ttscli.load() as loaded, pytest.raises(ttscli.TtsError) as caught:
        loaded.save("Hello.", tmp_path / "missing-dir" / "x.wav")
    assert not (tmp_path / "missing-dir").exists()
    with pytest.raises(ttscli.TtsError):
        ttscli.load().synthesize("🙂🙂")  # nothing to say
