"""GPU discovery: NVIDIA (driver files, nvidia-smi), Jetson (Tegra) and Apple Silicon.

Memory figures are only trusted when the tool reports numbers: on DGX Spark (GB10) and
Jetson the GPU shares system RAM, nvidia-smi prints ``[N/A]`` / ``Not Supported`` and NVML
returns NOT_SUPPORTED, so the memory is "unknown" here and plans budget from MemAvailable.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, replace
from typing import Any

from .sources import Sources, parse_key_values

NVIDIA_PROC = "/proc/driver/nvidia"
NVIDIA_SMI_FIELDS = ("index", "name", "compute_cap", "memory.total", "memory.free", "pci.bus_id",
                     "driver_version", "uuid")

# Compute capability by GPU name, for when nvidia-smi is not run (the fast path used by `say`)
# or is too old to know ``compute_cap``. Patterns match whole tokens so GB10 is not GB100/GB200.
_CC_BY_NAME: tuple[tuple[str, str], ...] = (
    (r"\bGB10\b", "12.1"),
    (r"\bRTX (?:PRO )?50\d\d\b|\bRTX PRO \d+ Blackwell\b", "12.0"),
    (r"\bG?B300\b", "10.3"),
    (r"\bG?B200\b", "10.0"),
    (r"\bThor\b", "11.0"),
    (r"\bG?H[12]00\b", "9.0"),
    (r"\bRTX 40\d\d\b|\bL40S?\b|\bL4\b|\bRTX \d+ Ada\b", "8.9"),
    (r"\bOrin\b", "8.7"),
    (r"\bRTX 30\d\d\b|\bA(?:10|40|16|2)\b|\bRTX A\d+\b", "8.6"),
    (r"\bA(?:100|30|800)\b", "8.0"),
    (r"\bRTX 20\d\d\b|\bT4\b|\bGTX 16\d\d\b|\bTITAN RTX\b", "7.5"),
    (r"\bXavier\b", "7.2"),
    (r"\bV100\b|\bTITAN V\b", "7.0"),
)
# GPUs that have no memory of their own (they share LPDDR with the CPU).
_INTEGRATED = re.compile(r"\bGB10\b|\bOrin\b|\bXavier\b|\bThor\b|\bTegra\b|^Apple\b")


@dataclass(frozen=True)
class GpuInfo:
    index: int
    vendor: str  # "nvidia", "apple"
    name: str
    compute_capability: str | None = None  # "12.1"; None = unknown
    memory_total_bytes: int | None = None  # None = unknown / not reported (unified memory)
    memory_free_bytes: int | None = None
    integrated: bool = False  # shares system RAM with the CPU
    bus_id: str | None = None
    driver: str | None = None
    uuid: str | None = None
    source: str = ""  # where the facts came from: "nvidia-smi", "/proc/driver/nvidia", ...

    @property
    def sm(self) -> str | None:
        """CUDA architecture name, e.g. "sm_121" for compute capability 12.1."""
        if not self.compute_capability:
            return None
        major, _, minor = self.compute_capability.partition(".")
        return f"sm_{major}{minor or '0'}"

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["memory"] = ("shared with system RAM" if self.integrated
                          else self.memory_total_bytes if self.memory_total_bytes is not None else "unknown")
        return data


def capability_for(name: str) -> str | None:
    for pattern, cc in _CC_BY_NAME:
        if re.search(pattern, name):
            return cc
    return None


def is_integrated(name: str) -> bool:
    return bool(_INTEGRATED.search(name))


def _number(text: str) -> float | None:
    """nvidia-smi numbers; "[N/A]", "Not Supported", "[Unknown Error]" → None (never int() them)."""
    try:
        return float(text.strip())
    except ValueError:
        return None


def parse_nvidia_smi(csv_text: str, fields: tuple[str, ...] = NVIDIA_SMI_FIELDS) -> list[GpuInfo]:
    """Rows of ``nvidia-smi --query-gpu=... --format=csv,noheader,nounits`` (MiB memory)."""
    gpus: list[GpuInfo] = []
    for line in csv_text.splitlines():
        cells = [c.strip() for c in line.split(",")]
        if len(cells) != len(fields):
            continue
        row = dict(zip(fields, cells))
        index = _number(row.get("index", ""))
        name = row.get("name", "")
        if index is None or not name:
            continue
        cc = row.get("compute_cap")
        cc = cc if cc and _number(cc) is not None else capability_for(name)
        total = _number(row.get("memory.total", ""))
        free = _number(row.get("memory.free", ""))
        integrated = is_integrated(name) or total is None
        gpus.append(GpuInfo(
            index=int(index), vendor="nvidia", name=name, compute_capability=cc,
            memory_total_bytes=int(total * 2**20) if total is not None else None,
            memory_free_bytes=int(free * 2**20) if free is not None else None,
            integrated=integrated, bus_id=row.get("pci.bus_id") or None,
            driver=row.get("driver_version") or None, uuid=row.get("uuid") or None, source="nvidia-smi",
        ))
    return gpus


def _query_nvidia_smi(src: Sources) -> list[GpuInfo] | None:
    fields = NVIDIA_SMI_FIELDS
    for attempt in range(2):
        out = src.run(["nvidia-smi", f"--query-gpu={','.join(fields)}", "--format=csv,noheader,nounits"])
        if out is not None:
            return parse_nvidia_smi(out, fields)
        if attempt == 0:  # drivers older than 510 do not know compute_cap
            fields = tuple(f for f in fields if f != "compute_cap")
    return None


def driver_version(src: Sources) -> str | None:
    text = src.read_text(f"{NVIDIA_PROC}/version") or ""
    match = re.search(r"Kernel Module(?: for [\w-]+)?\s+([\d.]+)", text)
    return match.group(1) if match else None


def _from_proc(src: Sources) -> list[GpuInfo]:
    """/proc/driver/nvidia/gpus/<bus>/information: no subprocess, no memory figures."""
    gpus: list[GpuInfo] = []
    driver = driver_version(src)
    for bus in src.list_dir(f"{NVIDIA_PROC}/gpus") or []:
        info = parse_key_values(src.read_text(f"{NVIDIA_PROC}/gpus/{bus}/information"), sep=":")
        name = info.get("Model", "")
        if not name:
            continue
        if not name.startswith("NVIDIA"):
            name = f"NVIDIA {name}"
        minor = _number(info.get("Device Minor", ""))
        gpus.append(GpuInfo(
            index=int(minor) if minor is not None else len(gpus), vendor="nvidia", name=name,
            compute_capability=capability_for(name), integrated=is_integrated(name),
            bus_id=info.get("Bus Location") or bus, driver=driver, uuid=info.get("GPU UUID") or None,
            source=f"{NVIDIA_PROC}/gpus",
        ))
    return sorted(gpus, key=lambda g: g.index)


def nvidia_gpus(src: Sources, *, detailed: bool) -> list[GpuInfo]:
    """NVIDIA GPUs on Linux/Windows. nvidia-smi runs only when a driver is there (or on
    Windows/WSL) and either details are wanted or the driver files name no GPU."""
    if src.system == "Linux":
        has_driver = src.read_text(f"{NVIDIA_PROC}/version") is not None
        wsl = src.list_dir("/usr/lib/wsl/lib") is not None
        if not has_driver and not wsl:
            return []
        fast = _from_proc(src) if has_driver else []
        if fast and not detailed:
            return fast
        return _query_nvidia_smi(src) or fast
    if src.system == "Windows":
        return _query_nvidia_smi(src) or []
    return []


def jetson_gpu(model: str, l4t: str | None) -> GpuInfo:
    """The integrated GPU of a Jetson module, named after its board (e.g. "Jetson AGX Orin")."""
    match = re.search(r"Jetson[\w -]*?(Orin|Xavier|Thor|Nano|TX2|TX1)", model)
    name = f"NVIDIA {match.group(0)}" if match else (model or "NVIDIA Jetson")
    return GpuInfo(index=0, vendor="nvidia", name=name, compute_capability=capability_for(name),
                   integrated=True, driver=f"L4T {l4t}" if l4t else None, source="/proc/device-tree/model")


def apple_gpu(cpu_brand: str) -> GpuInfo:
    name = cpu_brand if cpu_brand.startswith("Apple") else "Apple GPU"
    return GpuInfo(index=0, vendor="apple", name=name, integrated=True, source="sysctl")


def visible(gpus: list[GpuInfo], mask: str | None) -> list[GpuInfo]:
    """The GPUs CUDA programs see under ``CUDA_VISIBLE_DEVICES`` (indices or UUID prefixes, in
    that order, renumbered from 0; parsing stops at the first invalid entry, as CUDA does)."""
    if mask is None:
        return gpus
    chosen: list[GpuInfo] = []
    for entry in (e.strip() for e in mask.split(",")):
        if entry.isdigit():
            gpu = next((g for g in gpus if g.index == int(entry)), None)
        elif entry.startswith("GPU-"):
            gpu = next((g for g in gpus if g.uuid and g.uuid.startswith(entry)), None)
        else:
            gpu = None
        if gpu is None or gpu in chosen:
            break
        chosen.append(gpu)
    return [replace(g, index=i) for i, g in enumerate(chosen)]
