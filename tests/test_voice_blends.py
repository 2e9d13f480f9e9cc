"""Voice blends, voicepack files, saved voices and presets (no model run needed)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from support.cli import assert_clean_error
from hypothesis import given
from hypothesis import strategies as st
from support.cli import invoke  # in-process: the process itself is not under test here
from support.styletts_synth import kitten_dir, style_table

from ttscli.errors import BadInput, IntegrityError, NotFound, UsageError
from ttscli.families.styletts import packs
from ttscli.families.styletts.rules import KittenRules, KokoroRules
from ttscli.families.styletts.voices import VoiceResolver
from ttscli.voices import blend, cache, presets

# --- blend syntax and arithmetic

def test_parse_normalises_weights():
    parts = blend.parse("af_sarah:60, am_adam:40")
    assert [(p.name, p.weight) for p in parts] == [("af_sarah", 0.6), ("am_adam", 0.4)]
    assert blend.parse("a:3,b:1")[0].weight == pytest.approx(0.75)
    assert [p.weight for p in blend.parse("a,b,c,d")] == [0.25] * 4
    assert blend.canonical(blend.parse("a:1,b:2")) == "a:33.33,b:66.67"


@pytest.mark.parametrize("spec", ["a:60,", "a:x,b:1", "a:0,b:1", "a:-1,b:2", "a:60,b", ":5,b:1", "a:1,a:2",
                                  "a:nan,b:1", "a:inf,b:1", "a:,b:1", ","])
def test_bad_blends_are_usage_errors(spec):
    with pytest.raises(UsageError):
        blend.parse(spec)


@given(st.lists(st.floats(min_value=0.01, max_value=1000), min_size=1, max_size=6))
def test_normalised_weights_sum_to_one(weights):
    spec = ",".join(f"v{i}:{w!r}" for i, w in enumerate(weights))
    parts = blend.parse(spec)
    assert sum(p.weight for p in parts) == pytest.approx(1.0)
    for p, w in zip(parts, weights):
        assert p.weight == pytest.approx(w / sum(weights))


def test_mix_is_the_weighted_average():
    a, b = style_table(510, 1), style_table(510, 2)
    out = blend.mix([a, b], [0.6, 0.4])
    assert out.dtype == np.float32 and out.shape == (510, 256)
    np.testing.assert_allclose(out, 0.6 * a + 0.4 * b, rtol=1e-6, atol=1e-7)
    with pytest.raises(BadInput):
        blend.mix([a, style_table(400, 3)], [0.5, 0.5])


# --- voicepack files

def test_raw_bin_and_npz_voicepacks(tmp_path):
    table = style_table(510, 7).reshape(510, 1, 256)  # Kokoro's on-disk shape
    table.astype("<f4").tofile(tmp_path / "af_test.bin")
    with open(tmp_path / "voices-v1.0.bin", "wb") as fh:  # kokoro-onnx's name for an npz archive
        np.savez(fh, af_one=table, bm_two=table * 2)
    bank = packs.VoiceBank([tmp_path / "voices-v1.0.bin", tmp_path / "af_test.bin"])
    assert bank.names() == ["af_one", "bm_two", "af_test"]
    np.testing.assert_array_equal(bank.style("af_test"), table.reshape(510, 256))
    np.testing.assert_array_equal(bank.style("bm_two"), table.reshape(510, 256) * 2)
    voices_dir = tmp_path / "voices"
    voices_dir.mkdir()
    table.astype("<f4").tofile(voices_dir / "jf_dir.bin")
    assert packs.VoiceBank([voices_dir]).names() == ["jf_dir"]


def test_pickled_npz_is_refused(tmp_path):
    evil = tmp_path / "voices.npz"
    np.savez(evil, af_evil=np.array([{"x": 1}], dtype=object))
    bank = packs.VoiceBank([evil])
    with pytest.raises(IntegrityError, match="not a plain array") as info:
        bank.style("af_evil")
    assert "never pickled" in info.value.one_line()


def test_broken_voice_files(tmp_path):
    (tmp_path / "short.bin").write_bytes(b"\0" * 1000)  # not a whole number of 256-float rows
    with pytest.raises(IntegrityError):
        packs.read_bin(tmp_path / "short.bin")
    bad = tmp_path / "voices-bad.bin"
    bad.write_bytes(b"PK\x03\x04" + b"garbage" * 10)
    with pytest.raises(IntegrityError):
        packs.VoiceBank([bad])
    nan = tmp_path / "nan.npz"
    np.savez(nan, af_nan=np.full((2, 256), np.nan, dtype=np.float32))
    with pytest.raises(IntegrityError, match="NaN"):
        packs.VoiceBank([nan]).style("af_nan")


# --- names → language and gender

@pytest.mark.parametrize("name,lang,gender", [
    ("af_heart", "en-us", "female"), ("am_adam", "en-us", "male"), ("bf_emma", "en-gb", "female"),
    ("jf_alpha", "ja", "female"), ("jm_kumo", "ja", "male"), ("zf_xiaobei", "cmn", "female"),
    ("ef_dora", "es", "female"), ("ff_siwis", "fr-fr", "female"), ("hm_omega", "hi", "male"),
    ("if_sara", "it", "female"), ("pm_alex", "pt-br", "male"), ("custom", None, None),
])
def test_kokoro_voice_facts(name, lang, gender):
    facts = KokoroRules().voice_facts(name)
    assert (facts.language, facts.gender) == (lang, gender)


def test_kitten_voice_facts_and_aliases():
    rules = KittenRules()
    assert rules.voice_facts("expr-voice-3-f").gender == "female"
    assert rules.voice_facts("Leo").gender == "male" and rules.aliases()["Leo"] == "expr-voice-5-m"
    assert KittenRules(config={"speed_priors": {"expr-voice-2-f": 0.8}}).speed("expr-voice-2-f", 1.5) == \
        pytest.approx(1.2)


# --- resolution: stock, blend, saved, preset, mixed families

@pytest.fixture
def kokoro_resolver(tmp_path):
    np.savez(tmp_path / "voices.npz", jf_alpha=style_table(510, 1), jm_kumo=style_table(510, 2),
             af_heart=style_table(510, 3), af_bella=style_table(510, 4))
    return VoiceResolver(packs.VoiceBank([tmp_path / "voices.npz"]), KokoroRules(), "kokoro:test")


def test_resolve_blend(kokoro_resolver):
    v = kokoro_resolver.resolve("jf_alpha:60,jm_kumo:40")
    bank = kokoro_resolver.bank
    np.testing.assert_allclose(v.style, 0.6 * bank.style("jf_alpha") + 0.4 * bank.style("jm_kumo"), atol=1e-7)
    assert v.name == "jf_alpha:60,jm_kumo:40" and v.language == "ja" and v.main_voice == "jf_alpha"
    assert kokoro_resolver.resolve(None).name == "af_heart"  # Kokoro's reference default


def test_mixed_family_blend_is_refused(kokoro_resolver):
    with pytest.raises(BadInput, match="kitten voice"):
        kokoro_resolver.resolve("jf_alpha:60,expr-voice-2-m:40")
    with pytest.raises(BadInput, match="kitten voice"):
        kokoro_resolver.resolve("Leo")


def test_unknown_voice_suggests(kokoro_resolver):
    with pytest.raises(NotFound, match="jf_alpah") as info:
        kokoro_resolver.resolve("jf_alpah")
    assert "did you mean jf_alpha" in info.value.one_line()


def test_preset_resolves_against_the_model(kokoro_resolver):
    v = kokoro_resolver.resolve("storyteller")  # af_heart:60,af_bella:40 from voices/kokoro.toml
    bank = kokoro_resolver.bank
    np.testing.assert_allclose(v.style, 0.6 * bank.style("af_heart") + 0.4 * bank.style("af_bella"), atol=1e-7)
    with pytest.raises(NotFound, match="anchor.*am_michael"):
        kokoro_resolver.resolve("anchor")  # needs am_michael, am_fenrir
    with pytest.raises(BadInput, match="kitten family"):
        kokoro_resolver.resolve("kitten-warm")


def test_presets_are_valid_data_files():
    found = {p.name: p for p in presets.presets()}
    assert {"storyteller", "ja-calm", "ja-duet", "kitten-warm"} <= set(found)
    assert {p.family for p in found.values()} <= {"kokoro", "kitten"}
    for p in found.values():
        assert abs(sum(part.weight for part in p.parts()) - 1) < 1e-9
        assert p.source.parent.name == "voices"


def _store(name: str, style: np.ndarray, family: str = "kokoro", model: str = "kokoro:test", **meta) -> None:
    cache.save(cache.Voice(name=name, family=family, model_id=model, tensors={"style": style},
                           meta={"kind": "blend", **meta}))


def test_stored_blend_round_trip_and_tamper_detection(kokoro_resolver):
    style = kokoro_resolver.resolve("jf_alpha:60,jm_kumo:40").style
    _store("duo", style, weights={"jf_alpha": 0.6, "jm_kumo": 0.4}, language="ja")
    v = kokoro_resolver.resolve("duo")
    np.testing.assert_array_equal(v.style, style)
    assert v.language == "ja" and v.main_voice == "jf_alpha"
    # A stored voice blends like a stock one.
    mixed = kokoro_resolver.resolve("duo:50,af_heart:50")
    np.testing.assert_allclose(mixed.style, 0.5 * style + 0.5 * kokoro_resolver.bank.style("af_heart"), atol=1e-6)
    assert dict((p.name, round(p.weight, 3)) for p in mixed.parts) == {"jf_alpha": 0.3, "jm_kumo": 0.2,
                                                                       "af_heart": 0.5}
    # Flip one byte of the array: the checksum catches it before use.
    path = cache.path_for("duo")
    data = bytearray(path.read_bytes())
    data[-100] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(IntegrityError):
        kokoro_resolver.resolve("duo")


def test_stored_voice_of_other_family_or_size_is_refused(kokoro_resolver):
    _store("kit", style_table(400, 1), family="kitten", model="kitten:nano")
    with pytest.raises(BadInput, match="kitten models"):
        kokoro_resolver.resolve("kit")
    with pytest.raises(BadInput, match="kitten models"):
        kokoro_resolver.resolve("kit:50,jf_alpha:50")
    _store("small", style_table(400, 2))
    with pytest.raises(UsageError, match="400 style rows"):
        kokoro_resolver.resolve("small")


# --- the `voice` command on a model directory (no onnxruntime run)

def test_voice_cli_save_list_rm(tmp_path):
    model = kitten_dir(tmp_path / "kitten")
    proc = invoke("voice", "list", "--model", str(model), "--json")
    assert proc.returncode == 0, proc.stderr.decode()
    rows = json.loads(proc.stdout)
    stock = {r["name"]: r for r in rows if r["kind"] == "stock"}
    assert stock["expr-voice-2-f"]["gender"] == "female" and stock["expr-voice-2-f"]["language"] == "en-us"
    assert {r["name"] for r in rows if r["kind"] == "preset"} == {"kitten-warm", "kitten-deep"}
    proc = invoke("voice", "save", "soft", "--voice", "Bella:70,Luna:30", "--model", str(model))
    assert proc.returncode == 0, proc.stderr.decode()
    rows = json.loads(invoke("voice", "list", "--model", str(model), "--json").stdout)
    mine = next(r for r in rows if r["name"] == "soft")
    assert mine["kind"] == "blend" and mine["details"] == "expr-voice-2-f:70,expr-voice-3-f:30"
    assert mine["model"] == f"local:{model.resolve()}"
    # The stored blend brings its model along: no --model needed to speak with it.
    proc = invoke("say", "Saved blend.", "--voice", "soft", "-o", "-")
    assert proc.returncode == 0 and len(proc.stdout) > 44, proc.stderr.decode()
    assert_clean_error(invoke("voice", "save", "soft", "--voice", "Leo", "--model", str(model)), 3, "exists")
    assert invoke("voice", "save", "soft", "--voice", "Leo", "--model", str(model), "--force").returncode == 0
    assert_clean_error(invoke("voice", "save", "x", "--voice", "Leo:50,af_heart:50", "--model", str(model)), 3,
                       "kokoro voice")
    assert_clean_error(invoke("voice", "save", "y", "--voice", "Leo:50,Lep:50", "--model", str(model)), 4, "Lep")
    assert_clean_error(invoke("voice", "save", "../y", "--voice", "Leo", "--model", str(model)), 3, "invalid")
    assert invoke("voice", "rm", "soft").returncode == 0
    assert_clean_error(invoke("voice", "rm", "soft"), 4, "no voice named")


def test_voice_list_refuses_speaker_models():
    assert_clean_error(invoke("voice", "list", "--model", "piper:en_US-joe-medium"), 2, "piper")


def test_preset_or_blend_without_its_model_names_the_fix(tmp_path):
    """Without --model, a preset or blend that no installed model can speak says which model
    to pull (not "the default Piper voice has a single speaker"), and writes nothing."""
    env = {"TTSCLI_HOME": str(tmp_path / "home")}
    out = tmp_path / "x.wav"
    proc = invoke("say", "Hello.", "--voice", "storyteller", "-o", str(out), env=env)
    err = assert_clean_error(proc, 4, "storyteller", "kokoro preset", "ttscli pull kokoro")
    assert "single speaker" not in err
    proc = invoke("say", "Hello.", "--voice", "af_heart:50,expr-voice-2-f:50", "-o", str(out), env=env)
    assert_clean_error(proc, 4, "blend", "af_heart, expr-voice-2-f")
    assert not out.exists()
