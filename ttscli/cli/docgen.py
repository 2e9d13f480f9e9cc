"""Generate completions/ttscli.{bash,zsh,fish}, man/ttscli.1, docs/reference.md and
the README's extras table from the app and ttscli/cli/reference.py.

    python -m ttscli.cli.docgen [REPO_DIR]

A test regenerates them into a temporary directory and fails on any difference,
so the shipped files never go stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .. import __version__, errors
from ..fsio import atomic_write
from .docgen_md import commands, param_line, reference_page, update_readme
from .reference import ENVIRONMENT, EXAMPLES, FILES

SHELLS = ("bash", "zsh", "fish")


def completion_script(shell: str) -> str:
    from typer._completion_shared import get_completion_script

    from .app import COMPLETE_ENV

    return get_completion_script(prog_name="ttscli", complete_var=COMPLETE_ENV, shell=shell).rstrip() + "\n"


# The page is ASCII: man under a C locale (the ascii device) has no glyph for "…" or "→" and warns.
_ASCII = str.maketrans({"\u2026": "...", "\u2192": "->", "\u2190": "<-", "\u2013": "-", "\u2014": "--",
                        "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00d7": "x",
                        "\u2264": "<=", "\u2265": ">=", "\u00a0": " "})


def _ascii(text: str) -> str:
    import unicodedata

    text = text.translate(_ASCII)
    if text.isascii():
        return text
    return "".join(ch if ch.isascii() else unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode()
                   or "?" for ch in text)


def _roff(text: str) -> str:
    text = _ascii(" ".join(str(text).split()).replace("\\[", "["))  # rich's escaped brackets
    text = text.replace("\\", "\\\\").replace("-", "\\-")
    return ("\\&" + text) if text.startswith((".", "'")) else text


def _option_lines(params) -> list[str]:
    """roff ``.TP`` entries for a command's options (--help left out)."""
    out = []
    for param in params:
        if param.name != "help":
            label, help_text = param_line(param)
            out += [".TP", "\\fB" + _roff(label) + "\\fR", _roff(help_text) or "\\&"]
    return out


def man_page() -> str:
    import typer

    from .app import app

    group = typer.main.get_command(app)
    out = [
        '.TH TTSCLI 1 "" "ttscli ' + __version__ + '" "User Commands"',
        ".SH NAME",
        "ttscli \\- " + _roff(group.help or ""),
        ".SH SYNOPSIS",
        ".B ttscli",
        "[\\fIGLOBAL OPTIONS\\fR] \\fICOMMAND\\fR [\\fIOPTIONS\\fR] [\\fIARGS\\fR]",
        ".SH DESCRIPTION",
        _roff("ttscli speaks text with local neural voices. The default voice ships with the package, "
              "so it works offline with no download. Global options may also follow the command "
              "(ttscli say hi --device cpu); text that starts with - goes after --."),
    ]
    out.append(".SH GLOBAL OPTIONS")  # given before the command: ttscli --device cuda say ...
    out += _option_lines(group.params)
    out.append(".SH COMMANDS")
    for name, cmd in commands(group):
        out += [".SS " + _roff(f"ttscli {name}"), _roff(cmd.help or "")]
        out += _option_lines(cmd.params)
    out.append(".SH EXAMPLES")
    for command, meaning in EXAMPLES:
        out += [".TP", "\\fB" + _roff(command) + "\\fR", _roff(meaning)]
    out.append(".SH FILES")
    for path, meaning in FILES.items():
        out += [".TP", "\\fI" + _roff(path) + "\\fR", _roff(meaning)]
    out += [_roff("With TTSCLI_HOME set: $TTSCLI_HOME/data, cache and config instead of the XDG directories.")]
    out.append(".SH EXIT STATUS")
    for code, meaning in sorted(errors.EXIT_CODES.items()):
        out += [".TP", f"\\fB{code}\\fR", _roff(meaning)]
    out.append(".SH ENVIRONMENT")
    for name, meaning in ENVIRONMENT.items():
        out += [".TP", "\\fB" + _roff(name) + "\\fR", _roff(meaning)]
    out += [".SH SEE ALSO", "piper(1), espeak\\-ng(1), ffmpeg(1)"]
    return "\n".join(out) + "\n"


def generate(root: Path) -> list[Path]:
    written = []
    (root / "completions").mkdir(parents=True, exist_ok=True)
    (root / "man").mkdir(parents=True, exist_ok=True)
    for shell in SHELLS:
        path = root / "completions" / f"ttscli.{shell}"
        atomic_write(path, completion_script(shell))
        written.append(path)
    path = root / "man" / "ttscli.1"
    atomic_write(path, man_page())
    written.append(path)
    pyproject = root / "pyproject.toml"
    if not pyproject.exists():  # generating elsewhere (a test's temp dir): this checkout's
        pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
    (root / "docs").mkdir(parents=True, exist_ok=True)
    path = root / "docs" / "reference.md"
    atomic_write(path, reference_page(pyproject))
    written.append(path)
    if (root / "README.md").exists():
        written.append(update_readme(root / "README.md", pyproject))
    return written


if __name__ == "__main__":
    for p in generate(Path(sys.argv[1] if len(sys.argv) > 1 else ".")):
        print(p)
