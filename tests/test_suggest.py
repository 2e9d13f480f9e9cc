"""The shared "did you mean" / speaker lookup / HTML sniffing helpers."""

from __future__ import annotations

import pytest

from ttscli.errors import NotFound
from ttscli.filetypes import looks_like_html
from ttscli.suggest import close_matches, did_you_mean, hint, speaker_index, voice_not_found


def test_did_you_mean():
    assert close_matches("kokro", ["kokoro", "piper", "kitten"]) == ["kokoro"]
    assert did_you_mean("kokro", ["kokoro", "piper"]) == "did you mean kokoro?"
    assert did_you_mean("zzz", ["kokoro"], otherwise="see `ttscli list`") == "see `ttscli list`"
    assert did_you_mean("zzz", ["kokoro"]) is None
    assert hint(["a", "b", "a"]) == "did you mean a, b?"


def test_voice_not_found_names_model_and_close_voices():
    exc = voice_not_found("af_hart", "kokoro:v1.0", ["af_heart", "am_adam"], otherwise="see the list")
    assert isinstance(exc, NotFound)
    assert exc.message == "voice 'af_hart' not found in kokoro:v1.0" and exc.hint == "did you mean af_heart?"


def test_speaker_index():
    speakers = {"alice": 0, "bob": 1, "carol": 2}
    assert speaker_index(None, speakers, 3, "piper:x") == 0
    assert speaker_index("bob", speakers, 3, "piper:x") == 1
    assert speaker_index("2", speakers, 3, "piper:x") == 2
    with pytest.raises(NotFound, match="'bobb' not found in piper:x") as info:
        speaker_index("bobb", speakers, 3, "piper:x")
    assert info.value.hint == "did you mean bob?"
    with pytest.raises(NotFound) as info:
        speaker_index("7", speakers, 3, "piper:x")
    assert info.value.hint == "speakers 0-2"
    assert speaker_index("x", {}, 1, "piper:x") is None  # a single-speaker model answers to its name
    with pytest.raises(NotFound, match="has a single speaker"):
        speaker_index("bob", {}, 1, "piper:x")


@pytest.mark.parametrize("head, html", [
    (b"<!DOCTYPE html><html><head>", True),
    (b"\xef\xbb\xbf\n  <html lang=en>", True),
    (b"\n\n<!-- proxy -->\n<html>", True),
    (b"GGUF\x03\x00\x00\x00", False),
    (b'{"audio": {"sample_rate": 22050}}', False),
    (b"\x08\x07\x12\x07pytorch", False),
])
def test_looks_like_html(head, html):
    assert looks_like_html(head) is html
