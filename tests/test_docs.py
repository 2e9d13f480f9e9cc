"""The docs hold: README.md and docs/*.md examples run, generated tables are current,
every environment variable is documented, the README stays short and links every page.

The example conventions (``# needs: …``, ``<!-- docs-test: skip -->``) are in
tests/docs_examples.py.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support.cli import REPO
from docs_examples import FIXTURES, examples, python_blocks

PAGES = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
# Pages other branches write; the README links them before they land.
LINKED_ELSEWHERE = {"text.md", "audiobooks.md", "server.md", "subtitles.md", "cluster.md", "layout.md",
                    "development.md", "performance.md"}


def _scratch(tmp_path: Path) -> tuple[Path, dict]:
    work = tmp_path / "work"
    work.mkdir()
    for name, text in FIXTURES.items():
        (work / name).write_text(text)
    from ttscli.families.piper.embedded import joe

    voice = work / "my-voice-dir"  # a Piper voice directory to import (`pull ./my-voice-dir`)
    voice.mkdir()
    for f in joe().path.iterdir():
        if f.name.endswith((".onnx", ".onnx.json")):
            shutil.copy(f, voice / f.name)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "ttscli"  # `ttscli` = this checkout's CLI under this interpreter
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m ttscli "$@"\n')
    shim.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
    env.update(PATH=f"{bin_dir}{os.pathsep}{env['PATH']}", HOME=str(tmp_path / "home"),
               PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")])),
               TTSCLI_PLAYER="none", HF_HUB_OFFLINE="1")
    (tmp_path / "home").mkdir()
    return work, env


SHELL_SYNTAX = set("|&;<>()$`*?[]{}~")


def _in_process_args(command: str) -> list[str] | None:
    """The arguments of a plain `ttscli ...` command (no pipes, redirects, expansions), else None."""
    try:
        tokens = shlex.split(command, comments=True)
    except ValueError:
        return None
    raw = command.split("#", 1)[0]
    if not tokens or tokens[0] != "ttscli" or any(c in SHELL_SYNTAX for c in raw.replace("\\$", "")):
        return None
    return tokens[1:]


def _run_in_process(args: list[str], work: Path, env: dict) -> tuple[int, str]:
    """The CLI's main() in this process: no interpreter start-up per example."""
    from ttscli.cli.app import main

    saved_env, saved_cwd = dict(os.environ), os.getcwd()
    out, err = io.BytesIO(), io.BytesIO()
    stdout = io.TextIOWrapper(out, encoding="utf-8", write_through=True)
    stderr = io.TextIOWrapper(err, encoding="utf-8", write_through=True)
    try:
        os.environ.clear()
        os.environ.update(env)
        os.chdir(work)
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            code = main(args)
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
    return code, (out.getvalue() + err.getvalue()).decode("utf-8", "replace")


def _run(command: str, work: Path, env: dict) -> tuple[int, str]:
    args = _in_process_args(command)
    if args is not None:
        return _run_in_process(args, work, env)
    proc = subprocess.run(["bash", "-c", command], cwd=work, env=env, capture_output=True, timeout=600, check=False)
    return proc.returncode, proc.stdout.decode("utf-8", "replace") + proc.stderr.decode("utf-8", "replace")


@pytest.mark.slow
@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(REPO)))
def test_shell_examples_run_offline(page, tmp_path):
    found = examples(page, REPO)
    runnable = [ex for ex in found if ex.skip is None]
    if not runnable:
        pytest.skip(f"no offline examples in {page.name} ({len(found)} marked as needing more)")
    work, env = _scratch(tmp_path)
    for ex in runnable:
        returncode, out = _run(ex.command, work, env)
        lines = {line.rstrip() for line in out.splitlines()}
        context = f"{ex.where()}: {ex.command}\n--- output:\n{out[-2000:]}"
        if ex.expects_error:
            assert returncode != 0, context
        else:
            assert returncode == 0, f"exit {returncode} at {context}\n(mark it `# needs: …` " \
                "if it cannot run offline; see tests/docs_examples.py)"
        for line in ex.expected:
            assert line in lines, f"documented output line missing: {line!r}\nat {context}"


PYTHON_PAGES = [p for p in PAGES if python_blocks(p)]


@pytest.mark.slow
@pytest.mark.parametrize("page", PYTHON_PAGES, ids=lambda p: str(p.relative_to(REPO)))
def test_python_examples_run_offline(page, tmp_path):
    """Each ```python block of the page runs as a script, in a scratch directory, offline."""
    work, env = _scratch(tmp_path)
    for line, source in python_blocks(page):
        proc = subprocess.run([sys.executable, "-c", source], cwd=work, env=env, capture_output=True,
                              timeout=600, check=False)
        assert proc.returncode == 0, f"{page.name}:{line}\n{source}\n--- stderr:\n{proc.stderr.decode()[-2000:]}"


