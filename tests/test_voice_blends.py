"""Voice blends, voicepack files, saved voices and presets (no model run needed)."""

from __future__ import annotations

import json
import zipfile

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import assert_clean_error, run_cli
from styletts_synth import kitten_dir, style_table
from ttscli.backends.styletts_rules import KittenRules, KokoroRules
from ttscli.errors import BadInput, IntegrityError, NotFound, UsageError
from ttscli.voices import blend, packs, presets, saved
from ttscli.voices.resolve import VoiceResolver


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
    with pytest.raises(UsageError, match="kitten voice"):
        kokoro_resolver.resolve("jf_alpha:60,expr-voice-2-m:40")
    with pytest.raises(UsageError, match="kitten voice"):
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
    with pytest.raises(UsageError, match="kitten family"):
        kokoro_resolver.resolve("kitten-warm")


def test_presets_are_valid_data_files():
    found = {p.name: p for p in presets.presets()}
    assert {"storyteller", "ja-calm", "ja-duet", "kitten-warm"} <= set(found)
    assert {p.family for p in found.values()} <= {"kokoro", "kitten"}
    for p in found.values():
        assert abs(sum(part.weight for part in p.parts()) - 1) < 1e-9
        assert p.source.parent.name == "voices"


def test_saved_voice_round_trip_and_tamper_detection(kokoro_resolver):
    style = kokoro_resolver.resolve("jf_alpha:60,jm_kumo:40").style
    saved.save("duo", style, family="kokoro", model="kokoro:test", kind="blend",
               extra={"parts": [{"voice": "jf_alpha", "weight": 0.6}, {"voice": "jm_kumo", "weight": 0.4}],
                      "language": "ja"})
    with pytest.raises(Exception, match="already exists"):
        saved.save("duo", style, family="kokoro", model="kokoro:test", kind="blend")
    v = kokoro_resolver.resolve("duo")
    np.testing.assert_array_equal(v.style, style)
    assert v.language == "ja" and v.main_voice == "jf_alpha"
    # A saved voice blends like a stock one.
    mixed = kokoro_resolver.resolve("duo:50,af_heart:50")
    np.testing.assert_allclose(mixed.style, 0.5 * style + 0.5 * kokoro_resolver.bank.style("af_heart"), atol=1e-6)
    # Flip one byte of the array: the checksum catches it before use.
    npz = saved.load("duo").npz
    data = bytearray(npz.read_bytes())
    data[-100] ^= 0xFF
    npz.write_bytes(bytes(data))
    with pytest.raises(IntegrityError, match="checksum"):
        kokoro_resolver.resolve("duo")
    saved.remove("duo")
    assert saved.load("duo") is None


def test_saved_voice_of_other_family_is_refused(kokoro_resolver):
    saved.save("kit", style_table(400, 1), family="kitten", model="kitten:nano", kind="blend")
    with pytest.raises(UsageError, match="kitten family"):
        kokoro_resolver.resolve("kit")
    with pytest.raises(UsageError, match="kitten family"):
        kokoro_resolver.resolve("kit:50,jf_alpha:50")


@pytest.mark.parametrize("name", ["../evil", "a/b", ".hidden", "x" * 200, ""])
def test_saved_voice_names_cannot_escape(name):
    with pytest.raises(BadInput):
        saved.save(name, style_table(2, 1), family="kokoro", model="m", kind="blend")
    assert saved.load(name) is None


def test_saved_voice_file_holds_no_pickle(kokoro_resolver):
    saved.save("plain", style_table(510, 5), family="kokoro", model="kokoro:test", kind="blend")
    meta = json.loads(saved.load("plain").npz.with_suffix(".json").read_text())
    assert meta["format"] == "ttscli-voice" and meta["shape"] == [510, 256] and len(meta["sha256"]) == 64
    with zipfile.ZipFile(saved.load("plain").npz) as zf:
        assert zf.namelist() == ["style.npy"]
    with np.load(saved.load("plain").npz, allow_pickle=False) as data:
        assert data["style"].dtype == np.float32


# --- the `voice` command on a model directory (no onnxruntime run)

def test_voice_cli_save_list_rm(tmp_path):
    model = kitten_dir(tmp_path / "kitten")
    proc = run_cli("voice", "list", "--model", str(model), "--json")
    assert proc.returncode == 0, proc.stderr.decode()
    rows = json.loads(proc.stdout)
    stock = {r["name"]: r for r in rows if r["kind"] == "stock"}
    assert stock["expr-voice-2-f"]["gender"] == "female" and stock["expr-voice-2-f"]["language"] == "en-us"
    assert {r["name"] for r in rows if r["kind"] == "preset"} == {"kitten-warm", "kitten-deep"}
    proc = run_cli("voice", "save", "soft", "--voice", "Bella:70,Luna:30", "--model", str(model))
    assert proc.returncode == 0, proc.stderr.decode()
    rows = json.loads(run_cli("voice", "list", "--model", str(model), "--json").stdout)
    mine = next(r for r in rows if r["name"] == "soft")
    assert mine["kind"] == "blend" and mine["details"] == "expr-voice-2-f:70,expr-voice-3-f:30"
    assert_clean_error(run_cli("voice", "save", "soft", "--voice", "Leo", "--model", str(model)), 8, "exists")
    assert_clean_error(run_cli("voice", "save", "x", "--voice", "Leo:50,af_heart:50", "--model", str(model)), 2,
                       "kokoro voice")
    assert_clean_error(run_cli("voice", "save", "y", "--voice", "Leo:50,Lep:50", "--model", str(model)), 4, "Lep")
    assert_clean_error(run_cli("voice", "save", "../y", "--voice", "Leo", "--model", str(model)), 3, "invalid")
    assert run_cli("voice", "rm", "soft").returncode == 0
    assert_clean_error(run_cli("voice", "rm", "soft"), 4, "no saved voice")


def test_voice_list_refuses_speaker_models():
    assert_clean_error(run_cli("voice", "list", "--model", "piper:en_US-joe-medium"), 2, "piper")
