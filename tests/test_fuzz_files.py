"""Fuzzing the file loaders: voice cache, install records, voicepacks, WAV intake.

Properties:
* a stored voice file with any bytes changed, cut or added either fails with
  IntegrityError (exit 7) or loads exactly the tensors that were saved, never
  anything else and never another exception;
* arbitrary bytes in place of a voice file: IntegrityError only;
* an install record holding any JSON value is ignored or usable: `list`,
  `show` and `rm` never meet a record they cannot read;
* voicepacks (npz / raw .bin) of arbitrary bytes: IntegrityError or NotFound;
* reference audio made from mutated WAV files (and scipy's deliberately
  broken test WAVs) is read into finite mono samples at a positive rate, or
  refused with BadInput naming the file.
"""

from __future__ import annotations

import io
import json
import os

import numpy as np
import pytest
from support.clone_helpers import SCIPY_WAVS, speechlike
from support.fuzzing import fuzz
from hypothesis import given
from hypothesis import strategies as st

from ttscli.errors import BadInput, IntegrityError, NotFound
from ttscli.families.styletts import packs
from ttscli.store import manifest
from ttscli.voices import cache

TENSORS = {"style": np.linspace(-1, 1, 256, dtype=np.float32).reshape(1, 256),
           "ref_codes": np.arange(40, dtype=np.int32)}
EDITS = st.lists(st.tuples(st.sampled_from(["flip", "cut", "insert", "set"]), st.integers(0, 1 << 20),
                           st.integers(0, 255)), min_size=1, max_size=4)


def _mutate(data: bytes, edits) -> bytes:
    buf = bytearray(data)
    for op, pos, value in edits:
        pos = pos % (len(buf) + 1)
        if op == "flip" and pos < len(buf):
            buf[pos] ^= 1 << (value % 8)
        elif op == "cut":
            del buf[pos:]
        elif op == "insert":
            buf[pos:pos] = bytes([value])
        elif op == "set" and pos < len(buf):
            buf[pos] = value
    return bytes(buf)


@pytest.fixture(scope="module")
def stored_voice(tmp_path_factory):
    home = tmp_path_factory.mktemp("fuzz-voice-home")
    old = os.environ.get("TTSCLI_HOME")
    os.environ["TTSCLI_HOME"] = str(home)
    try:
        path = cache.save(cache.Voice("fuzzed", "kokoro", "kokoro:int8", dict(TENSORS)))
        original = path.read_bytes()
    finally:
        os.environ["TTSCLI_HOME"] = old or ""
    return home, original


@fuzz(250)
@given(edits=EDITS)
def test_mutated_voice_file_is_refused_or_identical(stored_voice, edits, monkeypatch):
    home, original = stored_voice
    monkeypatch.setenv("TTSCLI_HOME", str(home))
    path = cache.path_for("fuzzed")
    path.write_bytes(_mutate(original, edits))
    try:
        voice = cache.load("fuzzed")
    except IntegrityError:
        return
    finally:
        path.write_bytes(original)
    assert sorted(voice.tensors) == sorted(TENSORS)
    for key, value in TENSORS.items():
        np.testing.assert_array_equal(voice.tensors[key], value)


@fuzz(150)
@given(data=st.binary(max_size=4096))
def test_random_bytes_as_voice_file(stored_voice, data, monkeypatch):
    home, original = stored_voice
    monkeypatch.setenv("TTSCLI_HOME", str(home))
    path = cache.path_for("fuzzed")
    path.write_bytes(data)
    try:
        with pytest.raises(IntegrityError):
            cache.load("fuzzed")
        listed = {v["name"]: v for v in cache.list_voices()}
        assert "error" in listed["fuzzed"]
    finally:
        path.write_bytes(original)


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                                max_size=5), max_leaves=20)
RECORD_KEYS = ["id", "family", "path", "files", "aliases", "info", "roles", "commit", "repo"]
FILE_KEYS = ["path", "local", "size", "role", "sha256"]


