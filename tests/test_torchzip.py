"""Reading NeuTTS reference codes from torch .pt archives without unpickling."""

from __future__ import annotations

import struct

import numpy as np
import pytest

from support.speech_models import torch_pickle as _int_pkl
from support.speech_models import write_pt as _write_pt
from ttscli.errors import IntegrityError
from ttscli.runtime.torchzip import read_tensor

from support.cli import SHARED

# A real NeuTTS reference (samples/jo.pt of github.com/neuphonic/neutts), if the shared test data has it.
NEUTTS_SAMPLE = SHARED / "neutts" / "jo.pt"


def test_reads_int32_codes(tmp_path):
    codes = np.array([18578, 55378, 0, 65535, 7], dtype="<i4")
    path = _write_pt(tmp_path / "jo.pt", "fleurs_fem_1", _int_pkl(len(codes)), codes.tobytes())
    out = read_tensor(path)
    assert out.dtype == np.int32 and out.tolist() == codes.tolist()


def test_reads_int64_storage(tmp_path):
    codes = np.arange(70000, dtype="<i8")
    path = _write_pt(tmp_path / "big.pt", "x", _int_pkl(len(codes), "LongStorage"), codes.tobytes())
    assert read_tensor(path).tolist() == codes.tolist()


def test_matches_torch_load(tmp_path):
    torch = pytest.importorskip("torch")
    t = torch.tensor([3, 1, 4, 1, 5, 9, 2, 6], dtype=torch.int32)
    torch.save(t, tmp_path / "t.pt")
    torch.save(torch.arange(20, dtype=torch.int64).reshape(4, 5)[1:], tmp_path / "view.pt")
    assert read_tensor(tmp_path / "t.pt").tolist() == t.tolist()
    assert read_tensor(tmp_path / "view.pt").tolist() == torch.arange(20).reshape(4, 5)[1:].tolist()


def test_real_neutts_sample(tmp_path):
    if not NEUTTS_SAMPLE.is_file():
        pytest.skip(f"no real NeuTTS sample at {NEUTTS_SAMPLE} (put samples/jo.pt of neuphonic/neutts there)")
    codes = read_tensor(NEUTTS_SAMPLE)
    assert codes.dtype == np.int32 and codes.shape == (653,)  # 13.06 s at 50 codes/s
    assert 0 <= codes.min() and codes.max() < 65536


def test_never_runs_the_pickle(tmp_path):
    marker = tmp_path / "pwned"
    evil = b"\x80\x02cos\nsystem\nq\x00X" + struct.pack("<I", len(f"touch {marker}")) + f"touch {marker}".encode() \
        + b"\x85q\x01Rq\x02."
    path = _write_pt(tmp_path / "evil.pt", "evil", evil, b"")
    with pytest.raises(IntegrityError, match="os system"):
        read_tensor(path)
    assert not marker.exists()


@pytest.mark.parametrize("content", [b"not a zip", b"PK\x03\x04garbage"])
def test_corrupt_files(tmp_path, content):
    path = tmp_path / "bad.pt"
    path.write_bytes(content)
    with pytest.raises(IntegrityError, match="not a plain tensor file"):
        read_tensor(path)


def test_storage_shorter_than_the_shape(tmp_path):
    path = _write_pt(tmp_path / "short.pt", "p", _int_pkl(10), np.arange(4, dtype="<i4").tobytes())
    with pytest.raises(IntegrityError, match="does not fit"):
        read_tensor(path)
