"""Pocket TTS and ZipVoice on sherpa-onnx: package wiring, reference voices, stored voices.

No real Pocket or ZipVoice weights are reachable offline, so the packages are
synthetic (tests/sherpa_synth.py: real file names, input counts and metadata).
Everything up to the engine call is checked with real code and the real
sherpa-onnx config classes; the engine itself refuses these graphs, and that
refusal must reach the user as one clear line.
"""

from __future__ import annotations

import numpy as np
import pytest
from support import sherpa_synth as synth
from support.cli import assert_clean_error, run_cli
from ttscli.backends.base import SynthesisOptions
from ttscli.errors import BadInput, IntegrityError, NotFound
from ttscli.families.sherpa import backend as sherpa
from ttscli.families.sherpa.engine import build_config, generation_config
from ttscli.families.sherpa.frontend import SherpaFrontEnd
from ttscli.models.ref import ModelRef
from ttscli.runtime.plan import RuntimePlan
from ttscli.text.segments import Segment
from ttscli.voices import cache

pytest.importorskip("sherpa_onnx")
TRANSCRIPT = "The weather is lovely today."


def _front(root, family):
    ref = ModelRef(id=f"local:{root}", family=family, path=root, source="local")
    layout, facts = sherpa.prepare(ref)
    return SherpaFrontEnd(ref, layout, facts), ref


@pytest.fixture
def pocket_dir(tmp_path):
    return synth.pocket(tmp_path / "sherpa-onnx-pocket-tts-int8-2026-01-26")


@pytest.fixture
def zipvoice_dir(tmp_path):
    return synth.zipvoice(tmp_path / "sherpa-onnx-zipvoice-distill-int8-zh-en-emilia")


def _stored(name, family, model_id, *, rate=16000, transcript=None, tensors=None):
    wave = (0.1 * np.sin(np.arange(rate * 2) * 2 * np.pi * 180 / rate)).astype(np.float32)
    meta = {"kind": "clone", "sample_rate": rate}
    if transcript:
        meta["transcript"] = transcript
    cache.save(cache.Voice(name, family, model_id, tensors if tensors is not None else {"reference_audio": wave}, meta))
    return cache.load(name), wave


def test_pocket_package_wiring(pocket_dir):
    (pocket_dir / "lm_main.onnx").write_bytes((pocket_dir / "lm_main.int8.onnx").read_bytes())  # fp32 sibling
    front, _ = _front(pocket_dir, "sherpa")
    layout, facts = front.layout, front.facts
    assert (facts.kind, facts.sample_rate, facts.front_end, facts.needs_reference) == ("pocket", 24000, "text", True)
    config = build_config(sherpa.engine_spec(layout, RuntimePlan(runtime="sherpa-onnx", threads=1)))
    pocket = config.model.pocket
    assert pocket.lm_main == str(pocket_dir / "lm_main.int8.onnx")  # the int8 package's files win
    assert (pocket.lm_flow, pocket.encoder, pocket.decoder, pocket.text_conditioner) == tuple(
        str(pocket_dir / n) for n in ("lm_flow.int8.onnx", "encoder.onnx", "decoder.int8.onnx", "text_conditioner.onnx"))
    assert pocket.vocab_json.endswith("vocab.json") and pocket.token_scores_json.endswith("token_scores.json")
    assert pocket.voice_embedding_cache_capacity == sherpa.POCKET_CACHE_CAPACITY
    assert config.model.num_threads == 1 and config.model.provider == "cpu"
    assert config.model.vits.model == "" and config.model.zipvoice.decoder == ""  # exactly one family set
    assert config.validate()
    assert [v.name for v in front.voices()] == ["bria", "loona"]
    default = front.resolve_voice(None)
    assert default.reference.name == "bria" and default.reference.sample_rate == 24000
    with pytest.raises(NotFound, match="'nobody' is not a voice"):
        front.resolve_voice("nobody")


def test_zipvoice_package_wiring(zipvoice_dir):
    front, _ = _front(zipvoice_dir, "sherpa")
    facts = front.facts
    assert (facts.kind, facts.sample_rate, facts.front_end, facts.needs_transcript) == ("zipvoice", 24000, "tokens", True)
    config = build_config(sherpa.engine_spec(front.layout, RuntimePlan(runtime="sherpa-onnx", threads=2)))
    z = config.model.zipvoice
    assert (z.encoder, z.decoder, z.vocoder, z.tokens) == tuple(
        str(zipvoice_dir / n) for n in ("encoder.int8.onnx", "decoder.int8.onnx", "vocos_24khz.onnx", "tokens.txt"))
    assert config.validate()
    voice = front.resolve_voice(None)
    assert voice.reference.name == "leijun-1" and voice.reference.transcript == TRANSCRIPT
    with pytest.raises(NotFound, match="has no transcript"):
        front.resolve_voice("news-female")


def test_stored_voice_feeds_pocket(pocket_dir):
    front, ref = _front(pocket_dir, "sherpa")
    stored, wave = _stored("narrator", "sherpa", ref.id)
    voice = front.use_stored_voice(stored)
    fields = front.generation_fields(Segment("Hello there, my friend."), voice, SynthesisOptions(seed=7))
    gc = generation_config(fields)  # the real sherpa GenerationConfig
    assert gc.reference_sample_rate == 16000
    assert np.allclose(np.asarray(gc.reference_audio, dtype=np.float32), wave)
    assert gc.extra == {"seed": "7"} and gc.reference_text == "" and not gc.phoneme_codepoints


