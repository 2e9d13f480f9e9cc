"""What `ttscli doctor` reports: the machine, every runtime, the plan for every installed model.

:func:`build` returns plain data (the ``--json`` output); the CLI renders it as text. Nothing
here may crash because an optional runtime is missing or broken: each failure becomes a line
in the report.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from .errors import TtsError
from .runtime.hardware import HardwareProfile, probe
from .runtime.names import RUNTIME_MODULES
from .runtime.planners import plan_for
from .runtime.sources import Sources

_MAX_FILES = 10_000  # stop sizing a model directory after this many files


def model_bytes(path: Path) -> int | None:
    """Size of a model on disk (file, or directory tree); None when unreadable."""
    try:
        if path.is_file():
            return path.stat().st_size
        total = 0
        for i, item in enumerate(path.rglob("*")):
            if i >= _MAX_FILES:
                break
            if item.is_file():
                total += item.stat().st_size
        return total
    except OSError:
        return None


def _plan_entry(runtime: str, profile: HardwareProfile, device: str | None, size: int | None) -> dict[str, Any]:
    try:
        plan = plan_for(runtime, device=device, profile=profile, model_bytes=size)
    except TtsError as exc:
        return {"plan": None, "error": exc.one_line(), "exit_code": exc.exit_code}
    return {"plan": plan.as_dict(), "error": None}


def _models() -> tuple[list[tuple[Any, str | None, str | None]], str | None]:
    """[(ModelRef, runtime or None, error)], and an error listing the models."""
    from .backends import registry
    from .models import resolve

    try:
        refs = resolve.installed()
    except Exception as exc:  # noqa: BLE001 - a broken store must not hide the rest of the report
        return [], f"cannot list installed models: {exc}"
    found = []
    for ref in refs.values():
        try:
            spec = registry.get(ref.family)
        except TtsError as exc:
            found.append((ref, None, exc.one_line()))
            continue
        needs = spec.needs()
        found.append((ref, None, f"{ref.id}: {needs}") if needs else (ref, spec.runtime, None))
    return found, None


def _family_fixes() -> list[str]:
    """What each family's own doctor check asks for (FamilySpec.doctor)."""
    from .backends import registry

    fixes = []
    for spec in registry.families().values():
        try:
            fixes += spec.doctor_fixes()
        except Exception as exc:  # noqa: BLE001 - one broken check must not hide the report
            fixes.append(f"the {spec.name} family's doctor check failed: {exc}")
    return fixes


def build(*, device: str | None = None, src: Sources | None = None) -> dict[str, Any]:
    """The whole report. ``device`` defaults to --device/TTSCLI_DEVICE."""
    from .backends import registry

    device = device if device is not None else os.environ.get("TTSCLI_DEVICE") or None
    started = time.perf_counter()
    runtimes = list(RUNTIME_MODULES)
    runtimes += sorted({spec.runtime for spec in registry.families().values()} - set(runtimes))
    profile = probe(src, runtimes=tuple(runtimes), detailed=True)
    probe_seconds = time.perf_counter() - started
    report = profile.as_dict()
    report["device_requested"] = device or "auto"
    report["runtimes"] = {}
    for name in runtimes:
        status = profile.runtimes[name]
        entry = {**status.as_dict(), "plan": None, "plan_error": None}
        if status.installed:
            planned = _plan_entry(name, profile, device, None)
            entry.update(plan=planned["plan"], plan_error=planned["error"], exit_code=planned.get("exit_code"))
        report["runtimes"][name] = entry
    models, listing_error = _models()
    plans = []
    for ref, runtime, error in models:
        entry: dict[str, Any] = {"model": ref.id, "family": ref.family, "source": ref.source, "runtime": runtime}
        if runtime is None:
            entry.update(plan=None, error=error)
        else:
            size = model_bytes(ref.path)
            entry.update(size_bytes=size, **_plan_entry(runtime, profile, device, size))
        plans.append(entry)
    report["plans"] = plans
    fixes: list[str] = [listing_error] if listing_error else []
    for entry in [*report["runtimes"].values(), *plans]:
        problem = entry.get("plan_error") if "plan_error" in entry else entry.get("error")
        for line in (entry.get("plan") or {}).get("warnings", []) + ([problem] if problem else []):
            if line not in fixes:
                fixes.append(line)
    fixes += [fix for fix in _family_fixes() if fix not in fixes]
    report["fixes"] = fixes
    report["probe_seconds"] = round(probe_seconds, 4)
    return report


def failure(report: dict[str, Any]) -> dict[str, Any] | None:
    """The first plan that failed for an explicit --device (doctor then exits with its code):
    an installed model's plan, or with no models, an installed runtime's."""
    for entry in report["plans"] or report["runtimes"].values():
        if entry.get("exit_code"):
            return entry
    return None
