"""Parameter values that need no conversion skip Typer's pydantic validation.

Typer 0.29 checks every parameter of the command run, defaults included, through a
pydantic TypeAdapter built on first use; the first one imports pydantic. For
`ttscli say -f FILE` that is about 60 ms of CPU before the command starts, although
every value is already what it should be (a str from argv, a float default).

:func:`install` wraps Typer's per-parameter coercion: a value whose type already is the
declared plain type (str, bool, an int or float within its min/max, a list of str)
is returned as pydantic would return it, and so is a number or a bool given as text in its
plainest spelling ("1.5", "-2", "7"; "1", "0", "true", "false", "yes", "no", "on", "off",
as an environment variable such as TTSCLI_NO_SERVER=1 gives it): `say --speed 1.2` no longer
imports pydantic (about 50 ms). Anything else (another spelling, "1e3", "inf", an enum, a path, a
custom parser) goes to Typer's own adapter, built only then, so its conversions and error
messages are unchanged. Typer is pinned below 0.30
(pyproject.toml); if its internals differ, nothing is installed.
"""

from __future__ import annotations

import re
from typing import Any, get_args, get_origin

_PLAIN = (str, bool, int, float)
_INT_TEXT = re.compile(r"-?[0-9]{1,18}")
_FLOAT_TEXT = re.compile(r"-?[0-9]{1,15}(?:\.[0-9]{1,15})?")
_BOOL_TEXT = {"1": True, "true": True, "yes": True, "on": True, "0": False, "false": False, "no": False, "off": False}


def _from_text(annotation: type, text: str) -> tuple[bool, Any]:
    """(True, the value) for a number or bool in its plainest spelling, where pydantic's lax
    conversion gives exactly int(), float() or the word's truth; else (False, None)."""
    if annotation is bool:
        return (True, _BOOL_TEXT[text]) if text in _BOOL_TEXT else (False, None)
    if annotation is int and _INT_TEXT.fullmatch(text):
        return True, int(text)
    if annotation is float and _FLOAT_TEXT.fullmatch(text):
        return True, float(text)
    return False, None


def plain_value(descriptor: Any, value: Any) -> tuple[bool, Any]:
    """(True, value as Typer would return it) when ``value`` needs no conversion, else (False, None)."""
    info = descriptor.parameter_info
    if info.parser is not None or descriptor.file_annotation is not None:
        return False, None
    annotation = descriptor.annotation
    if annotation in (bool, int, float) and type(value) is str:
        ok, value = _from_text(annotation, value)
        if not ok:
            return False, None
    if annotation in _PLAIN and type(value) is annotation:
        if annotation in (int, float) and not _within(value, info.min, info.max):
            return False, None  # out of range: Typer's adapter says so (or clamps)
        return True, value
    if get_origin(annotation) is list and get_args(annotation) == (str,):
        if isinstance(value, (list, tuple)) and all(type(v) is str for v in value):
            return True, list(value)
    return False, None


def _within(value: float, low: float | None, high: float | None) -> bool:
    return (low is None or value >= low) and (high is None or value <= high)


def install() -> bool:
    """Wrap Typer's parameter coercion (once); False if this Typer has no such hook."""
    try:
        from typer import _coercion, core
    except ImportError:
        return False
    param_class = getattr(core, "_TyperParameter", None)
    base = getattr(_coercion, "RuntimeParam", None)
    build = getattr(_coercion, "build_runtime_param", None)
    if param_class is None or base is None or build is None or not hasattr(param_class, "get_runtime_param"):
        return False
    if getattr(param_class.get_runtime_param, "_ttscli_fast", False):
        return True

    class _FastRuntimeParam(base):  # a frozen dataclass; the real one is built on first need
        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            try:
                ok, result = plain_value(param.type_descriptor, value)
            except AttributeError:  # another Typer's descriptor: its own adapter decides
                ok, result = False, None
            if ok:
                return result
            real = param.__dict__.get("_ttscli_real")
            if real is None:
                real = build(param.type_descriptor)
                param.__dict__["_ttscli_real"] = real
            return real._coerce_value(value, param=param, ctx=ctx)

    def get_runtime_param(self):
        if self._runtime_param is None:
            desc = self.type_descriptor
            try:
                self._runtime_param = _FastRuntimeParam(parameter_info=desc.parameter_info, annotation=desc.annotation)
            except TypeError:  # RuntimeParam's fields changed: Typer's own way
                self._runtime_param = build(desc)
        return self._runtime_param

    get_runtime_param._ttscli_fast = True
    param_class.get_runtime_param = get_runtime_param
    return True
