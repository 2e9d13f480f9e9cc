"""Shell examples of README.md and docs/*.md, as the docs test runs them.

Conventions for writers of the docs:

* Fenced ```sh (also ```bash, ```shell) blocks: every line is a command (``\\`` continues it);
  it must exit 0.
* Fenced ```console blocks: ``$ command`` lines, each followed by the output it prints. Every
  output line shown must appear in the command's stdout or stderr; the command must exit 0,
  unless an output line starts with ``ttscli: error:`` (then it must fail).
* A command that cannot run offline on a test machine ends with a comment naming what it needs,
  ``# needs: network`` (or ``# needs: ffplay``, ``# needs: your recording``…); a whole block is
  skipped with ``<!-- docs-test: skip (why) -->`` on the line before its fence. ``pip`` commands
  never run.
* Commands run in one scratch directory per page, in order, so later examples may use the files
  earlier ones wrote; the directory starts with the small files of ``FIXTURES``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

FENCE = re.compile(r"^(\s*)```\s*([\w-]*)\s*$")
SKIP = re.compile(r"<!--\s*docs-test:\s*skip\b(.*?)-->")
NEEDS = re.compile(r"#\s*needs:\s*(.+)$")
RUNNABLE = {"sh", "bash", "shell", "console"}

FIXTURES = {
    "book.txt": "Chapter 1\n\nThe boat left at dawn. The sea was calm.\n\n"
                "Chapter 2\n\nBy noon they saw the island. They landed before dark.\n",
    "chapter.txt": "A short chapter. It has two sentences.\n",
    "notes.md": "# Notes\n\nA *short* note with a [link](https://example.com).\n",
    "story.txt": "Once upon a time there was a short story.\n",
}


@dataclass
class Example:
    page: str
    line: int
    command: str
    expected: list[str] = field(default_factory=list)
    skip: str | None = None

    @property
    def expects_error(self) -> bool:
        return any(line.startswith("ttscli: error:") for line in self.expected)

    def where(self) -> str:
        return f"{self.page}:{self.line}"


def _blocks(text: str):
    """(language, first line number, lines, skip reason) of each fenced block."""
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, lang = m.group(1), m.group(2).lower()
        prev = next((lines[j] for j in range(i - 1, -1, -1) if lines[j].strip()), "")
        skip = SKIP.search(prev)
        body, j = [], i + 1
        while j < len(lines) and not lines[j].strip().startswith("```"):
            line = lines[j]
            body.append(line[len(indent):] if line.startswith(indent) else line.lstrip())
            j += 1
        yield lang, i + 2, body, (skip.group(1).strip(" ()") or "skipped") if skip else None
        i = j + 1


def _sh_commands(body: list[str], first: int):
    command, start = "", first
    for n, line in enumerate(body):
        if not command:
            start = first + n
        stripped = line.rstrip()
        if not command and (not stripped.strip() or stripped.lstrip().startswith("#")):
            continue
        if stripped.endswith("\\"):
            command += stripped[:-1] + " "
            continue
        yield start, command + stripped
        command = ""


def _console_commands(body: list[str], first: int):
    current: tuple[int, str] | None = None
    expected: list[str] = []
    for n, line in enumerate(body):
        if line.startswith("$ "):
            if current:
                yield current[0], current[1], expected
            current, expected = (first + n, line[2:]), []
        elif current and line.strip():
            expected.append(line.rstrip())
    if current:
        yield current[0], current[1], expected


def _needs(command: str) -> str | None:
    m = NEEDS.search(command)
    if m:
        return "needs: " + m.group(1).strip()
    if command.lstrip().startswith("pip "):
        return "installs packages"
    return None


def examples(path: Path, root: Path) -> list[Example]:
    page = str(path.relative_to(root))
    out: list[Example] = []
    for lang, first, body, skip in _blocks(path.read_text()):
        if lang not in RUNNABLE:
            continue
        if lang == "console":
            found = [(line, cmd, exp) for line, cmd, exp in _console_commands(body, first)]
        else:
            found = [(line, cmd, []) for line, cmd in _sh_commands(body, first)]
        for line, cmd, exp in found:
            out.append(Example(page, line, cmd.strip(), exp, skip or _needs(cmd)))
    return out


def python_blocks(page: Path):
    """(first line number, source) of each ```python block of ``page`` not marked to skip."""
    return [(line, "\n".join(body)) for lang, line, body, skip in _blocks(page.read_text())
            if lang == "python" and skip is None]
