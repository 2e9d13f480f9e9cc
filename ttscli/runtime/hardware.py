"""The machine as ttscli sees it: CPU, memory, GPUs, and what kind of box this is.

:func:`probe` builds a :class:`HardwareProfile` from :class:`~.sources.Sources` (the real
machine by default, a simulated one in tests). It reads a handful of small files and runs
no command on a machine without an NVIDIA driver, because ``ttscli say`` probes every time.

DGX Spark is recognised from several independent signals, since none is always present:
aarch64 Linux plus any of an NVIDIA GB10 GPU, ``/etc/dgx-release``, ``/etc/fastos-release``,
the DMI product name or a device-tree model. Jetson is ruled out first (also aarch64 +
NVIDIA, but Tegra).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from . import gpus as gpu_probe
from .gpus import GpuInfo
from .runtimes import RuntimeStatus, probe_runtime
from .sources import Sources, cpu_list, parse_key_values

# Arm MIDR part numbers (implementer 0x41) seen on the machines ttscli plans for.
_ARM_PARTS = {
    "0xd85": "Cortex-X925", "0xd87": "Cortex-A725", "0xd4f": "Neoverse-V2", "0xd42": "Cortex-A78AE",
    "0xd0c": "Neoverse-N1", "0xd40": "Neoverse-V1", "0xd49": "Neoverse-N2", "0xd84": "Neoverse-V3",
    "0xd08": "Cortex-A72", "0xd0b": "Cortex-A76", "0xd4b": "Cortex-A78C",
}
_SPARK_DMI = re.compile(r"DGX[_ ]?Spark|\bGB10\b", re.I)


@dataclass(frozen=True)
class HardwareProfile:
    system: str
    arch: str  # normalised: "x86_64", "aarch64"
    cpu_model: str
    physical_cores: int
    logical_cores: int
    usable_cores: int  # physical cores this process may use (affinity, cgroup quota)
    ram_total_bytes: int | None
    ram_available_bytes: int | None  # MemAvailable, capped by a cgroup memory limit
    gpus: tuple[GpuInfo, ...] = ()
    unified_memory: bool = False
    is_dgx_spark: bool = False
    is_jetson: bool = False
    is_apple_silicon: bool = False
    rosetta: bool = False  # x86_64 Python translated on an Apple Silicon Mac
    evidence: tuple[str, ...] = ()  # why the platform was recognised
    runtimes: dict[str, RuntimeStatus] = field(default_factory=dict)

    @property
    def platform(self) -> str:
        if self.is_dgx_spark:
            return "dgx-spark"
        if self.is_jetson:
            return "jetson"
        if self.is_apple_silicon:
            return "apple-silicon"
        if any(g.vendor == "nvidia" for g in self.gpus):
            return "nvidia-gpu"
        return "cpu"

    @property
    def cuda_gpus(self) -> tuple[GpuInfo, ...]:
        return tuple(g for g in self.gpus if g.vendor == "nvidia")

    def as_dict(self) -> dict[str, Any]:
        return {
            "system": self.system, "arch": self.arch, "platform": self.platform, "cpu_model": self.cpu_model,
            "cpu_cores": self.physical_cores, "logical_cores": self.logical_cores,
            "usable_cores": self.usable_cores, "ram_total_bytes": self.ram_total_bytes,
            "ram_available_bytes": self.ram_available_bytes, "gpus": [g.as_dict() for g in self.gpus],
            "unified_memory": self.unified_memory, "is_dgx_spark": self.is_dgx_spark,
            "is_jetson": self.is_jetson, "is_apple_silicon": self.is_apple_silicon, "rosetta": self.rosetta,
            "evidence": list(self.evidence),
        }


def _normalise_arch(machine: str) -> str:
    m = machine.lower()
    return {"amd64": "x86_64", "x64": "x86_64", "arm64": "aarch64"}.get(m, m)


# --- CPU -------------------------------------------------------------------------------------

def _arm_model(cpuinfo: str) -> str:
    parts = re.findall(r"^CPU part\s*:\s*(0x[0-9a-f]+)", cpuinfo, re.M | re.I)
    counts: dict[str, int] = {}
    for part in parts:
        name = _ARM_PARTS.get(part.lower(), f"Arm part {part.lower()}")
        counts[name] = counts.get(name, 0) + 1
    return " + ".join(f"{n}x {name}" for name, n in counts.items())


def _linux_cpu(src: Sources) -> tuple[str, int, int, int]:
    """(model, physical cores, logical CPUs, usable physical cores)."""
    cpuinfo = src.read_text("/proc/cpuinfo") or ""
    named = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.M)
    model = named.group(1).strip() if named else _arm_model(cpuinfo) or "unknown CPU"
    online = cpu_list(src.read_text("/sys/devices/system/cpu/online"))
    if not online:
        online = list(range(len(re.findall(r"^processor\s*:", cpuinfo, re.M)) or src.cpu_count() or 1))
    # One entry per CPU naming its SMT siblings: the distinct lists are the physical cores.
    core_of: dict[int, str] = {}
    for cpu in online:
        base = f"/sys/devices/system/cpu/cpu{cpu}/topology/"
        siblings = src.read_text(base + "core_cpus_list") or src.read_text(base + "thread_siblings_list")
        if siblings is not None:
            core_of[cpu] = siblings.strip()
    if len(core_of) != len(online):  # no sysfs topology: (physical id, core id) pairs
        core_of = {}
        for i, block in enumerate(b for b in cpuinfo.split("\n\n") if "processor" in b):
            kv = parse_key_values(block, sep=":")
            if "core id" in kv:
                core_of[int(kv.get("processor", i))] = f"{kv.get('physical id', '0')}/{kv['core id']}"
        if len(core_of) != len(online):  # Arm cpuinfo has neither: no SMT there
            core_of = {cpu: str(cpu) for cpu in online}
    physical = len(set(core_of.values()))
    allowed = src.affinity()
    usable_cpus = [c for c in online if allowed is None or c in allowed] or online
    usable = len({core_of[c] for c in usable_cpus})
    quota = _cgroup_cpu_quota(src)
    if quota is not None:
        usable = max(1, min(usable, math.ceil(quota)))
    return model, physical, len(online), usable


def _cgroup_cpu_quota(src: Sources) -> float | None:
    """CPUs granted by a cgroup v2 ``cpu.max`` (docker --cpus), None when unlimited."""
    text = (src.read_text("/sys/fs/cgroup/cpu.max") or "").split()
    if len(text) == 2 and text[0] != "max":
        try:
            return int(text[0]) / int(text[1])
        except (ValueError, ZeroDivisionError):
            return None
    return None


def _linux_memory(src: Sources) -> tuple[int | None, int | None]:
    info = parse_key_values(src.read_text("/proc/meminfo"), sep=":")

    def kib(key: str) -> int | None:
        value = info.get(key, "").split()
        return int(value[0]) * 1024 if value and value[0].isdigit() else None

    total, available = kib("MemTotal"), kib("MemAvailable")
    limit = (src.read_text("/sys/fs/cgroup/memory.max") or "").strip()
    used = (src.read_text("/sys/fs/cgroup/memory.current") or "").strip()
    if limit.isdigit() and available is not None:
        available = min(available, max(0, int(limit) - (int(used) if used.isdigit() else 0)))
    return total, available


def _darwin(src: Sources) -> dict[str, str]:
    names = ["hw.memsize", "hw.physicalcpu", "hw.logicalcpu", "machdep.cpu.brand_string",
             "hw.optional.arm64", "sysctl.proc_translated"]
    return parse_key_values(src.run(["sysctl", *names]), sep=":")


def _darwin_available(src: Sources) -> int | None:
    """free + inactive + speculative pages from vm_stat (macOS has no MemAvailable)."""
    text = src.run(["vm_stat"]) or ""
    size = re.search(r"page size of (\d+) bytes", text)
    pages = {k.strip().lower(): v.strip().rstrip(".") for k, _, v in
             (line.partition(":") for line in text.splitlines()) if v}
    try:
        count = sum(int(pages[k]) for k in ("pages free", "pages inactive", "pages speculative") if k in pages)
    except ValueError:
        return None
    return count * int(size.group(1)) if size and count else None


def _int(text: str | None) -> int | None:
    return int(text) if text and text.strip().isdigit() else None


# --- platform --------------------------------------------------------------------------------

def _spark_evidence(src: Sources, gpus: list[GpuInfo], dt_model: str) -> list[str]:
    found: list[str] = []
    release = parse_key_values(src.read_text("/etc/dgx-release"))
    if release.get("DGX_NAME") == "DGX Spark" or release.get("DGX_PRETTY_NAME") == "NVIDIA DGX Spark":
        found.append(f"/etc/dgx-release: {release.get('DGX_PRETTY_NAME') or release.get('DGX_NAME')}"
                     f" {release.get('DGX_SWBUILD_VERSION', '')}".rstrip())
    fastos = parse_key_values(src.read_text("/etc/fastos-release"))
    if "DGX SPARK" in fastos.get("NAME", "").upper():
        found.append(f"/etc/fastos-release: {fastos['NAME']}")
    product = (src.read_text("/sys/class/dmi/id/product_name") or "").strip()
    if _SPARK_DMI.search(product):
        found.append(f"DMI product name: {product}")
    if _SPARK_DMI.search(dt_model):
        found.append(f"device-tree model: {dt_model}")
    for gpu in gpus:
        if re.search(r"\bGB10\b", gpu.name) or gpu.compute_capability == "12.1":
            found.append(f"{gpu.source}: {gpu.name} (compute capability {gpu.compute_capability or '?'})")
    return found


def probe(src: Sources | None = None, *, runtimes: tuple[str, ...] = (), detailed: bool = False) -> HardwareProfile:
    """Probe the machine. ``runtimes`` adds the status of those runtimes (may import them);
    ``detailed`` also asks nvidia-smi for memory figures (doctor), which `say` skips."""
    from .sources import real

    src = src or real()
    arch = _normalise_arch(src.machine)
    gpus: list[GpuInfo] = []
    evidence: list[str] = []
    is_spark = is_jetson = is_apple = rosetta = False
    if src.system == "Darwin":
        sysctl = _darwin(src)
        model = sysctl.get("machdep.cpu.brand_string", "unknown CPU")
        logical = _int(sysctl.get("hw.logicalcpu")) or src.cpu_count() or 1
        physical = _int(sysctl.get("hw.physicalcpu")) or logical
        usable = physical
        total, available = _int(sysctl.get("hw.memsize")), _darwin_available(src)
        rosetta = sysctl.get("sysctl.proc_translated") == "1"
        is_apple = arch == "aarch64" or rosetta or sysctl.get("hw.optional.arm64") == "1"
        if is_apple:
            gpus.append(gpu_probe.apple_gpu(model))
            evidence.append(f"sysctl: {model}" + (" (this Python runs under Rosetta 2)" if rosetta else ""))
    elif src.system == "Linux":
        model, physical, logical, usable = _linux_cpu(src)
        total, available = _linux_memory(src)
        dt_model = (src.read_text("/proc/device-tree/model") or "").replace("\x00", "").strip()
        tegra = src.read_text("/etc/nv_tegra_release")
        is_jetson = tegra is not None or "Jetson" in dt_model
        if is_jetson:
            rel = re.search(r"R(\d+)\s*\(release\),\s*REVISION:\s*([\d.]+)", tegra or "")
            l4t = f"{rel.group(1)}.{rel.group(2)}" if rel else None
            gpus.append(gpu_probe.jetson_gpu(dt_model, l4t))
            evidence.append(f"Jetson: {dt_model or 'Tegra'}" + (f", L4T {l4t}" if l4t else ""))
        else:
            gpus.extend(gpu_probe.nvidia_gpus(src, detailed=detailed))
            if arch == "aarch64":
                evidence = _spark_evidence(src, gpus, dt_model)
                is_spark = bool(evidence)
    else:  # Windows and others: what Python alone can tell
        logical = src.cpu_count() or 1
        model, physical, usable = "unknown CPU", logical, logical
        total = available = None
        gpus.extend(gpu_probe.nvidia_gpus(src, detailed=detailed))
    unified = is_spark or is_jetson or is_apple or any(g.integrated for g in gpus)
    mask = src.env.get("CUDA_VISIBLE_DEVICES")
    if mask is not None and any(g.vendor == "nvidia" for g in gpus):
        shown = gpu_probe.visible([g for g in gpus if g.vendor == "nvidia"], mask)
        if len(shown) != len(gpus):
            evidence.append(f"CUDA_VISIBLE_DEVICES={mask!r} shows {len(shown)} of {len(gpus)} NVIDIA GPUs")
        gpus = shown + [g for g in gpus if g.vendor != "nvidia"]
    profile = HardwareProfile(
        system=src.system, arch=arch, cpu_model=model, physical_cores=physical, logical_cores=logical,
        usable_cores=max(1, usable), ram_total_bytes=total, ram_available_bytes=available,
        gpus=tuple(gpus), unified_memory=unified, is_dgx_spark=is_spark, is_jetson=is_jetson,
        is_apple_silicon=is_apple, rosetta=rosetta, evidence=tuple(evidence),
    )
    for name in runtimes:
        profile.runtimes[name] = probe_runtime(name, src)
    return profile


_THIS_MACHINE: HardwareProfile | None = None


def this_machine(runtimes: tuple[str, ...] = ()) -> HardwareProfile:
    """The probed profile of this machine, cached for the process; runtime statuses are
    added on first request (``say`` asks only for its model's runtime)."""
    global _THIS_MACHINE
    from .sources import real

    if _THIS_MACHINE is None:
        _THIS_MACHINE = probe()
    missing = [name for name in runtimes if name not in _THIS_MACHINE.runtimes]
    if missing:
        src = real()
        for name in missing:
            _THIS_MACHINE.runtimes[name] = probe_runtime(name, src)
    return _THIS_MACHINE
