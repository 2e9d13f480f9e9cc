"""Where MCP tools may write: one output directory, chosen by the user.

Default: ``mcp/`` in ttscli's data directory (``~/.local/share/ttscli/mcp``,
``$TTSCLI_HOME/data/mcp``); ``ttscli mcp --output-dir DIR`` or ``TTSCLI_MCP_DIR`` choose another. A tool's ``path`` is relative to it
(an absolute path must lie inside it); ``..``, symbolic links and absolute paths that lead
outside are refused, as are directories and special files.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import BadInput

DIR_ENV = "TTSCLI_MCP_DIR"


def default_dir() -> Path:
    from ..paths import data_dir

    if os.environ.get(DIR_ENV):
        return Path(os.environ[DIR_ENV]).expanduser()
    return data_dir() / "mcp"


def inside(root: Path, given: str, suffixes: tuple[str, ...]) -> Path:
    """The real path for ``given`` under ``root`` (its parent directories made), or BadInput."""
    if not given or not given.strip() or "\0" in given:
        raise BadInput("the path is empty", hint="give a file name such as speech/hello.wav")
    base = Path(os.path.realpath(root))
    candidate = Path(given)
    full = Path(os.path.realpath(candidate if candidate.is_absolute() else base / candidate))
    if full != base and base not in full.parents:
        raise BadInput(f"{given} is outside the output directory {root}",
                       hint="give a path inside it (relative, without '..' or links that lead out)")
    if full.suffix.lower() not in suffixes:
        raise BadInput(f"{given}: the name must end in {', '.join(suffixes)}", hint=f"e.g. speech{suffixes[0]}")
    if full.exists() and not full.is_file():
        raise BadInput(f"{given} exists and is not a regular file", hint="choose another name")
    full.parent.mkdir(parents=True, exist_ok=True)
    if Path(os.path.realpath(full.parent)) != full.parent:  # a link raced in while the parents were made
        raise BadInput(f"{given} is outside the output directory {root}")
    return full


def shown(root: Path, path: Path) -> str:
    """``path`` relative to the output directory, as tools report it."""
    return str(path.relative_to(Path(os.path.realpath(root))))
