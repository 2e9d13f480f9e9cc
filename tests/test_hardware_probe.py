"""The hardware probe on simulated machines (see hwsim.py) and on this one."""

from __future__ import annotations

import importlib.util
import os

import pytest

from support import hwsim
from ttscli.runtime import gpus as gpu_probe
from ttscli.runtime.hardware import probe
from ttscli.runtime.runtimes import arch_coverage
from ttscli.runtime.sources import cpu_list, parse_key_values

ALL = ("onnxruntime", "llama.cpp", "torch", "sherpa-onnx")


def test_dgx_spark_profile():
    src = hwsim.dgx_spark()
    p = probe(src, runtimes=ALL, detailed=True)
    assert p.is_dgx_spark and p.platform == "dgx-spark" and not p.is_jetson
    assert p.arch == "aarch64"
    assert p.cpu_model == "10x Cortex-A725 + 10x Cortex-X925"
    assert (p.physical_cores, p.logical_cores, p.usable_cores) == (20, 20, 20)
    assert p.ram_total_bytes == 127600748 * 1024 and p.ram_available_bytes == 119537664 * 1024
    assert p.unified_memory
    (gpu,) = p.gpus
    assert (gpu.vendor, gpu.name, gpu.compute_capability, gpu.sm) == ("nvidia", "NVIDIA GB10", "12.1", "sm_121")
    assert gpu.memory_total_bytes is None and gpu.integrated  # nvidia-smi said [N/A]
    assert gpu.as_dict()["memory"] == "shared with system RAM"
    assert gpu.driver == "580.95.05"
    joined = " | ".join(p.evidence)
    assert "NVIDIA DGX Spark 7.2.3" in joined and "NVIDIA_DGX_Spark" in joined and "GB10" in joined
    assert p.runtimes["onnxruntime"].providers[1] == "CUDAExecutionProvider"
    assert p.runtimes["llama.cpp"].accelerators == ("cuda",) and p.runtimes["llama.cpp"].cuda_archs == ("sm_121",)
    assert p.runtimes["torch"].cuda_ready and p.runtimes["sherpa-onnx"].accelerators == ("cuda",)


def test_spark_fast_path_runs_no_command():
    """`say` probes without detail: the driver files name the GPU, nvidia-smi is not run."""
    src = hwsim.dgx_spark()
    p = probe(src)
    assert src.ran == []
    assert p.is_dgx_spark and p.gpus[0].name == "NVIDIA GB10" and p.gpus[0].compute_capability == "12.1"
    assert p.gpus[0].source == "/proc/driver/nvidia/gpus"


@pytest.mark.parametrize("signal", ["gpu-only", "dgx-release-only", "dmi-only"])
def test_spark_recognised_from_any_one_signal(signal):
    files = hwsim.spark_files(dgx_release=signal == "dgx-release-only", dmi="NVIDIA_DGX_Spark" if signal == "dmi-only" else None)
    if signal != "gpu-only":
        for key in [k for k in files if k.startswith("/proc/driver/nvidia")]:
            del files[key]
    p = probe(hwsim.make("Linux", "aarch64", files=files))
    assert p.is_dgx_spark, signal
    assert len(p.evidence) == 1


def test_oem_gb10_dmi_name_and_not_a_gb200():
    files = hwsim.spark_files(dgx_release=False, dmi="Dell Pro Max with GB10 FCM1253")
    assert probe(hwsim.make("Linux", "aarch64", files=files)).is_dgx_spark
    gh = hwsim.make("Linux", "aarch64", files={
        "/proc/cpuinfo": hwsim.arm_cpuinfo(["0xd4f"] * 72), "/proc/meminfo": hwsim.meminfo(10**9, 9 * 10**8),
        **hwsim.nvidia_proc("0009:01:00.0", "NVIDIA GB200", "580.1.1", arch="aarch64")})
    p = probe(gh)
    assert not p.is_dgx_spark and p.platform == "nvidia-gpu" and p.gpus[0].compute_capability == "10.0"
    assert p.cpu_model == "72x Neoverse-V2"


def test_x86_rtx4090_profile():
    p = probe(hwsim.rtx4090(), detailed=True)
    assert p.platform == "nvidia-gpu" and not p.unified_memory and not p.is_dgx_spark
    assert (p.physical_cores, p.logical_cores) == (16, 32)
    (gpu,) = p.gpus
    assert gpu.memory_total_bytes == 24564 * 2**20 and gpu.memory_free_bytes == 23800 * 2**20
    assert gpu.compute_capability == "8.9" and not gpu.integrated


