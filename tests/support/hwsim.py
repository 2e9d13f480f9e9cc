"""Simulated machines for the hardware probe: files, command output and module facts as data.

Each builder returns a :class:`ttscli.runtime.sources.Sources` describing one real kind of
machine with the formats its tools really print (for the DGX Spark, as captured in public
reports: nvidia-smi ``[N/A]`` memory, /etc/dgx-release keys appended by OTA updates, the DMI
product name ``NVIDIA_DGX_Spark``).
The probe and planners run unchanged on them.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import pytest

from ttscli.runtime.sources import Sources

# Tests of "the real probe on this machine gives CPU plans" only mean something without a GPU.
needs_no_gpu = pytest.mark.skipif(os.path.exists("/proc/driver/nvidia") or sys.platform == "darwin",
                                  reason="this machine has a GPU (or is a Mac)")


def make(system: str, machine: str, *, files: dict[str, str] | None = None,
         commands: dict[str, str] | None = None, dists: dict[str, str] | None = None,
         modules: dict[str, Any] | None = None, env: dict[str, str] | None = None,
         affinity: set[int] | None = None, cpu_count: int | None = None) -> Sources:
    files = dict(files or {})
    commands = dict(commands or {})
    ran: list[list[str]] = []

    def read_text(path: str) -> str | None:
        return files.get(path)

    def list_dir(path: str) -> list[str] | None:
        prefix = path.rstrip("/") + "/"
        names = {p[len(prefix):].split("/")[0] for p in files if p.startswith(prefix)}
        return sorted(names) if names else None

    def run(argv) -> str | None:
        ran.append(list(argv))
        return commands.get(argv[0])

    def facts(name: str):
        value = (modules or {}).get(name)
        if isinstance(value, Exception):
            raise value
        return value

    src = Sources(system=system, machine=machine, read_text=read_text, list_dir=list_dir, run=run,
                  env=env or {}, affinity=lambda: affinity, cpu_count=lambda: cpu_count,
                  dist_version=lambda name: (dists or {}).get(name), module_facts=facts)
    src.ran = ran  # type: ignore[attr-defined]  # which commands the probe ran
    return src


def arm_cpuinfo(parts: list[str]) -> str:
    blocks = []
    for i, part in enumerate(parts):
        blocks.append(f"processor\t: {i}\nBogoMIPS\t: 2000.00\nFeatures\t: fp asimd evtstrm aes pmull sha1 sha2 "
                      f"crc32 atomics fphp asimdhp cpuid asimdrdm sve sve2 bf16 i8mm\nCPU implementer\t: 0x41\n"
                      f"CPU architecture: 8\nCPU variant\t: 0x0\nCPU part\t: {part}\nCPU revision\t: 1\n")
    return "\n".join(blocks)


def x86_cpuinfo(model: str, cores: int, smt: int) -> str:
    blocks = []
    for cpu in range(cores * smt):
        blocks.append(f"processor\t: {cpu}\nvendor_id\t: AuthenticAMD\nmodel name\t: {model}\nphysical id\t: 0\n"
                      f"siblings\t: {cores * smt}\ncore id\t\t: {cpu % cores}\ncpu cores\t: {cores}\n")
    return "\n".join(blocks)


def topology(cpus: int, siblings_of) -> dict[str, str]:
    files = {"/sys/devices/system/cpu/online": f"0-{cpus - 1}\n"}
    for cpu in range(cpus):
        files[f"/sys/devices/system/cpu/cpu{cpu}/topology/core_cpus_list"] = siblings_of(cpu) + "\n"
    return files


def meminfo(total_kib: int, available_kib: int) -> str:
    return (f"MemTotal:       {total_kib} kB\nMemFree:         1234567 kB\n"
            f"MemAvailable:   {available_kib} kB\nBuffers:          123456 kB\n")


def nvidia_proc(bus: str, model: str, driver: str, arch: str = "x86_64") -> dict[str, str]:
    return {
        "/proc/driver/nvidia/version": f"NVRM version: NVIDIA UNIX Open Kernel Module for {arch}  {driver}  "
                                       "Release Build  (dvs-builder@U22)  Tue Sep 23 09:37:44 UTC 2025\n"
                                       "GCC version:  gcc version 13.3.0 (Ubuntu 13.3.0-6ubuntu2~24.04)\n",
        f"/proc/driver/nvidia/gpus/{bus}/information": (
            f"Model: \t\t {model}\nIRQ:   \t\t 207\nGPU UUID: \t GPU-6e2d5a0b-1c2f-4e0e-9d7a-000000000000\n"
            f"Video BIOS: \t ??.??.??.??.??\nBus Type: \t PCIe\nDMA Size: \t 42 bits\nDMA Mask: \t 0x3ffffffffff\n"
            f"Bus Location: \t {bus}\nDevice Minor: \t 0\nGPU Firmware: \t {driver}\nGPU Excluded:\t No\n"),
    }


SPARK_SMI = "0, NVIDIA GB10, 12.1, [N/A], [N/A], 0000000F:01:00.0, 580.95.05, GPU-6e2d5a0b-1c2f-4e0e-9d7a-000000000000\n"
DGX_RELEASE = ('DGX_NAME="DGX Spark"\nDGX_PRETTY_NAME="NVIDIA DGX Spark"\nDGX_SWBUILD_DATE="2025-09-10-13-50-03"\n'
               'DGX_SWBUILD_VERSION="7.2.3"\nDGX_COMMIT_ID="833b4a7"\nDGX_PLATFORM="DGX Server for KVM"\n'
               'DGX_SERIAL_NUMBER="1234567890123"\nDGX_OTA_VERSION="7.2.3"\nDGX_OTA_DATE="2025-10-01"\n'
               'DGX_OTA_VERSION="7.5.0"\nDGX_OTA_DATE="2026-01-15"\n')
SPARK_TORCH_ARCHS = ["sm_80", "sm_90", "sm_100", "sm_110", "sm_120"]


def spark_files(*, dgx_release: bool = True, dmi: str | None = "NVIDIA_DGX_Spark") -> dict[str, str]:
    files = {"/proc/cpuinfo": arm_cpuinfo(["0xd87"] * 10 + ["0xd85"] * 10),
             "/proc/meminfo": meminfo(127600748, 119537664)}
    files.update(topology(20, str))
    files.update(nvidia_proc("000f:01:00.0", "NVIDIA GB10", "580.95.05", arch="aarch64"))
    if dgx_release:
        files["/etc/dgx-release"] = DGX_RELEASE
    if dmi:
        files["/sys/class/dmi/id/product_name"] = dmi + "\n"
        files["/sys/class/dmi/id/sys_vendor"] = "NVIDIA\n"
    return files


def dgx_spark(**overrides) -> Sources:
    """DGX Spark with GPU builds of every runtime (ORT from the CUDA 13 index, llama.cpp built
    for sm_121, torch cu130)."""
    modules = {
        "onnxruntime": {"version": "1.24.1", "providers": ["TensorrtExecutionProvider", "CUDAExecutionProvider",
                                                           "CPUExecutionProvider"], "device": "GPU"},
        "llama_cpp": {"libs": ["libggml-base.so", "libggml-cpu.so", "libggml-cuda.so", "libllama.so"],
                      "gpu_offload": True,
                      "system_info": "CUDA : ARCHS = 1210 | USE_GRAPHS = 1 | PEER_MAX_BATCH_SIZE = 128 | "
                                     "CPU : NEON = 1 | ARM_FMA = 1 | FP16_VA = 1 | DOTPROD = 1 | SVE = 1 | "},
        "torch": {"version": "2.10.0+cu130", "cuda_version": "13.0", "cuda_available": True,
                  "arch_list": SPARK_TORCH_ARCHS,
                  "devices": [{"name": "NVIDIA GB10", "capability": "12.1", "total_memory": 130664251392,
                               "integrated": True}],
                  "cuda_warnings": [], "mps_built": False, "mps_available": False},
        "sherpa_onnx": {"libs": ["libonnxruntime.so", "libonnxruntime_providers_cuda.so",
                                 "libonnxruntime_providers_shared.so"]},
    }
    args = dict(files=spark_files(), commands={"nvidia-smi": SPARK_SMI},
                dists={"onnxruntime-gpu": "1.24.1", "llama-cpp-python": "0.3.36", "torch": "2.10.0+cu130",
                       "sherpa-onnx": "1.12.23+cuda"},
                modules=modules)
    args.update(overrides)
    return make("Linux", "aarch64", **args)


def dgx_spark_stock_pypi() -> Sources:
    """A DGX Spark after a plain `pip install`: PyPI has only CPU wheels for linux-aarch64."""
    return dgx_spark(
        dists={"onnxruntime": "1.24.1", "llama-cpp-python": "0.3.36", "torch": "2.10.0", "sherpa-onnx": "1.12.23"},
        modules={
            "onnxruntime": {"version": "1.24.1", "providers": ["CPUExecutionProvider"], "device": "CPU"},
            "llama_cpp": {"libs": ["libggml-base.so", "libggml-cpu.so", "libllama.so"], "gpu_offload": False,
                          "system_info": "CPU : NEON = 1 | ARM_FMA = 1 | SVE = 1 | "},
            "torch": {"version": "2.10.0", "cuda_version": None, "cuda_available": False, "arch_list": [],
                      "devices": [], "cuda_warnings": [], "mps_built": False, "mps_available": False},
            "sherpa_onnx": {"libs": ["libonnxruntime.so"]},
        })


def dgx_spark_broken_mix() -> Sources:
    """The reports users file: onnxruntime + onnxruntime-gpu both installed (CPU files won),
    a torch whose arch list stops at sm_90, a prebuilt llama.cpp wheel without sm_12x."""
    src = dgx_spark()
    facts = {
        "onnxruntime": {"version": "1.24.1", "providers": ["AzureExecutionProvider", "CPUExecutionProvider"],
                        "device": "CPU"},
        "llama_cpp": {"libs": ["libggml-cuda.so", "libllama.so"], "gpu_offload": True,
                      "system_info": "CUDA : ARCHS = 800,860,890 | USE_GRAPHS = 1 | CPU : NEON = 1 | "},
        "torch": {"version": "2.6.0+cu126", "cuda_version": "12.6", "cuda_available": True,
                  "arch_list": ["sm_50", "sm_80", "sm_86", "sm_90"],
                  "devices": [{"name": "NVIDIA GB10", "capability": "12.1", "total_memory": 1, "integrated": True}],
                  "cuda_warnings": ["Found GPU0 NVIDIA GB10 which is of cuda capability 12.1."],
                  "mps_built": False, "mps_available": False},
        "sherpa_onnx": {"libs": ["libonnxruntime.so"]},
    }
    src.module_facts = lambda name: facts.get(name)
    dists = {"onnxruntime": "1.24.1", "onnxruntime-gpu": "1.24.1", "llama-cpp-python": "0.3.16",
             "torch": "2.6.0+cu126", "sherpa-onnx": "1.12.23"}
    src.dist_version = lambda name: dists.get(name)
    return src


def rtx4090() -> Sources:
    """x86_64 desktop: Ryzen 9 7950X (16 cores, SMT 2) + GeForce RTX 4090, CUDA builds everywhere."""
    files = {"/proc/cpuinfo": x86_cpuinfo("AMD Ryzen 9 7950X 16-Core Processor", 16, 2),
             "/proc/meminfo": meminfo(65536000, 50000000)}
    files.update(topology(32, lambda c: f"{c % 16},{c % 16 + 16}"))
    files.update(nvidia_proc("0000:01:00.0", "NVIDIA GeForce RTX 4090", "550.54.14"))
    smi = ("0, NVIDIA GeForce RTX 4090, 8.9, 24564, 23800, 00000000:01:00.0, 550.54.14, "
           "GPU-4090aaaa-0000-0000-0000-000000000000\n")
    modules = {
        "onnxruntime": {"version": "1.20.1", "providers": ["TensorrtExecutionProvider", "CUDAExecutionProvider",
                                                           "CPUExecutionProvider"], "device": "GPU"},
        "llama_cpp": {"libs": ["libggml-cuda.so", "libllama.so"], "gpu_offload": True,
                      "system_info": "CUDA : ARCHS = 500,610,700,750,800,860,890 | USE_GRAPHS = 1 | CPU : AVX2 = 1 | "},
        "torch": {"version": "2.5.1+cu124", "cuda_version": "12.4", "cuda_available": True,
                  "arch_list": ["sm_50", "sm_60", "sm_70", "sm_75", "sm_80", "sm_86", "sm_90"],
                  "devices": [{"name": "NVIDIA GeForce RTX 4090", "capability": "8.9",
                               "total_memory": 25393692672, "integrated": False}],
                  "cuda_warnings": [], "mps_built": False, "mps_available": False},
        "sherpa_onnx": {"libs": ["libonnxruntime.so", "libonnxruntime_providers_cuda.so"]},
    }
    return make("Linux", "x86_64", files=files, commands={"nvidia-smi": smi},
                dists={"onnxruntime-gpu": "1.20.1", "llama-cpp-python": "0.3.4", "torch": "2.5.1+cu124",
                       "sherpa-onnx": "1.10.30+cuda"}, modules=modules)


def cpu_only() -> Sources:
    """x86_64 server without a GPU, stock PyPI wheels (8 cores, SMT 2)."""
    files = {"/proc/cpuinfo": x86_cpuinfo("Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz", 8, 2),
             "/proc/meminfo": meminfo(32768000, 30000000)}
    files.update(topology(16, lambda c: f"{c % 8},{c % 8 + 8}"))
    modules = {
        "onnxruntime": {"version": "1.20.1", "providers": ["AzureExecutionProvider", "CPUExecutionProvider"],
                        "device": "CPU"},
        "llama_cpp": {"libs": ["libggml-cpu.so", "libllama.so"], "gpu_offload": False, "system_info": "CPU : AVX2 = 1 | "},
        "torch": {"version": "2.5.1+cpu", "cuda_version": None, "cuda_available": False, "arch_list": [],
                  "devices": [], "mps_built": False, "mps_available": False},
        "sherpa_onnx": {"libs": ["libonnxruntime.so"]},
    }
    return make("Linux", "x86_64", files=files, dists={"onnxruntime": "1.20.1", "torch": "2.5.1+cpu"},
                modules=modules)


APPLE_VM_STAT = """Mach Virtual Memory Statistics: (page size of 16384 bytes)
Pages free:                               81234.
Pages active:                            601234.
Pages inactive:                          512345.
Pages speculative:                        23456.
Pages throttled:                              0.
Pages wired down:                        201234.
Pages purgeable:                          12345.
"""


def apple_m3(*, rosetta: bool = False) -> Sources:
    """MacBook Pro, Apple M3 Pro (12 cores, 36 GB). With ``rosetta`` the Python is x86_64."""
    sysctl = ("hw.memsize: 38654705664\nhw.physicalcpu: 12\nhw.logicalcpu: 12\n"
              "machdep.cpu.brand_string: Apple M3 Pro\nhw.optional.arm64: 1\n"
              f"sysctl.proc_translated: {1 if rosetta else 0}\n")
    modules = {
        "onnxruntime": {"version": "1.20.1", "providers": ["CoreMLExecutionProvider", "AzureExecutionProvider",
                                                           "CPUExecutionProvider"], "device": "CPU"},
        "llama_cpp": {"libs": ["libggml-base.dylib", "libggml-cpu.dylib", "libggml-metal.dylib",
                               "libggml-blas.dylib", "libllama.dylib"], "gpu_offload": not rosetta,
                      "system_info": "Metal : EMBED_LIBRARY = 1 | CPU : NEON = 1 | ARM_FMA = 1 | "},
        "torch": {"version": "2.5.1", "cuda_version": None, "cuda_available": False, "arch_list": [],
                  "devices": [], "mps_built": not rosetta, "mps_available": not rosetta},
        "sherpa_onnx": {"libs": ["libonnxruntime.1.17.1.dylib"]},
    }
    return make("Darwin", "x86_64" if rosetta else "arm64", commands={"sysctl": sysctl, "vm_stat": APPLE_VM_STAT},
                dists={"onnxruntime": "1.20.1", "llama-cpp-python": "0.3.4", "torch": "2.5.1"}, modules=modules)


def jetson_orin() -> Sources:
    """Jetson AGX Orin 64 GB, JetPack 6 (L4T R36.4.3), JetPack wheels of every runtime."""
    files = {"/proc/cpuinfo": arm_cpuinfo(["0xd42"] * 12), "/proc/meminfo": meminfo(64335164, 58000000),
             "/etc/nv_tegra_release": "# R36 (release), REVISION: 4.3, GCID: 38968081, BOARD: generic, "
                                      "EABI: aarch64, DATE: Wed Jan  8 01:49:37 UTC 2025\n",
             "/proc/device-tree/model": "NVIDIA Jetson AGX Orin Developer Kit\x00"}
    files.update(topology(12, str))
    modules = {
        "onnxruntime": {"version": "1.20.0", "providers": ["CUDAExecutionProvider", "CPUExecutionProvider"],
                        "device": "GPU"},
        "llama_cpp": {"libs": ["libggml-cuda.so", "libllama.so"], "gpu_offload": True,
                      "system_info": "CUDA : ARCHS = 870 | USE_GRAPHS = 1 | CPU : NEON = 1 | "},
        "torch": {"version": "2.5.0a0+872d972e41.nv24.08", "cuda_version": "12.6", "cuda_available": True,
                  "arch_list": ["sm_87"], "devices": [{"name": "Orin", "capability": "8.7",
                                                       "total_memory": 65881767936, "integrated": True}],
                  "mps_built": False, "mps_available": False},
        "sherpa_onnx": None,
    }
    return make("Linux", "aarch64", files=files, modules=modules,
                dists={"onnxruntime-gpu": "1.20.0", "llama-cpp-python": "0.3.4", "torch": "2.5.0a0+872d972e41.nv24.08"})
