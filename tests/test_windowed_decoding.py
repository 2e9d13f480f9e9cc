"""Windowed streaming decode: every frame once, seamless joins, context never emitted."""

from __future__ import annotations

import numpy as np
import pytest
from support.speech_models import neucodec_decoder, neutts_amplitude, snac_decoder
from ttscli.errors import IntegrityError
from ttscli.families._shared.windowed import WindowedDecoder, WindowPlan
from ttscli.families.neutts.codec import NeuCodecDecoder
from ttscli.families.orpheus.codec import SnacDecoder
from ttscli.runtime.plan import cpu_plan

PLAN = WindowPlan(hop=8, first_chunk=2, chunk=5, lookback=3, lookahead=2, crossfade=6)


def _stream(decoder: WindowedDecoder, frames, step: int) -> list[np.ndarray]:
    out = []
    for i in range(0, len(frames), step):
        out += decoder.push(frames[i : i + step])
    tail = decoder.flush()
    return out + ([tail] if len(tail) else [])


def _local(frames: np.ndarray) -> np.ndarray:
    """A position-local 'decoder': each frame becomes 8 samples of its value."""
    return np.repeat(np.asarray(frames, dtype=np.float32), 8)


@pytest.mark.parametrize("step", [1, 3, 7, 40])
def test_position_local_decoder_streams_exactly_the_one_shot_audio(step):
    frames = list(range(1, 38))
    parts = _stream(WindowedDecoder(_local, PLAN), frames, step)
    np.testing.assert_allclose(np.concatenate(parts), _local(frames), rtol=0, atol=1e-5)


def test_region_sizes_first_chunk_then_chunk():
    dec = WindowedDecoder(_local, PLAN)
    sizes = [len(p) // 8 for p in _stream(dec, list(range(30)), 1)]
    assert sizes[0] == 2 and set(sizes[1:-1]) == {5} and sum(sizes) == 30
    growing = WindowPlan(hop=8, first_chunk=2, chunk=3, lookback=3, lookahead=2, crossfade=6, max_chunk=10)
    sizes = [len(p) // 8 for p in _stream(WindowedDecoder(_local, growing), list(range(60)), 1)]
    assert sizes[:5] == [2, 3, 6, 10, 10] and sum(sizes) == 60
    parts = _stream(WindowedDecoder(_local, growing), list(range(1, 60)), 4)
    np.testing.assert_allclose(np.concatenate(parts), _local(range(1, 60)), atol=1e-5)
    # Nothing can be emitted until the first region has its lookahead.
    assert WindowedDecoder(_local, PLAN).push([1, 2, 3]) == []


def test_context_frames_are_left_context_only():
    seen = []

    def dec(frames):
        seen.append(list(frames))
        return _local(frames)

    context = [90, 91, 92, 93]
    parts = _stream(WindowedDecoder(dec, PLAN, context), list(range(1, 12)), 1)
    np.testing.assert_allclose(np.concatenate(parts), _local(range(1, 12)), atol=1e-5)
    assert seen[0][:3] == [91, 92, 93]  # the first window looks back into the reference


def test_crossfade_blends_windows_that_disagree():
    """A decoder whose output drifts with the window position (as real ones do at
    the edges): joins are blended instead of jumping."""

    def drifting(frames):  # the true signal is silence; each window adds its own offset
        return np.zeros(8 * len(frames), dtype=np.float32) + 0.1 * float(frames[0])

    frames = list(range(40))
    audio = np.concatenate(_stream(WindowedDecoder(drifting, PLAN), frames, 1))
    assert len(audio) == 40 * 8
    hard = np.concatenate(_stream(WindowedDecoder(drifting, WindowPlan(8, 2, 5, 3, 2, 0)), frames, 1))
    assert np.max(np.abs(np.diff(audio))) < np.max(np.abs(np.diff(hard)))


def test_invalid_plan():
    with pytest.raises(ValueError):
        WindowPlan(hop=8, first_chunk=1, chunk=1, lookback=0, lookahead=1, crossfade=9)


def test_neucodec_stub_streams_like_one_shot(tmp_path):
    dec = NeuCodecDecoder(neucodec_decoder(tmp_path / "model.onnx"), cpu_plan())
    codes = (np.arange(137) * 7919) % 65536
    one_shot = dec.decode(codes)
    assert one_shot.shape == (137 * 480,)
    plan = WindowPlan(hop=480, first_chunk=10, chunk=25, lookback=50, lookahead=5, crossfade=480, max_chunk=100)
    parts = _stream(WindowedDecoder(dec.decode, plan, [1, 2, 3]), codes.tolist(), 4)
    np.testing.assert_allclose(np.concatenate(parts), one_shot, atol=1e-5)
    peaks = np.abs(one_shot.reshape(-1, 480)).max(axis=1)
    np.testing.assert_allclose(peaks, neutts_amplitude(codes), rtol=0.02)


def test_snac_stub_streams_like_one_shot(tmp_path):
    dec = SnacDecoder(snac_decoder(tmp_path / "snac.onnx"), cpu_plan())
    frames = np.arange(9 * 7).reshape(9, 7) % 4096
    one_shot = dec.decode(frames)
    assert one_shot.shape == (9 * 2048,)
    plan = WindowPlan(hop=2048, first_chunk=2, chunk=4, lookback=2, lookahead=1, crossfade=512, max_chunk=8)
    parts = _stream(WindowedDecoder(dec.decode, plan), frames.tolist(), 1)
    np.testing.assert_allclose(np.concatenate(parts), one_shot, atol=1e-5)


def test_decoder_with_wrong_inputs_is_refused(tmp_path):
    snac = snac_decoder(tmp_path / "snac.onnx")
    with pytest.raises(IntegrityError, match="not a NeuCodec decoder"):
        NeuCodecDecoder(snac, cpu_plan())
    neucodec = neucodec_decoder(tmp_path / "model.onnx")
    with pytest.raises(IntegrityError, match="not a SNAC decoder"):
        SnacDecoder(neucodec, cpu_plan())
