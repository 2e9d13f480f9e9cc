"""Where the hardware probe gets its facts: files, environment, commands, installed modules.

Everything :mod:`.hardware` and :mod:`.runtimes` know about the machine arrives through a
:class:`Sources` object. :func:`real` reads this machine; tests build a :class:`Sources` from
plain data (file contents, command output, module facts) to run the very same detection code
on a simulated DGX Spark, Mac or Jetson.

Module facts are gathered lazily, one runtime at a time: importing torch costs seconds, so
``ttscli say`` with an ONNX model never touches it.
"""

from __future__ import annotations

import os
import platform
import re
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

# Module facts the probe may ask for (see :func:`module_facts`).
MODULES = ("onnxruntime", "llama_cpp", "torch", "sherpa_onnx")

COMMAND_TIMEOUT = 5.0  # nvidia-smi can stall while the driver initialises; never hang `say`


@dataclass
class Sources:
    """The probe's view of one machine. Every field is replaceable."""

    system: str  # platform.system(): "Linux", "Darwin", "Windows"
    machine: str  # platform.machine() of this Python: "x86_64", "aarch64", "arm64", "AMD64"
    read_text: Callable[[str], str | None]  # file contents, None when missing or unreadable
    list_dir: Callable[[str], list[str] | None]  # entry names, None when not a directory
    run: Callable[[Sequence[str]], str | None]  # stdout of a command, None when missing/failed
    env: Mapping[str, str] = field(default_factory=dict)
    affinity: Callable[[], set[int] | None] = lambda: None  # CPUs this process may use
    cpu_count: Callable[[], int | None] = lambda: None
    dist_version: Callable[[str], str | None] = lambda name: None  # installed distribution version
    module_facts: Callable[[str], dict[str, Any] | None] = lambda name: None  # see MODULES


def _read_text(path: str) -> str | None:
    try:
        with open(path, "rb") as fh:
            data = fh.read(1 << 20)
    except OSError:
        return None
    return data.decode("utf-8", "replace")


def _list_dir(path: str) -> list[str] | None:
    try:
        return sorted(os.listdir(path))
    except OSError:
        return None


def _run(argv: Sequence[str]) -> str | None:
    import shutil
    import subprocess

    exe = shutil.which(argv[0])
    if exe is None:
        return None
    try:
        proc = subprocess.run([exe, *argv[1:]], capture_output=True, timeout=COMMAND_TIMEOUT,
                              stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return None
    if proc.returncode != 0:
        return None
    return proc.stdout.decode("utf-8", "replace")


def _affinity() -> set[int] | None:
    getter = getattr(os, "sched_getaffinity", None)
    if getter is None:
        return None
    try:
        return set(getter(0))
    except OSError:
        return None


def _normalise_dist(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


_DIST_INDEX: dict[str, str] | None = None


def _dist_index() -> dict[str, str]:
    """{normalised name: version} from the ``NAME-VERSION.dist-info`` directories on sys.path.

    Reading directory names is what importlib.metadata does too, minus importing it (and the
    email package): 30 ms that every `ttscli say` would pay for a handful of look-ups."""
    global _DIST_INDEX
    if _DIST_INDEX is None:
        import sys

        index: dict[str, str] = {}
        for entry in sys.path:
            for item in _list_dir(entry or ".") or ():
                if item.endswith(".dist-info"):
                    dist, _, version = item[: -len(".dist-info")].partition("-")
                    if version:
                        index.setdefault(_normalise_dist(dist), version)
        _DIST_INDEX = index
    return _DIST_INDEX


def _dist_version(name: str) -> str | None:
    found = _dist_index().get(_normalise_dist(name))
    if found is not None:
        return found
    if _package_dir(_normalise_dist(name)) is None:  # not importable either: not installed
        return None
    from importlib import metadata  # egg-info and other layouts: ask the slow, general way

    try:
        return metadata.version(name)
    except Exception:  # noqa: BLE001 - PackageNotFoundError, or a broken METADATA file
        return None


def _package_dir(module: str) -> str | None:
    """The directory of an installed package, found without importing it."""
    import importlib.util

    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return list(spec.submodule_search_locations)[0]


def _probe_failure(exc: BaseException) -> str:
    """The fact for a failed probe (a signal that interrupted the import is raised instead)."""
    from ..errors import raise_interrupt_cause

    raise_interrupt_cause(exc)
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:200]}" if text else type(exc).__name__


def _onnxruntime_facts() -> dict[str, Any] | None:
    if _package_dir("onnxruntime") is None:
        return None
    try:
        from ..errors import import_uninterrupted

        ort = import_uninterrupted("onnxruntime")
        return {"version": getattr(ort, "__version__", None),
                "providers": list(ort.get_available_providers()),
                "device": ort.get_device()}
    except Exception as exc:  # noqa: BLE001 - a half-installed wheel (missing .so) is a fact too
        return {"error": _probe_failure(exc)}


