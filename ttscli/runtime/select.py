"""Which runtime runs a model: the global ``--runtime`` choice (env ``TTSCLI_RUNTIME``).

``auto`` takes the family's measured-fastest runtime that is installed; a named
runtime is used as asked, or refused with a usage error (exit 2) when the
family cannot run on it. A runtime the family supports but that is not
installed fails later, at import, with exit 5 and the package to install.
"""

from __future__ import annotations

import importlib.util
import os
from enum import Enum

from ..backends.registry import RUNTIMES
from ..errors import UsageError

CHOICES = ("auto", *RUNTIMES)
# For the CLI option (Typer validates an Enum's values and lists them in --help).
Choice = Enum("Choice", {name.replace("-", "_").replace(".", "_"): name for name in CHOICES}, type=str)
ENV = "TTSCLI_RUNTIME"

# auto's preference per family when it differs from the family's default runtime order.
# Piper: onnxruntime first. benchmarks/runtimes_piper.py (joe voice, 264 words, 2-core CI machine,
# README "Runtimes"): synthesis needs 4-8% less CPU per second of audio on onnxruntime, so it is
# the faster runtime for anything longer than a paragraph; sherpa-onnx loads ~1.1 s sooner, which
# evens out the whole 264-word job (wall time sherpa/onnxruntime 0.89-1.04 over three runs). Only
# onnxruntime gives byte-identical audio per --seed (resumable audiobooks).
AUTO_ORDER: dict[str, tuple[str, ...]] = {"piper": ("onnxruntime", "sherpa-onnx")}


def requested() -> str:
    """The runtime asked for: --runtime (the CLI exports it) or TTSCLI_RUNTIME, else auto."""
    return os.environ.get(ENV, "").strip() or "auto"


def installed(runtime: str) -> bool:
    from .runtimes import RUNTIME_MODULES

    module = RUNTIME_MODULES.get(runtime, (None,))[0]
    return bool(module) and importlib.util.find_spec(module) is not None


def choose(spec, want: str | None = None) -> str:
    """The runtime to load ``spec`` (a registry FamilySpec) on."""
    want = want or requested()
    if want not in CHOICES:
        raise UsageError(f"unknown runtime {want!r}", hint=f"use one of: {', '.join(CHOICES)}")
    offered = spec.runtimes()
    if want == "auto":
        order = [rt for rt in AUTO_ORDER.get(spec.name, ()) if rt in offered]
        order += [rt for rt in offered if rt not in order]
        return next((rt for rt in order if installed(rt)), offered[0])
    if want not in offered:
        raise UsageError(f"model family {spec.name} cannot run on {want}; it runs on {', '.join(offered)}",
                         hint="use --runtime auto (or pick a model made for that runtime)")
    return want