def test_readme_python_example_is_short():
    blocks = python_blocks(REPO / "README.md")
    assert blocks and all(len(source.strip().splitlines()) <= 10 for _, source in blocks)


def test_example_parser(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(
        "```sh\nttscli say hi -o a.wav   # a comment\n# a comment line\nttscli say \\\n  there\n"
        "pip install -e .\nttscli pull kokoro   # needs: network\n```\n\n"
        "<!-- docs-test: skip (needs a GPU) -->\n```console\n$ ttscli doctor\nMachine\n```\n"
        "```console\n$ ttscli show kokro\nttscli: error: unknown model\n$ ttscli list\n```\n"
        "  ```sh\n  ttscli list   # indented, in a list item\n  ```\n```python\nprint(1)\n```\n")
    found = examples(page, tmp_path)
    assert [(e.line, e.command, e.skip) for e in found] == [
        (2, "ttscli say hi -o a.wav   # a comment", None),
        (4, "ttscli say    there", None),
        (6, "pip install -e .", "installs packages"),
        (7, "ttscli pull kokoro   # needs: network", "needs: network"),
        (12, "ttscli doctor", "needs a GPU"),
        (16, "ttscli show kokro", None),
        (18, "ttscli list", None),
        (21, "ttscli list   # indented, in a list item", None),
    ]
    assert found[4].expected == ["Machine"] and found[5].expects_error and not found[6].expected


def test_every_page_has_offline_examples_or_none_at_all():
    """Guard against a marker typo that silently skips a whole page: report the counts."""
    total = {p.name: examples(p, REPO) for p in PAGES}
    assert sum(1 for exs in total.values() for e in exs if e.skip is None) >= 20, \
        {k: len(v) for k, v in total.items()}


def test_generated_tables_are_current(tmp_path):
    from ttscli.cli import docgen

    shutil.copy(REPO / "README.md", tmp_path / "README.md")
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    docgen.generate(tmp_path)
    for rel in ["README.md", "docs/reference.md", "man/ttscli.1"]:
        assert (REPO / rel).read_text() == (tmp_path / rel).read_text(), \
            f"{rel} is stale: run `python -m ttscli.cli.docgen .`"


def test_every_environment_variable_is_documented():
    from ttscli.cli.reference import ENVIRONMENT

    used = set()
    for path in (REPO / "ttscli").rglob("*.py"):
        used.update(re.findall(r"(?<![A-Z_])TTSCLI_[A-Z_]+", path.read_text()))
    documented = {name.strip() for key in ENVIRONMENT for name in key.split(",")}
    assert used - documented == set(), "add these to ttscli/cli/reference.py ENVIRONMENT"
    page = (REPO / "docs" / "reference.md").read_text()
    man = (REPO / "man" / "ttscli.1").read_text()
    for name in used:
        assert f"`{name}`" in page and name in man


def test_readme_is_short_and_links_every_page():
    readme = (REPO / "README.md").read_text()
    assert len(readme.encode()) <= 10 * 1024
    linked = set(re.findall(r"\]\(docs/([\w-]+\.md)", readme))
    pages = {p.name for p in (REPO / "docs").glob("*.md")}
    assert pages <= linked, f"pages the README does not link: {sorted(pages - linked)}"
    assert linked <= pages | LINKED_ELSEWHERE, sorted(linked - pages - LINKED_ELSEWHERE)
    assert "](SECURITY.md)" in readme


def test_readme_test_command_is_the_ci_command():
    """The README's test block is .ci/run's commands from the install on, line for line."""
    ci = [line for line in (REPO / ".ci" / "run").read_text().splitlines() if line and not line.startswith("#")]
    ci = ci[next(i for i, line in enumerate(ci) if line.startswith('pip install -e ".[test]"')):]
    readme = (REPO / "README.md").read_text()
    assert "```sh\n" + "\n".join(ci) + "\n```" in readme, ci


def _anchors(page: Path) -> set[str]:
    """GitHub's heading anchors of a Markdown page."""
    heads = re.findall(r"^#+\s+(.+?)\s*$", page.read_text(), flags=re.M)
    return {re.sub(r"[^\w\- ]", "", h.lower()).replace(" ", "-") for h in heads}


def test_docs_links_resolve():
    for page in PAGES:
        for target, anchor in re.findall(r"\]\(([^)#\s]*\.md|)(?:#([^)]*))?\)", page.read_text()):
            resolved = (page.parent / target).resolve() if target else page
            if resolved.name in LINKED_ELSEWHERE and not resolved.exists():
                continue
            assert resolved.exists(), f"{page.name} links {target}"
            if anchor:
                assert anchor in _anchors(resolved), f"{page.name} links {target}#{anchor}: no such heading"
