"""Which runtime runs a model: the global ``--runtime`` choice (env ``TTSCLI_RUNTIME``).

``auto`` takes the first runtime in the family's declared order of preference
(``FamilySpec.runs_on``) that is installed; a named runtime is used as asked, or
refused with a usage error (exit 2) when the family cannot run on it. A runtime
the family supports but that is not installed fails at load with exit 5 and the
install command its declaration names.
"""

from __future__ import annotations

import os
from enum import Enum

from .names import RUNTIMES
from ..errors import UsageError

CHOICES = ("auto", *RUNTIMES)
# For the CLI option (Typer validates an Enum's values and lists them in --help).
Choice = Enum("Choice", {name.replace("-", "_").replace(".", "_"): name for name in CHOICES}, type=str)
ENV = "TTSCLI_RUNTIME"


def requested() -> str:
    """The runtime asked for: --runtime (the CLI exports it) or TTSCLI_RUNTIME, else auto."""
    return os.environ.get(ENV, "").strip() or "auto"


def choose(spec, want: str | None = None) -> str:
    """The runtime to load ``spec`` (a registry FamilySpec) on."""
    want = want or requested()
    if want not in CHOICES:
        raise UsageError(f"unknown runtime {want!r}", hint=f"use one of: {', '.join(CHOICES)}")
    offered = spec.runtimes()
    if want == "auto":
        return next((option.runtime for option in spec.runs_on if not option.missing()), offered[0])
    if want not in offered:
        raise UsageError(f"model family {spec.name} cannot run on {want}; it runs on {', '.join(offered)}",
                         hint="use --runtime auto (or pick a model made for that runtime)")
    return want
