"""Drive every bad-input case through the real CLI (see cases.py)."""

from __future__ import annotations

import hashlib

import pytest

from badinput.cases import ALL, Case
from conftest import assert_clean_error, run_cli


def _snapshot(root) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("case", ALL, ids=[c.id for c in ALL])
def test_bad_input(case: Case, tmp_path, _isolated_home):
    (tmp_path / "existing.wav").write_bytes(b"an earlier output that must survive")
    mapping = {"tmp": str(tmp_path)}
    if case.setup:
        mapping.update(case.setup(tmp_path) or {})
    before_out = _snapshot(tmp_path)
    before_home = _snapshot(_isolated_home)
    argv = [a.format(**mapping) for a in case.argv]
    proc = run_cli(*argv, input=case.stdin, env=case.env)
    assert_clean_error(proc, case.code, *case.needles)
    assert _snapshot(tmp_path) == before_out, "outputs changed or a partial file was left behind"
    after_home = _snapshot(_isolated_home)
    assert {k: v for k, v in after_home.items() if k in before_home} == before_home, "caches were modified"
