"""The Pocket TTS backend, run by the real CLI with the REAL pocket-tts package.

The model is tiny and random (tests/pocket_tiny.py): its config and tensor names are
the package's own, so loading, voice states, streaming generation and the Mimi decoder
are the package's real code; only the weights are not Kyutai's. The audio is
therefore noise-like: these tests prove rate, length bounds, non-silence,
reproducibility, voices and errors, not intelligibility (no ASR check).
"""

from __future__ import annotations

import io

import numpy as np
import pytest
from support.clone_helpers import speechlike, write_wav
from support.cli import assert_clean_error, run_cli

pytest.importorskip("torch")
pytest.importorskip("pocket_tts")
sf = pytest.importorskip("soundfile")

BAD_INPUT, RUNTIME = 3, 5
TEXT = "Hello world. How are you today?"


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    from support.pocket_tiny import build

    return build(tmp_path_factory.mktemp("pocket") / "tiny-pocket")


def _say(*args: str, env: dict | None = None) -> bytes:
    proc = run_cli("say", *args, "-o", "-", "--format", "wav", env=env)
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stdout[:4] == b"RIFF"
    return proc.stdout


def _audio(data: bytes) -> tuple[np.ndarray, int]:
    samples, rate = sf.read(io.BytesIO(data), dtype="float32")
    return samples, rate


def test_predefined_voice_gives_24khz_audio(model_dir):
    data = _say("-m", str(model_dir), "--voice", "alba", TEXT)
    samples, rate = _audio(data)
    assert rate == 24000 and samples.ndim == 1
    seconds = len(samples) / rate
    # the package stops 6+ frames (80 ms each) after the start and caps a chunk at tokens/3 + 2 s
    assert 0.4 < seconds < 10, seconds
    assert float(np.sqrt(np.mean(samples ** 2))) > 1e-3  # not silence
    assert len(samples) % 1920 == 0  # whole Mimi frames at 12.5 Hz
    # no --voice: the model's default predefined voice (alba), with the same default seed
    assert _say("-m", str(model_dir), TEXT) == data
    other = _say("-m", str(model_dir), "--voice", "cosette", TEXT)
    assert other != data


def test_seed_makes_output_reproducible(model_dir):
    a = _say("-m", str(model_dir), "--seed", "7", TEXT)
    b = _say("-m", str(model_dir), "--seed", "7", TEXT)
    c = _say("-m", str(model_dir), "--seed", "8", TEXT)
    assert a == b
    assert a != c


def test_clone_then_say_with_the_stored_voice(model_dir, tmp_path):
    proc = run_cli("pull", str(model_dir))
    assert proc.returncode == 0, proc.stderr.decode()
    import json

    rows = {row["id"]: row for row in json.loads(run_cli("list", "--json").stdout)}
    row = rows["pocket-tts:tiny-pocket"]
    assert row["family"] == "pocket-tts" and row["runtime"] == "torch" and row["voices"] == ["alba", "cosette"]
    ref = write_wav(tmp_path / "me.wav", speechlike(4.0, 44100), 44100)
    proc = run_cli("clone", "me", str(ref), "--model", "pocket-tts:tiny-pocket", "--text", "a test of speech")
    assert proc.returncode == 0, proc.stderr.decode()
    cloned = _say("--voice", "me", TEXT)  # the stored voice names its model
    samples, rate = _audio(cloned)
    assert rate == 24000 and len(samples) / rate > 0.4 and np.abs(samples).max() > 1e-3
    assert cloned != _say("-m", "pocket-tts:tiny-pocket", "--voice", "alba", TEXT)
    assert _say("-m", "pocket-tts:tiny-pocket", "--voice", "me", TEXT) == cloned
    # a predefined voice alone picks the installed model that has it
    assert _say("--voice", "cosette", TEXT) == _say("-m", "pocket-tts:tiny-pocket", "--voice", "cosette", TEXT)


def test_exported_state_file_as_voice(model_dir):
    by_path = _say("-m", str(model_dir), "--voice", str(model_dir / "embeddings" / "cosette.safetensors"), TEXT)
    assert by_path == _say("-m", str(model_dir), "--voice", "cosette", TEXT)


def _store_voice(name: str, family: str, model_id: str, tensors: dict) -> None:
    from ttscli.voices import cache

    cache.save(cache.Voice(name, family, model_id, tensors, {"sample_rate": 24000, "kind": "clone"}))


def test_voice_of_another_family_is_refused(model_dir):
    _store_voice("kok", "kokoro", "kokoro:v1.0", {"style": np.zeros((510, 1, 256), np.float32)})
    proc = run_cli("say", "-m", str(model_dir), "--voice", "kok", TEXT, "-o", "-")
    assert_clean_error(proc, BAD_INPUT, "kok", "kokoro")
    assert not proc.stdout


