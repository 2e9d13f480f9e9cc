"""Optional dependencies: the one install command, and imports with a one-line error naming it.

The distribution name ``ttscli`` on PyPI belongs to another project, so every hint points at
this checkout: ``pip install -e ".[EXTRA]"``, run in the ttscli source directory.
"""

from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType

from .errors import RuntimeFailure


def install_command(*extras: str, packages: tuple[str, ...] = ()) -> str:
    """The exact command that installs ``extras`` of this checkout (plus loose ``packages``)."""
    wanted = sorted({e for e in extras if e})
    parts = ["pip install"]
    if wanted:
        parts.append(f'-e ".[{",".join(wanted)}]"')
    parts.extend(packages)
    hint = " ".join(parts)
    return f"{hint} (in the ttscli checkout)" if wanted else hint


def importable(module: str) -> bool:
    """True when ``module`` can be found on the import path (without importing it)."""
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def require(module: str, problem: str, hint: str) -> ModuleType:
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise RuntimeFailure(problem, hint=hint) from exc
