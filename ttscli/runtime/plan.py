"""The plan for running one model family on this machine.

This is the contract between hardware detection and backends: a backend never decides on
its own which device or how many threads to use. Everything calls
:func:`ttscli.runtime.planners.plan_for`, which applies this module's rules::

    plan = plan_for("llama.cpp")              # --device / TTSCLI_DEVICE, --threads / TTSCLI_THREADS
    apply_env(plan)                           # before the runtime is imported
    Llama(path, n_gpu_layers=plan.n_gpu_layers, n_threads=plan.threads, flash_attn=plan.flash_attn)

``device="auto"`` picks the GPU when the runtime can drive it, else the CPU with exactly one
warning naming the reason and the fix. An explicit device that cannot be used raises
:class:`~ttscli.errors.RuntimeFailure` (exit 5): never a silent CPU run.

Kept free of heavy imports: the CLI validates ``--device`` with :func:`parse_device` at start-up.
"""

from __future__ import annotations

import os
import re
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Mapping, MutableMapping

from ..errors import RuntimeFailure, UsageError

# "1" in a plan's ort_session_config: the session draws working memory from one arena for the
# whole process (registered by runtime.onnx), shared with every other session that asks for it.
SHARED_ARENA = "session.use_env_allocators"

if TYPE_CHECKING:
    from .gpus import GpuInfo
    from .hardware import HardwareProfile

DEVICE_ENV = "TTSCLI_DEVICE"
THREADS_ENV = "TTSCLI_THREADS"
UNIFIED_ENV = "TTSCLI_UNIFIED_MEMORY"  # "0" stops ttscli from setting GGML_CUDA_ENABLE_UNIFIED_MEMORY
GGML_UNIFIED = "GGML_CUDA_ENABLE_UNIFIED_MEMORY"  # llama.cpp: *any* value turns it on
BUDGET_SHARE = 0.9  # of MemAvailable: the page cache and the OS compete for unified memory


def provider_names(providers) -> list[str]:
    """onnxruntime provider names (entries may be ``(name, options)`` pairs)."""
    return [p[0] if isinstance(p, tuple) else p for p in providers]


def cpu_only(providers) -> bool:
    return provider_names(providers) == ["CPUExecutionProvider"]


def switched_off(name: str) -> bool:
    """An on-by-default switch (TTSCLI_ORT_CACHE, TTSCLI_ORT_BLOCKED) set to 0/no/off/false."""
    return os.environ.get(name, "1").strip().lower() in ("0", "no", "off", "false")


@dataclass(frozen=True)
class RuntimePlan:
    runtime: str = "onnxruntime"
    device: str = "cpu"  # "cpu", "cuda:0", "mps"
    threads: int = 0  # 0 = let the runtime choose (physical cores)
    ort_providers: tuple[Any, ...] = ("CPUExecutionProvider",)  # names or (name, options) pairs
    ort_session_config: dict[str, str] = field(default_factory=dict)
    n_gpu_layers: int = 0  # llama.cpp: -1 = every layer on the GPU
    n_ctx: int = 0  # llama.cpp context length; 0 = the model family's default
    flash_attn: bool = False
    env: dict[str, str] = field(default_factory=dict)  # set before the runtime is imported
    warnings: tuple[str, ...] = ()
    requested: str = "auto"  # what the user asked for; an explicit device must not fall back
    sherpa_provider: str = "cpu"  # sherpa-onnx: "cpu", "cuda", "coreml"
    memory_budget_bytes: int | None = None  # what the model may use on `device` (None: unknown)
    reason: str = ""  # why this device, for `ttscli doctor`

    @property
    def explicit(self) -> bool:
        return self.requested != "auto"

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["ort_providers"] = [list(p) if isinstance(p, tuple) else p for p in self.ort_providers]
        data["warnings"] = list(self.warnings)
        return data


def cpu_plan(runtime: str = "onnxruntime", threads: int | None = None) -> RuntimePlan:
    if threads is None:
        threads = int(os.environ.get(THREADS_ENV, "0") or 0)
    return RuntimePlan(runtime=runtime, threads=threads)


@dataclass(frozen=True)
class DeviceRequest:
    kind: str  # "auto", "cpu", "cuda", "mps"
    index: int | None = None  # cuda:N

    def __str__(self) -> str:
        return f"{self.kind}:{self.index}" if self.index is not None else self.kind


def parse_device(text: str | None) -> DeviceRequest:
    """``auto``, ``cpu``, ``cuda``, ``cuda:N`` or ``mps`` (exit 2 for anything else)."""
    value = (text or "auto").strip().lower()
    match = re.fullmatch(r"(auto|cpu|mps|cuda)(?::(\d+))?", value)
    if not match or (match.group(2) is not None and match.group(1) != "cuda"):
        raise UsageError(f"unknown device {text!r}", hint="use auto, cpu, cuda, cuda:N or mps")
    return DeviceRequest(match.group(1), int(match.group(2)) if match.group(2) is not None else None)