def _llama_facts() -> dict[str, Any] | None:
    pkg = _package_dir("llama_cpp")
    if pkg is None:
        return None
    libs = _list_dir(os.path.join(pkg, "lib")) or []
    try:
        import llama_cpp

        info = llama_cpp.llama_print_system_info()
        return {"libs": libs, "gpu_offload": bool(llama_cpp.llama_supports_gpu_offload()),
                "system_info": info.decode("utf-8", "replace") if isinstance(info, bytes) else str(info)}
    except Exception as exc:  # noqa: BLE001 - e.g. libcudart.so.12 missing for a CUDA wheel
        return {"libs": libs, "error": _probe_failure(exc)}


def _torch_facts(from_metadata: bool = True) -> dict[str, Any] | None:
    if _package_dir("torch") is None:
        return None
    version = _dist_version("torch") or ""
    if from_metadata and version.endswith("+cpu"):  # the CPU wheel says so in its version: skip a 2 s import
        return {"version": version, "cuda_version": None, "cuda_available": False, "arch_list": [],
                "devices": [], "mps_built": False, "mps_available": False, "from_metadata": True}
    try:
        import torch
    except Exception as exc:  # noqa: BLE001
        return {"error": _probe_failure(exc)}
    facts: dict[str, Any] = {"version": torch.__version__, "cuda_version": torch.version.cuda,
                             "devices": [], "arch_list": []}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            facts["cuda_available"] = bool(torch.cuda.is_available())
            facts["arch_list"] = list(torch.cuda.get_arch_list()) if torch.version.cuda else []
            for index in range(torch.cuda.device_count() if facts["cuda_available"] else 0):
                props = torch.cuda.get_device_properties(index)
                facts["devices"].append({
                    "name": props.name, "capability": f"{props.major}.{props.minor}",
                    "total_memory": int(props.total_memory),
                    "integrated": bool(getattr(props, "is_integrated", False)),
                })
        except Exception as exc:  # noqa: BLE001 - driver/toolkit mismatch raises here
            facts["cuda_available"] = False
            facts["cuda_error"] = _probe_failure(exc)
    facts["cuda_warnings"] = [" ".join(str(w.message).split())[:300] for w in caught]
    mps = getattr(torch.backends, "mps", None)
    facts["mps_built"] = bool(mps and mps.is_built())
    facts["mps_available"] = bool(mps and mps.is_available())
    return facts


def _sherpa_facts() -> dict[str, Any] | None:
    pkg = _package_dir("sherpa_onnx")
    if pkg is None:
        return None
    libs = (_list_dir(os.path.join(pkg, "lib")) or []) + (_list_dir(pkg) or [])
    return {"libs": libs}


_MODULE_FACTS: dict[str, Callable[[], dict[str, Any] | None]] = {
    "onnxruntime": _onnxruntime_facts,
    "llama_cpp": _llama_facts,
    "torch": _torch_facts,
    "sherpa_onnx": _sherpa_facts,
}


def module_facts(name: str) -> dict[str, Any] | None:
    """Facts about an installed Python module (None when it is not installed)."""
    return _MODULE_FACTS[name]()


def real() -> Sources:
    """Sources that read this machine."""
    return Sources(
        system=platform.system(),
        machine=platform.machine(),
        read_text=_read_text,
        list_dir=_list_dir,
        run=_run,
        env=os.environ,
        affinity=_affinity,
        cpu_count=os.cpu_count,
        dist_version=_dist_version,
        module_facts=module_facts,
    )


def parse_key_values(text: str | None, sep: str = "=") -> dict[str, str]:
    """``KEY="value"`` / ``Key: value`` lines → dict; later keys win (dgx-release appends)."""
    found: dict[str, str] = {}
    for line in (text or "").splitlines():
        key, found_sep, value = line.partition(sep)
        if not found_sep or not key.strip() or key.lstrip().startswith("#"):
            continue
        found[key.strip()] = value.strip().strip("\"'")
    return found


def cpu_list(text: str | None) -> list[int]:
    """Kernel CPU list syntax ("0-3,8,10-11") → [0, 1, 2, 3, 8, 10, 11]."""
    cpus: list[int] = []
    for part in (text or "").strip().split(","):
        match = re.fullmatch(r"\s*(\d+)(?:-(\d+))?\s*", part)
        if match:
            lo = int(match.group(1))
            hi = int(match.group(2) or lo)
            cpus.extend(range(lo, hi + 1))
    return cpus