def test_state_of_another_pocket_model_is_refused(model_dir):
    layers = {f"state/transformer.layers.{i}.self_attn/{k}": v for i in range(2) for k, v in
              {"cache": np.zeros((2, 1, 5, 4, 16), np.float32), "offset": np.array([5], np.int64)}.items()}
    _store_voice("wide", "pocket-tts", f"local:{model_dir}", layers)
    proc = run_cli("say", "-m", str(model_dir), "--voice", "wide", TEXT, "-o", "-")
    assert_clean_error(proc, BAD_INPUT, "wide", "another Pocket TTS model", "clone it again")


def test_speed_is_refused_and_unknown_voice_named(model_dir, tmp_path):
    out = tmp_path / "x.wav"
    proc = run_cli("say", "-m", str(model_dir), "--speed", "1.5", TEXT, "-o", str(out))
    assert_clean_error(proc, BAD_INPUT, "speaking-rate", "--speed")
    assert not out.exists()
    proc = run_cli("say", "-m", str(model_dir), "--voice", "albaa", TEXT, "-o", str(out))
    assert_clean_error(proc, 4, "albaa", "alba")
    wav = write_wav(tmp_path / "ref.wav", speechlike(2.0, 24000), 24000)
    proc = run_cli("say", "-m", str(model_dir), "--voice", str(wav), TEXT, "-o", str(out))
    assert_clean_error(proc, BAD_INPUT, ".safetensors voice state", "ttscli clone")


def test_unimportable_package_is_one_line_with_the_install_hint(model_dir, tmp_path):
    """A broken or missing pocket-tts (here: a module that fails to import, first on the path)."""
    shadow = tmp_path / "shadow"
    shadow.mkdir()
    (shadow / "pocket_tts.py").write_text("raise ImportError(\"No module named 'pocket_tts'\")\n")
    import os

    env = {"PYTHONPATH": os.pathsep.join([str(shadow), os.environ.get("PYTHONPATH", "")])}
    proc = run_cli("say", "-m", str(model_dir), TEXT, "-o", str(tmp_path / "y.wav"), env=env)
    assert_clean_error(proc, RUNTIME, "pocket-tts", "pip install")


def test_detects_pulled_and_imported_layouts():
    from ttscli.families.pocket.files import detect

    assert detect(["languages/english/model.safetensors", "languages/english/tokenizer.json",
                   "languages/english/embeddings/alba.safetensors"])
    assert detect(["config.yaml", "model.safetensors", "tokenizer.json"])
    assert not detect(["model.safetensors", "tokenizer.json", "config.json"])  # an ordinary HF LM


def test_pulled_layout_spanning_two_repositories(model_dir, tmp_path, monkeypatch):
    """A catalog pull: weights in kyutai/pocket-tts, tokenizer and voices in the no-cloning repo,
    found through the record's absolute role paths (ModelRef.info["files"])."""
    import shutil

    from ttscli import engine
    from ttscli.backends.base import SynthesisOptions
    from ttscli.models import resolve
    from ttscli.models.ref import ModelRef
    from ttscli.text.segments import Segment

    main, other = tmp_path / "pocket-tts" / "languages" / "english", tmp_path / "no-clone" / "languages" / "english"
    (other / "embeddings").mkdir(parents=True)
    main.mkdir(parents=True)
    shutil.copy(model_dir / "model.safetensors", main)
    shutil.copy(model_dir / "config.yaml", main.parent.parent)  # a model with its own (tiny) config
    shutil.copy(model_dir / "tokenizer.json", other)
    shutil.copy(model_dir / "embeddings" / "cosette.safetensors", other / "embeddings")
    files = {"model": str(main / "model.safetensors"), "tokenizer": str(other / "tokenizer.json"),
             "voices": [str(other / "embeddings" / "cosette.safetensors")]}
    ref = ModelRef("pocket-tts:english", "pocket-tts", tmp_path / "pocket-tts", "store", revision="b" * 40,
                   info={"files": files, "languages": ["en"], "sample_rate": 24000})
    monkeypatch.setattr(resolve, "SOURCES", [*resolve.SOURCES, lambda: {ref.id: ref}])
    loaded = engine.load("pocket-tts:english", None)
    backend = loaded.backend
    assert [v.name for v in backend.voices()] == ["cosette"] and loaded.voice.name == "cosette"
    assert backend.text_profile().language == "en"
    chunks = list(backend.stream(Segment("Hello world."), loaded.voice, SynthesisOptions(seed=3)))
    assert chunks and all(c.sample_rate == 24000 and c.samples.dtype == np.float32 for c in chunks)
    # the same text, voice and seed give the same samples again
    again = list(backend.stream(Segment("Hello world."), loaded.voice, SynthesisOptions(seed=3)))
    assert np.array_equal(np.concatenate([c.samples for c in chunks]), np.concatenate([c.samples for c in again]))