class Unusable(Exception):
    """A runtime cannot use the chosen device: ``reason`` (what is wrong) and ``fix``."""

    def __init__(self, reason: str, fix: str):
        super().__init__(reason)
        self.reason = reason
        self.fix = fix


@dataclass(frozen=True)
class Target:
    """The device a plan aims at before the runtime is consulted."""

    kind: str  # "cpu", "cuda", "mps"
    request: DeviceRequest
    gpu: "GpuInfo | None" = None

    @property
    def explicit(self) -> bool:
        return self.request.kind != "auto"

    @property
    def device(self) -> str:
        return f"cuda:{self.gpu.index if self.gpu else 0}" if self.kind == "cuda" else self.kind


def _no_such_device(request: DeviceRequest, profile: "HardwareProfile") -> RuntimeFailure:
    hint = "run `ttscli doctor` to see what was detected, or use --device auto or cpu"
    if request.kind == "mps":
        return RuntimeFailure(f"--device mps needs an Apple Silicon Mac; this is {profile.system} {profile.arch}",
                              hint=hint)
    gpus = profile.cuda_gpus
    hidden = next((e for e in profile.evidence if e.startswith("CUDA_VISIBLE_DEVICES=")), None)
    if not gpus and hidden:
        return RuntimeFailure(f"--device {request}: {hidden}", hint="unset CUDA_VISIBLE_DEVICES or fix its value")
    if not gpus:
        where = " (no NVIDIA driver in /proc/driver/nvidia)" if profile.system == "Linux" else ""
        return RuntimeFailure(f"--device {request}: no NVIDIA GPU found on this machine{where}", hint=hint)
    found = ", ".join(f"cuda:{g.index} {g.name}" for g in gpus)
    return RuntimeFailure(f"--device {request}: there is no CUDA device {request.index} (found {found})", hint=hint)


def choose_target(request: DeviceRequest, profile: "HardwareProfile") -> Target:
    """The device for a request, checked against the hardware (not yet against a runtime)."""
    if request.kind == "cpu":
        return Target("cpu", request)
    gpus = profile.cuda_gpus
    if request.kind == "cuda":
        wanted = request.index or 0
        gpu = next((g for g in gpus if g.index == wanted), None)
        if gpu is None:
            raise _no_such_device(request, profile)
        return Target("cuda", request, gpu)
    apple = next((g for g in profile.gpus if g.vendor == "apple"), None)
    if request.kind == "mps":
        if apple is None:
            raise _no_such_device(request, profile)
        return Target("mps", request, apple)
    if gpus:
        return Target("cuda", request, gpus[0])
    if apple is not None:
        return Target("mps", request, apple)
    return Target("cpu", request)


MAX_THREADS = 1024  # more is a typo (100000 threads would take the machine down): refused, exit 2


def check_threads(threads: int, source: str = "--threads") -> int:
    """``threads`` if plausible, else a usage error (exit 2) before anything runs."""
    if threads < 1 or threads > MAX_THREADS:
        raise UsageError(f"{source} {threads} is not a usable number of threads",
                         hint=f"use 1 to {MAX_THREADS}, or leave it out for one per core")
    return threads


def resolve_threads(threads: int | None, env: Mapping[str, str], profile: "HardwareProfile") -> int:
    """--threads, else TTSCLI_THREADS, else the physical cores this process may use."""
    if threads is None:
        text = env.get(THREADS_ENV, "").strip()
        if text:
            if not text.isdigit():
                raise UsageError(f"{THREADS_ENV}={text!r} is not a number of threads", hint="use e.g. TTSCLI_THREADS=4")
            threads = check_threads(int(text), f"{THREADS_ENV}=")
    if threads is not None and threads < 0:
        raise UsageError(f"--threads must be at least 1 (got {threads})")
    return threads or profile.usable_cores


def capped_threads(threads: int, profile: "HardwareProfile") -> tuple[int, str | None]:
    """More threads than logical CPUs only slow a runtime down: (capped, warning or None)."""
    cpus = max(profile.logical_cores, profile.usable_cores, 1)
    if threads <= cpus:
        return threads, None
    return cpus, (f"{threads} threads asked for but this machine has {cpus} CPUs; using {cpus} "
                  f"(set --threads/{THREADS_ENV} to at most {cpus})")


def memory_budget(profile: "HardwareProfile", target: Target) -> int | None:
    """Bytes a model may use on the target. Unified memory and the CPU share system RAM, so
    the budget comes from MemAvailable (nvidia-smi/NVML report N/A on GB10)."""
    gpu = target.gpu
    if target.kind == "cuda" and gpu is not None and not gpu.integrated and not profile.unified_memory:
        return gpu.memory_free_bytes or gpu.memory_total_bytes
    if profile.ram_available_bytes is None:
        return None
    return int(profile.ram_available_bytes * BUDGET_SHARE)


def apply_env(plan: RuntimePlan, environ: MutableMapping[str, str] | None = None) -> None:
    """Export the plan's variables (before importing the runtime); values the user already
    set are kept."""
    environ = os.environ if environ is None else environ
    for key, value in plan.env.items():
        environ.setdefault(key, value)