def _almost_record(draw_value, files):
    return {"id": "piper:fuzz", "family": "piper", "path": "/nonexistent", "files": files, **draw_value}


@fuzz(300)
@given(value=st.one_of(
    JSON,
    st.dictionaries(st.sampled_from(RECORD_KEYS), JSON, max_size=9).map(lambda d: {"id": "piper:fuzz", **d}),
    st.builds(_almost_record, st.dictionaries(st.sampled_from(RECORD_KEYS[3:]), JSON, max_size=4),
              st.lists(st.dictionaries(st.sampled_from(FILE_KEYS), JSON, max_size=5), max_size=3)),
))
def test_any_json_as_install_record(tmp_path_factory, value, monkeypatch):
    home = tmp_path_factory.mktemp("fuzz-records")
    monkeypatch.setenv("TTSCLI_HOME", str(home))
    directory = manifest.records_dir()
    directory.mkdir(parents=True)
    (directory / f"{manifest.key_for('piper:fuzz')}.json").write_text(json.dumps(value))
    (directory / "garbage.json").write_bytes(b"\xff\xfe not json")
    for record in manifest.all_records() + [r for r in [manifest.read("piper:fuzz"), manifest.find("piper:fuzz")]
                                             if r is not None]:
        assert isinstance(record.id, str) and isinstance(record.family, str)
        record.path, record.aliases, record.size_bytes, record.missing_files()
        record.to_ref()


@fuzz(150)
@given(data=st.binary(max_size=2048), name=st.sampled_from(["voices.npz", "voices-v1.0.bin", "af_x.bin"]))
def test_voicepacks_of_random_bytes(tmp_path_factory, data, name):
    path = tmp_path_factory.mktemp("fuzz-packs") / name
    path.write_bytes(data)
    try:
        bank = packs.VoiceBank([path])
        for voice in bank.names():
            style = bank.style(voice)
            assert np.isfinite(style).all() and style.shape[-1] == 256
    except (IntegrityError, NotFound):
        pass


def _wav_bytes(seconds: float = 1.2, rate: int = 16000, subtype: str = "PCM_16") -> bytes:
    import soundfile as sf

    buf = io.BytesIO()
    sf.write(buf, speechlike(seconds, rate), rate, format="WAV", subtype=subtype)
    return buf.getvalue()


SEEDS = [_wav_bytes(), _wav_bytes(subtype="FLOAT"), _wav_bytes(rate=8000, subtype="PCM_U8")]
if SCIPY_WAVS is not None and SCIPY_WAVS.is_dir():
    SEEDS += [p.read_bytes() for p in sorted(SCIPY_WAVS.glob("*.wav")) if p.stat().st_size < 200_000]


def _check_intake(path) -> None:
    from ttscli.clone import reference

    try:
        raw = reference.read(path)
    except BadInput as exc:
        assert path.name in exc.one_line()
        return
    assert raw.sample_rate > 0 and raw.samples.ndim == 1 and raw.samples.size > 0
    assert np.isfinite(raw.samples).all()


@fuzz(60)
@given(seed=st.integers(0, len(SEEDS) - 1),
       edits=st.lists(st.tuples(st.sampled_from(["flip", "cut", "insert", "set"]), st.integers(0, 4096),
                                st.integers(0, 255)), min_size=1, max_size=3))
def test_mutated_wavs_are_read_or_refused(tmp_path_factory, seed, edits):
    """Edits land in the first 4 KiB, where the RIFF/fmt/data headers live."""
    path = tmp_path_factory.mktemp("fuzz-wav") / "ref.wav"
    path.write_bytes(_mutate(SEEDS[seed], edits))
    _check_intake(path)


@pytest.mark.skipif(SCIPY_WAVS is None, reason="scipy's test WAVs are not installed")
def test_every_scipy_test_wav_is_read_or_refused(tmp_path):
    wavs = sorted(SCIPY_WAVS.glob("*.wav"))
    assert len(wavs) >= 20
    for wav in wavs:
        _check_intake(wav)
