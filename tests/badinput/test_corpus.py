"""Drive every bad-input case through the real CLI (see cases.py).

Cases run in this process through the CLI's own entry point and error boundary
(support.cli.invoke), which is what a subprocess would run, minus Python start-up;
a case whose point is the process itself (closed file descriptors, `process=True`)
runs as a real subprocess.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys

import pytest

from badinput.cases import ALL, Case
from support.cli import assert_clean_error


def _snapshot(root) -> dict[str, str]:
    out = {}
    for p in sorted(root.rglob("*")):
        if p.is_file() and not p.is_symlink():
            out[str(p.relative_to(root))] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


@pytest.fixture(scope="session")
def clone_kit(tmp_path_factory):
    """The synthetic NeuTTS model and environment of the clone tests (built once)."""
    pytest.importorskip("torch")
    pytest.importorskip("llama_cpp")
    from support.clone_helpers import neutts_model, neutts_setup

    root = tmp_path_factory.mktemp("corpus-clone")
    return neutts_setup(root), neutts_model(root / "model", 0, [5, 6, 7])


def _run(case: Case, argv: list[str], extra_env: dict, monkeypatch):
    changes = {**case.env, **extra_env}
    if not (case.process or case.stdout_closed):
        from support.cli import invoke

        for key, value in changes.items():
            if value is None:
                monkeypatch.delenv(key, raising=False)
            else:
                monkeypatch.setenv(key, value)
        return invoke(*argv, input=case.stdin)
    env = dict(os.environ)
    for key, value in changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run([sys.executable, "-m", "ttscli", *argv], input=case.stdin, capture_output=True, env=env,
                          timeout=300, preexec_fn=(lambda: os.close(1)) if case.stdout_closed else None)


def _assert_success(proc: subprocess.CompletedProcess, case: Case) -> None:
    err = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == 0, err
    assert "Traceback" not in err and "error:" not in err, err
    assert all(ln.startswith("ttscli: ") for ln in err.splitlines() if ln.strip()), err
    for needle in case.needles:  # the warning that says what was changed
        assert needle.lower() in err.lower(), (needle, err)


@pytest.mark.parametrize("case", ALL, ids=[c.id for c in ALL])
def test_bad_input(case: Case, tmp_path, _isolated_home, request, monkeypatch):
    (tmp_path / "existing.wav").write_bytes(b"an earlier output that must survive")
    mapping = {"tmp": str(tmp_path)}
    extra_env: dict = {}
    if case.clone_kit:
        env, model = request.getfixturevalue("clone_kit")
        extra_env.update(env)
        mapping["model"] = str(model)
    if case.setup:
        got = dict(case.setup(tmp_path) or {})
        extra_env.update(got.pop("__env__", {}))
        mapping.update(got)
    before_out = _snapshot(tmp_path)
    before_home = _snapshot(_isolated_home)
    argv = [a.format(**mapping) for a in case.argv]
    try:
        proc = _run(case, argv, extra_env, monkeypatch)
    finally:
        if case.teardown:
            case.teardown(tmp_path)
    after_out = _snapshot(tmp_path)
    if case.code == 0:
        _assert_success(proc, case)
        case.check(tmp_path, proc)
        assert {k: v for k, v in after_out.items() if k in before_out} == before_out, "an existing file changed"
    else:
        assert_clean_error(proc, case.code, *case.needles)
        assert after_out == before_out, "outputs changed or a partial file was left behind"
    after_home = _snapshot(_isolated_home)
    assert {k: v for k, v in after_home.items() if k in before_home} == before_home, "caches were modified"
    if case.code != 0:  # nothing half-written in the caches either
        assert not [k for k in after_home if k.endswith((".part", ".tmp")) or ".tmp" in k], after_home


def test_corpus_size():
    assert len(ALL) >= 40