def test_stored_voice_feeds_zipvoice_tokens(zipvoice_dir):
    front, ref = _front(zipvoice_dir, "sherpa")
    stored, _ = _stored("speaker", "sherpa", ref.id, rate=24000, transcript=TRANSCRIPT)
    fields = front.generation_fields(Segment("Hello there. How are you?"), front.use_stored_voice(stored),
                                     SynthesisOptions(speed=1.2))
    gc = generation_config(fields)
    assert gc.reference_text == TRANSCRIPT and gc.speed == pytest.approx(1.2)
    prompt, *target = gc.tokens
    # espeak-ng IPA of the transcript, one code point per token, minus symbols the model lacks (ɚ)
    assert "".join(prompt) == "ðə wˈɛðɹ ɪz lˈʌvli tədˈeɪ."
    assert len(target) == 2 and target[0][-1] == "." and target[1][-1] == "?"
    assert set(prompt) | {t for s in target for t in s} <= set(synth.ZIPVOICE_SYMBOLS)


def test_stored_voice_problems(pocket_dir, zipvoice_dir, tmp_path):
    pocket_front, pocket_ref = _front(pocket_dir, "sherpa")
    zip_front, zip_ref = _front(zipvoice_dir, "sherpa")
    no_audio, _ = _stored("styled", "sherpa", pocket_ref.id, tensors={"style": np.zeros(256, np.float32)})
    with pytest.raises(BadInput, match="has no reference audio"):
        pocket_front.use_stored_voice(no_audio)
    two_d, _ = _stored("stereo", "sherpa", pocket_ref.id,
                       tensors={"reference_audio": np.zeros((2, 16000), np.float32)})
    with pytest.raises(BadInput, match="unusable reference audio"):
        pocket_front.use_stored_voice(two_d)
    untranscribed, _ = _stored("mute", "sherpa", zip_ref.id)
    with pytest.raises(BadInput, match="has no transcript"):
        zip_front.use_stored_voice(untranscribed)
    vits_front, _ = _front(synth.vits(tmp_path / "vits"), "sherpa")
    with pytest.raises(BadInput, match="fixed speakers"):
        vits_front.use_stored_voice(untranscribed)


def test_engine_refusal_is_one_clear_line(pocket_dir, zipvoice_dir, tmp_path):
    out = tmp_path / "o.wav"
    for directory in (pocket_dir, zipvoice_dir):
        proc = run_cli("say", "Hello there.", "--model", str(directory), "-o", str(out))
        assert_clean_error(proc, 5, "sherpa-onnx cannot run")
    # a stored voice goes the same way: family checked, reference loaded, then the engine refuses
    _stored("narrator", "sherpa", f"local:{pocket_dir}")
    proc = run_cli("say", "Hello there.", "--model", str(pocket_dir), "--voice", "narrator", "-o", str(out))
    assert_clean_error(proc, 5, "sherpa-onnx cannot run")
    assert not out.exists()


def test_packages_with_wrong_parts(pocket_dir, zipvoice_dir, tmp_path):
    synth.graph(pocket_dir / "lm_flow.int8.onnx", ["x"])
    with pytest.raises(IntegrityError, match="has 1 graph inputs, a pocket lm_flow has 4"):
        _front(pocket_dir, "sherpa")
    synth.graph(zipvoice_dir / "vocos_24khz.onnx", ["mels"])  # no model_type: sherpa would run without a vocoder
    with pytest.raises(IntegrityError, match="is not a sherpa-onnx vocoder"):
        _front(zipvoice_dir, "sherpa")
    (zipvoice_dir / "vocos_24khz.onnx").unlink()
    proc = run_cli("say", "Hi.", "--model", str(zipvoice_dir), "-o", str(tmp_path / "o.wav"))
    assert_clean_error(proc, 4, "needs a vocoder", "vocos_24khz.onnx")
    other = synth.zipvoice(tmp_path / "zv22", vocoder_meta={"model_type": "vocos", "sample_rate": 22050})
    with pytest.raises(IntegrityError, match="makes 22050 Hz audio but the model is 24000 Hz"):
        _front(other, "sherpa")


def test_catalog_speaker_names_and_text_profile(tmp_path):
    root = synth.vits(tmp_path / "vits-melo-tts-en", {"comment": "melo", "n_speakers": "2", "voice": None})
    (root / "lexicon.txt").write_text("hello h ə l oʊ\n", encoding="utf-8")
    ref = ModelRef(id="sherpa:vits-melo-tts-en", family="sherpa", path=root, source="store",
                   info={"kind": "vits", "voices": ["EN-US", "EN-BR"]})
    layout, facts = sherpa.prepare(ref)
    front = SherpaFrontEnd(ref, layout, facts)
    assert facts.front_end == "text" and [v.name for v in front.voices()] == ["EN-US", "EN-BR"]
    assert front.resolve_voice("EN-BR").sid == 1 and front.resolve_voice("0").sid == 0
    with pytest.raises(NotFound) as missing:
        front.resolve_voice("EN-BRR")
    assert "did you mean EN-BR?" in missing.value.one_line()
    assert sherpa.text_profile(ref).language == "en-us"  # metadata language "English"
    pocket_ref = ModelRef(id="p", family="sherpa", path=synth.pocket(tmp_path / "p"), source="local")
    assert sherpa.text_profile(pocket_ref).language == "en-us"