def test_cpu_only_profile_runs_no_command():
    src = hwsim.cpu_only()
    p = probe(src, detailed=True)
    assert src.ran == []  # no driver: nvidia-smi is not even tried
    assert p.platform == "cpu" and p.gpus == () and (p.physical_cores, p.logical_cores) == (8, 16)
    assert p.cpu_model.startswith("Intel(R) Xeon(R) Gold 6338")


def test_apple_m3_profile():
    p = probe(hwsim.apple_m3())
    assert p.is_apple_silicon and p.unified_memory and p.platform == "apple-silicon" and not p.rosetta
    assert p.cpu_model == "Apple M3 Pro" and p.physical_cores == 12
    assert p.ram_total_bytes == 38654705664
    assert p.ram_available_bytes == (81234 + 512345 + 23456) * 16384
    assert p.gpus[0].vendor == "apple" and p.arch == "aarch64"


def test_apple_under_rosetta():
    p = probe(hwsim.apple_m3(rosetta=True))
    assert p.is_apple_silicon and p.rosetta and p.arch == "x86_64"


def test_jetson_orin_profile():
    p = probe(hwsim.jetson_orin())
    assert p.is_jetson and not p.is_dgx_spark and p.platform == "jetson" and p.unified_memory
    (gpu,) = p.gpus
    assert gpu.name == "NVIDIA Jetson AGX Orin" and gpu.compute_capability == "8.7" and gpu.driver == "L4T 36.4.3"
    assert p.cpu_model == "12x Cortex-A78AE"


def test_broken_mix_runtime_status():
    p = probe(hwsim.dgx_spark_broken_mix(), runtimes=ALL)
    ort = p.runtimes["onnxruntime"]
    assert ort.conflicts == ("onnxruntime", "onnxruntime-gpu") and "cuda" not in ort.accelerators
    assert p.runtimes["torch"].cuda_archs[-1] == "sm_90"
    assert p.runtimes["torch"].notes == ("Found GPU0 NVIDIA GB10 which is of cuda capability 12.1.",)
    assert p.runtimes["llama.cpp"].cuda_archs == ("sm_80", "sm_86", "sm_89")


def test_affinity_and_cgroup_quota_limit_usable_cores():
    files = hwsim.rtx4090().read_text  # reuse the 16-core SMT topology
    src = hwsim.make("Linux", "x86_64", files={}, affinity={0, 16, 1, 17})
    src.read_text = files
    assert probe(src).usable_cores == 2  # two cores, both hyper-threads of each
    quota = hwsim.make("Linux", "x86_64")
    quota.read_text = lambda path: "150000 100000\n" if path == "/sys/fs/cgroup/cpu.max" else files(path)
    assert probe(quota).usable_cores == 2  # docker --cpus=1.5 → 2 threads


def test_cgroup_memory_limit_caps_available():
    base = hwsim.cpu_only().read_text
    src = hwsim.cpu_only()
    limits = {"/sys/fs/cgroup/memory.max": "8589934592\n", "/sys/fs/cgroup/memory.current": "1073741824\n"}
    src.read_text = lambda path: limits.get(path) or base(path)
    assert probe(src).ram_available_bytes == 7 * 2**30


def test_nvidia_smi_parsing_never_trusts_na():
    rows = gpu_probe.parse_nvidia_smi("0, NVIDIA GB10, 12.1, [N/A], [N/A], 0000000F:01:00.0, 580.95.05, GPU-1\n"
                                      "1, NVIDIA H100 80GB HBM3, 9.0, 81559, Not Supported, 0000:1A:00.0, 550.1, "
                                      "GPU-2\ngarbage line\n")
    assert [g.name for g in rows] == ["NVIDIA GB10", "NVIDIA H100 80GB HBM3"]
    assert rows[0].memory_total_bytes is None and rows[0].integrated
    assert rows[1].memory_total_bytes == 81559 * 2**20 and rows[1].memory_free_bytes is None


def test_old_driver_without_compute_cap_field():
    """nvidia-smi older than 510 rejects compute_cap: the probe retries without it."""
    src = hwsim.make("Linux", "x86_64", files=hwsim.nvidia_proc("0000:01:00.0", "NVIDIA GeForce RTX 3090", "470.1"))

    def run(argv):
        src.ran.append(list(argv))
        return (None if "compute_cap" in argv[1] else
                "0, NVIDIA GeForce RTX 3090, 24576, 24000, 00000000:01:00.0, 470.1, GPU-3090\n")

    src.run = run
    (gpu,) = probe(src, detailed=True).gpus
    assert len(src.ran) == 2 and gpu.compute_capability == "8.6" and gpu.memory_total_bytes == 24576 * 2**20


