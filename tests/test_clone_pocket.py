"""Pocket TTS cloning against a synthetic `pocket_tts` package with the real API
(TTSModel.load_model(config=...), get_state_for_audio_prompt, export_model_state)
and a pulled-model directory layout; the stored state round-trips to the
package's {module: {key: tensor}} layout."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from support.clone_helpers import speechlike, write_wav
from support.synthetic_encoders import POCKET_CONFIG, pocket_model_dir, pocket_package
from ttscli.errors import BadInput
from ttscli.models import resolve
from ttscli.models.ref import ModelRef

pytest.importorskip("torch")
pytest.importorskip("yaml")


@pytest.fixture
def pocket(tmp_path, monkeypatch):
    pkgs = pocket_package(tmp_path / "pkgs")
    monkeypatch.syspath_prepend(str(pkgs))
    sys.modules.pop("pocket_tts", None)
    models: dict[str, ModelRef] = {}
    monkeypatch.setattr(resolve, "SOURCES", [*resolve.SOURCES, lambda: dict(models)])

    def add(cloning: bool = True) -> ModelRef:
        ref = ModelRef("pocket-tts:english", "pocket-tts", pocket_model_dir(tmp_path / "model", cloning=cloning),
                       "store", revision="a" * 40)
        models[ref.id] = ref
        return ref

    yield add
    sys.modules.pop("pocket_tts", None)


def test_clone_stores_the_exported_prompt_state(pocket, tmp_path):
    from ttscli.clone.run import clone
    from ttscli.families.pocket.encoder import state_dicts
    from ttscli.voices import cache

    ref = pocket()
    wav = write_wav(tmp_path / "ref.wav", speechlike(4.0, 44100), 44100)
    result = clone("pock", [str(wav)], model="pocket-tts")  # a family name picks the installed model
    assert not result.cached and result.model_id == "pocket-tts:english"
    voice = cache.load("pock")
    assert voice.family == "pocket-tts" and voice.meta["sample_rate"] == 24000
    assert voice.meta["model_revision"] == ref.revision and voice.meta["transcript"] is None
    state = state_dicts(voice)
    layers = POCKET_CONFIG["flow_lm"]["transformer"]["num_layers"]
    assert sorted(state) == [f"transformer.layers.{i}.self_attn" for i in range(layers)]
    frames = int(voice.meta["reference_seconds"] * 12.5)
    for module in state.values():
        heads = POCKET_CONFIG["flow_lm"]["transformer"]["num_heads"]
        assert module["cache"].shape == (2, 1, frames, heads, 64) and module["cache"].dtype == np.float32
        assert module["offset"].dtype == np.int64 and int(module["offset"][0]) == frames
    again = clone("pock", [str(wav)], model="pocket-tts:english")
    assert again.cached


def test_state_matches_the_package_on_the_same_audio(pocket, tmp_path):
    """What we store is what pocket-tts computes for the conditioned clip (no re-scaling on the way)."""
    import pocket_tts
    import torch

    from ttscli.clone.run import clone
    from ttscli.families.pocket.encoder import state_dicts, write_config
    from ttscli.voices import cache

    ref = pocket()
    wav = write_wav(tmp_path / "ref.wav", speechlike(3.0, 24000), 24000)
    clone("p2", [str(wav)], model="pocket-tts:english")
    from ttscli.clone import conditioning, reference

    clip = conditioning.condition([reference.read(wav)], 24000, 30.0)
    from pathlib import Path

    tts = pocket_tts.TTSModel.load_model(config=str(write_config(ref, Path(pocket_tts.__file__).parent,
                                                                 tmp_path / "c.yaml")))
    expected = tts.get_state_for_audio_prompt(torch.from_numpy(clip.samples).reshape(1, -1))
    got = state_dicts(cache.load("p2"))
    for module, tensors in expected.items():
        np.testing.assert_allclose(got[module]["cache"], tensors["cache"].numpy(), rtol=1e-5, atol=1e-6)


def test_model_without_cloning_weights_is_refused(pocket, tmp_path):
    from ttscli.clone.run import clone

    pocket(cloning=False)
    wav = write_wav(tmp_path / "ref.wav", speechlike(3.0, 24000), 24000)
    with pytest.raises(BadInput, match="no voice-cloning weights"):
        clone("nope", [str(wav)], model="pocket-tts")
