"""Where ttscli keeps things, and names that can never escape those places.

Directories follow the XDG base-directory spec through platformdirs. Setting
``TTSCLI_HOME`` puts everything under one directory instead (``data/``,
``cache/``, ``config/``), which is what tests and portable installs use.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from .errors import BadInput, OutputError

APP = "ttscli"

# Model, voice and job names: letters, digits, and . _ - inside; no separators,
# no leading dot, no "..". Model ids add ':' (family:name) and '@' handled elsewhere.
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


def _home_override() -> Path | None:
    home = os.environ.get("TTSCLI_HOME")
    return Path(home).expanduser() if home else None


def _platform_dir(kind: str) -> Path:
    override = _home_override()
    if override is not None:
        return override / kind
    import platformdirs

    getter = {
        "data": platformdirs.user_data_dir,
        "cache": platformdirs.user_cache_dir,
        "config": platformdirs.user_config_dir,
    }[kind]
    try:
        return Path(getter(APP, appauthor=False))
    except (KeyError, RuntimeError) as exc:  # HOME unset and no passwd entry
        raise OutputError(
            f"cannot locate a {kind} directory ({exc})",
            hint="set HOME or TTSCLI_HOME to a writable directory",
        ) from exc


def data_dir() -> Path:
    return _platform_dir("data")


def cache_dir() -> Path:
    return _platform_dir("cache")


def config_dir() -> Path:
    return _platform_dir("config")


def voices_dir() -> Path:
    return data_dir() / "voices"


def ensure_dir(path: Path, what: str) -> Path:
    """Create ``path`` (and parents) or fail with a one-line OutputError."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"cannot create the {what} directory {path}: {exc.strerror or exc}",
            hint="set TTSCLI_HOME to a writable directory",
        ) from exc
    if not os.access(path, os.W_OK | os.X_OK):
        raise OutputError(
            f"the {what} directory {path} is not writable",
            hint="fix its permissions or set TTSCLI_HOME to a writable directory",
        )
    return path


def check_name(name: str, what: str = "name") -> str:
    """Return ``name`` if it is a safe single path component, else raise BadInput."""
    if not isinstance(name, str) or not _NAME_RE.match(name) or ".." in name:
        raise BadInput(
            f"invalid {what} {name!r}",
            hint="use letters, digits, '.', '_' or '-' (no slashes, no leading dot)",
        )
    return name


def safe_join(base: Path, *parts: str) -> Path:
    """Join ``parts`` under ``base`` and refuse anything that resolves outside it.

    Symlinks are resolved, so a link planted inside ``base`` that points elsewhere
    is refused as well.
    """
    base_resolved = base.resolve()
    target = base_resolved.joinpath(*parts).resolve()
    if target != base_resolved and base_resolved not in target.parents:
        raise BadInput(
            f"path {'/'.join(parts)!r} escapes {base}",
            hint="use a plain name without '..', '/' or symlinks",
        )
    return target