def test_capability_table_matches_whole_tokens():
    assert gpu_probe.capability_for("NVIDIA GB10") == "12.1"
    assert gpu_probe.capability_for("NVIDIA GB100") is None
    assert gpu_probe.capability_for("NVIDIA GeForce RTX 5090") == "12.0"
    assert gpu_probe.capability_for("NVIDIA A100-SXM4-80GB") == "8.0"


def test_arch_coverage_rules():
    assert arch_coverage(hwsim.SPARK_TORCH_ARCHS, "12.1") == "native"  # sm_120 cubins run on GB10
    assert arch_coverage(["sm_50", "sm_90"], "12.1") == "none"
    assert arch_coverage(["sm_80", "compute_90"], "12.1") == "ptx"
    assert arch_coverage(["sm_120a"], "12.1") == "none"  # arch-specific cubins do not migrate
    assert arch_coverage(["sm_121a"], "12.1") == "native"
    assert arch_coverage(["sm_80", "sm_86"], "12.1", kind_known=False) == "maybe"
    assert arch_coverage(["sm_90"], "8.9") == "none" and arch_coverage([], "8.9") == "unknown"


def test_small_parsers():
    assert cpu_list("0-3,8,10-11\n") == [0, 1, 2, 3, 8, 10, 11]
    assert parse_key_values(hwsim.DGX_RELEASE)["DGX_OTA_VERSION"] == "7.5.0"  # appended keys: last wins


@hwsim.needs_no_gpu
def test_real_probe_on_this_machine():
    p = probe(runtimes=("onnxruntime", "llama.cpp", "sherpa-onnx", "torch"), detailed=True)
    assert p.system == "Linux" and p.arch == os.uname().machine
    assert 1 <= p.physical_cores <= p.logical_cores == os.cpu_count()
    assert 1 <= p.usable_cores <= len(os.sched_getaffinity(0))
    assert 0 < p.ram_available_bytes <= p.ram_total_bytes
    assert p.gpus == () and p.platform == "cpu" and not p.unified_memory
    ort = p.runtimes["onnxruntime"]
    assert ort.installed and "CPUExecutionProvider" in ort.providers and ort.conflicts == ()
    # the optional runtimes are reported as they are: installed or not (the gguf/torch extras)
    for runtime, module in (("llama.cpp", "llama_cpp"), ("torch", "torch"), ("sherpa-onnx", "sherpa_onnx")):
        assert p.runtimes[runtime].installed == (importlib.util.find_spec(module) is not None), runtime
        assert p.runtimes[runtime].accelerators == ()
    assert p.runtimes["torch"].cuda_ready is False


def test_real_torch_facts_by_import_agree_with_metadata():
    """The +cpu shortcut (no 2 s import) must say what importing torch says."""
    from ttscli.runtime import sources

    imported = sources._torch_facts(from_metadata=False)
    shortcut = sources._torch_facts()
    if imported is None:
        pytest.skip("torch not installed")
    for key in ("cuda_version", "cuda_available", "arch_list", "mps_available"):
        assert imported[key] == shortcut[key], key


def test_cuda_visible_devices_selects_and_renumbers():
    two = hwsim.rtx4090()
    smi = ("0, NVIDIA GeForce RTX 4090, 8.9, 24564, 23800, 00000000:01:00.0, 550.54.14, GPU-aaaa1111\n"
           "1, NVIDIA GeForce RTX 3090, 8.6, 24576, 24000, 00000000:02:00.0, 550.54.14, GPU-bbbb2222\n")
    two.run = lambda argv: smi
    for mask, names in [(None, ["RTX 4090", "RTX 3090"]), ("1", ["RTX 3090"]), ("GPU-bbbb", ["RTX 3090"]),
                        ("1,0", ["RTX 3090", "RTX 4090"]), ("0,7,1", ["RTX 4090"]), ("", []), ("-1", [])]:
        two.env = {} if mask is None else {"CUDA_VISIBLE_DEVICES": mask}
        p = probe(two, detailed=True)
        assert [g.name.split("GeForce ")[1] for g in p.gpus] == names, mask
        assert [g.index for g in p.gpus] == list(range(len(names)))
