"""Optional dependencies, imported when first needed, with a one-line error naming the fix."""

from __future__ import annotations

import importlib
from types import ModuleType

from .errors import RuntimeFailure


def require(module: str, problem: str, hint: str) -> ModuleType:
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise RuntimeFailure(problem, hint=hint) from exc
