"""Marked lines in a user's start-up files (~/.bashrc, ~/.zshrc, ~/.manpath).

Each addition is two lines: a comment that names the command which added it and the one that
removes it, then the line itself. Adding is idempotent (the same block is not written twice; a
changed line replaces the old one) and removing takes out exactly those two lines.
"""

from __future__ import annotations

from pathlib import Path


def _marker(tag: str) -> str:
    """``tag``: the pair of commands, e.g. "completion install|completion uninstall"."""
    added_by, removed_by = tag.split("|")
    return f"# added by `ttscli {added_by}`; `ttscli {removed_by}` removes this line and the next"


def _read(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8", errors="surrogateescape").splitlines()
    except FileNotFoundError:
        return []


def _without(lines: list[str], marker: str) -> tuple[list[str], list[str]]:
    """(lines without the marked blocks, the removed lines)."""
    kept: list[str] = []
    removed: list[str] = []
    skip = 0
    for line in lines:
        if skip:
            removed.append(line)
            skip -= 1
        elif line == marker:
            removed.append(line)
            skip = 1
        else:
            kept.append(line)
    return kept, removed


def write_text(path: Path, text: str) -> None:
    from ..fsio import atomic_write, write_error

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, text)
    except OSError as exc:
        raise write_error(exc, path) from exc


def _save(path: Path, lines: list[str]) -> None:
    write_text(path.resolve(),  # a symlinked ~/.bashrc (a dotfiles repository) stays a symlink
                "".join(f"{line}\n" for line in lines))


def add(path: Path, tag: str, line: str) -> bool:
    """Append ``line`` under its marker unless it is there already; True when the file changed."""
    marker = _marker(tag)
    lines = _read(path)
    kept, removed = _without(lines, marker)
    if removed == [marker, line]:
        return False
    _save(path, kept + [marker, line])
    return True


def remove(path: Path, tag: str) -> list[str]:
    """Take out what :func:`add` wrote; the lines removed (none: the file is untouched)."""
    kept, removed = _without(_read(path), _marker(tag))
    if removed and kept:
        _save(path, kept)
    elif removed:  # the file held nothing but what add() wrote
        path.resolve().unlink()
    return [line for line in removed if not line.startswith("# added by")]
