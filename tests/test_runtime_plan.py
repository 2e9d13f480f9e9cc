"""Runtime plans for simulated machines: devices, settings, env flags, one warning per fallback."""

from __future__ import annotations

import pytest

from support import hwsim
from ttscli.errors import RuntimeFailure, UsageError
from ttscli.runtime.hardware import probe
from ttscli.runtime.plan import GGML_UNIFIED, RuntimePlan, apply_env, cpu_plan, parse_device
from ttscli.runtime.planners import plan_for

ALL = ("onnxruntime", "llama.cpp", "torch", "sherpa-onnx")


def profile_of(src, detailed=False):
    return probe(src, runtimes=ALL, detailed=detailed)


def plans(profile, device=None, env=None):
    return {rt: plan_for(rt, profile=profile, device=device, env=env or {}) for rt in ALL}


# --- DGX Spark ---------------------------------------------------------------------------------

def test_spark_all_runtimes_on_the_gb10():
    p = plans(profile_of(hwsim.dgx_spark()))
    for plan in p.values():
        assert plan.device == "cuda:0" and plan.threads == 20 and plan.warnings == (), plan
    name, options = p["onnxruntime"].ort_providers[0]
    assert name == "CUDAExecutionProvider" and p["onnxruntime"].ort_providers[1:] == ("CPUExecutionProvider",)
    budget = int(119537664 * 1024 * 0.9)  # from MemAvailable, never from NVML
    assert options["arena_extend_strategy"] == "kSameAsRequested" and options["gpu_mem_limit"] == str(budget)
    assert options["cudnn_conv_algo_search"] == "HEURISTIC"
    assert p["onnxruntime"].ort_session_config == {"session.intra_op.allow_spinning": "0"}
    llama = p["llama.cpp"]
    assert (llama.n_gpu_layers, llama.flash_attn) == (-1, True)
    assert llama.env == {GGML_UNIFIED: "1"} and llama.memory_budget_bytes == budget
    assert p["onnxruntime"].env == {} and p["torch"].env == {}  # only llama.cpp reads it
    assert p["sherpa-onnx"].sherpa_provider == "cuda"


def test_spark_unified_memory_flag_can_be_declined():
    plan = plan_for("llama.cpp", profile=profile_of(hwsim.dgx_spark()), env={"TTSCLI_UNIFIED_MEMORY": "0"})
    assert plan.device == "cuda:0" and plan.env == {}


def test_spark_with_stock_pypi_wheels_falls_back_with_one_fix_each():
    p = plans(profile_of(hwsim.dgx_spark_stock_pypi()))
    for runtime, plan in p.items():
        assert plan.device == "cpu" and plan.n_gpu_layers == 0 and plan.env == {}, runtime
        assert len(plan.warnings) == 1 and "\n" not in plan.warnings[0], (runtime, plan.warnings)
    assert "PyPI has no linux-aarch64 GPU wheel" in p["onnxruntime"].warnings[0]
    assert "onnxruntime-cuda-13/pypi/simple/ onnxruntime-gpu" in p["onnxruntime"].warnings[0]
    assert p["llama.cpp"].warnings[0] == (
        "llama-cpp-python 0.3.36 was built without CUDA, so llama.cpp runs on the CPU; reinstall with "
        'CMAKE_ARGS="-DGGML_CUDA=on -DCMAKE_CUDA_ARCHITECTURES=121" pip install --force-reinstall --no-cache-dir '
        "llama-cpp-python to use the GB10")
    assert "CPU-only build" in p["torch"].warnings[0]
    assert '"torch>=2.10" --index-url https://download.pytorch.org/whl/cu130' in p["torch"].warnings[0]
    assert "sherpa-onnx" in p["sherpa-onnx"].warnings[0]
    assert p["torch"].reason.startswith("fallback: ")


def test_spark_explicit_cuda_with_cpu_wheels_is_exit_5():
    prof = profile_of(hwsim.dgx_spark_stock_pypi())
    with pytest.raises(RuntimeFailure) as info:
        plan_for("llama.cpp", profile=prof, device="cuda", env={})
    line = info.value.one_line()
    assert info.value.exit_code == 5 and line.startswith("--device cuda: llama-cpp-python 0.3.36 was built without CUDA")
    assert "CMAKE_CUDA_ARCHITECTURES=121" in line


def test_broken_mix_warnings():
    p = plans(profile_of(hwsim.dgx_spark_broken_mix()))
    ort, torch, llama = p["onnxruntime"], p["torch"], p["llama.cpp"]
    assert ort.device == "cpu" and len(ort.warnings) == 1
    assert "onnxruntime and onnxruntime-gpu are both installed" in ort.warnings[0]
    assert "pip uninstall -y onnxruntime onnxruntime-gpu && pip install --pre --index-url" in ort.warnings[0]
    assert torch.device == "cpu" and len(torch.warnings) == 1
    assert "torch 2.6.0+cu126 has no kernels for sm_121 (NVIDIA GB10)" in torch.warnings[0]
    assert "sm_50, sm_80, sm_86, sm_90" in torch.warnings[0] and "whl/cu130" in torch.warnings[0]
    # A prebuilt wheel without sm_12x may still JIT from PTX: stay on the GPU, say why it may fail.
    assert llama.device == "cuda:0" and len(llama.warnings) == 1
    assert "target sm_80, sm_86, sm_89, not sm_121" in llama.warnings[0]
    assert llama.env == {GGML_UNIFIED: "1"}


def test_conflict_is_reported_even_when_cuda_survived():
    src = hwsim.rtx4090()
    dists = {"onnxruntime": "1.20.1", "onnxruntime-gpu": "1.20.1"}
    src.dist_version = dists.get
    plan = plan_for("onnxruntime", profile=profile_of(src), env={})
    assert plan.device == "cuda:0" and len(plan.warnings) == 1
    assert "overwrite each other" in plan.warnings[0]


# --- x86 + RTX 4090 ----------------------------------------------------------------------------

def test_rtx4090_plans():
    prof = profile_of(hwsim.rtx4090(), detailed=True)
    p = plans(prof)
    for plan in p.values():
        assert plan.device == "cuda:0" and plan.threads == 16 and plan.warnings == ()
        assert plan.memory_budget_bytes == 23800 * 2**20  # the card's free memory, not system RAM
    options = p["onnxruntime"].ort_providers[0][1]
    assert "gpu_mem_limit" not in options and "arena_extend_strategy" not in options
    assert p["llama.cpp"].env == {}  # discrete GPU: never unified memory


def test_rtx4090_user_set_unified_memory_is_flagged():
    plan = plan_for("llama.cpp", profile=profile_of(hwsim.rtx4090()), env={GGML_UNIFIED: "0"})
    assert plan.device == "cuda:0" and plan.env == {}
    assert len(plan.warnings) == 1 and "any value enables it" in plan.warnings[0]


def test_rtx4090_cuda_index_and_cpu_request():
    prof = profile_of(hwsim.rtx4090())
    assert plan_for("torch", profile=prof, device="cuda:0", env={}).device == "cuda:0"
    with pytest.raises(RuntimeFailure) as info:
        plan_for("torch", profile=prof, device="cuda:1", env={})
    assert "there is no CUDA device 1 (found cuda:0 NVIDIA GeForce RTX 4090)" in info.value.one_line()
    cpu = plan_for("llama.cpp", profile=prof, device="cpu", env={})
    assert (cpu.device, cpu.n_gpu_layers, cpu.warnings, cpu.requested) == ("cpu", 0, (), "cpu")


def test_model_larger_than_budget_warns():
    prof = profile_of(hwsim.rtx4090(), detailed=True)
    plan = plan_for("llama.cpp", profile=prof, env={}, model_bytes=30 * 2**30)
    assert plan.device == "cuda:0" and len(plan.warnings) == 1 and "needs about 30.0 GiB" in plan.warnings[0]


# --- CPU only ----------------------------------------------------------------------------------

def test_cpu_only_plans_and_threads():
    prof = profile_of(hwsim.cpu_only())
    for plan in plans(prof).values():
        assert plan.device == "cpu" and plan.threads == 8 and plan.warnings == () and plan.env == {}
    assert plan_for("onnxruntime", profile=prof, threads=3, env={}).threads == 3
    assert plan_for("onnxruntime", profile=prof, env={"TTSCLI_THREADS": "5"}).threads == 5
    assert plan_for("onnxruntime", profile=prof, threads=2, env={"TTSCLI_THREADS": "5"}).threads == 2


@pytest.mark.parametrize("device", ["cuda", "cuda:0", "mps"])
def test_cpu_only_explicit_gpu_is_exit_5(device):
    with pytest.raises(RuntimeFailure) as info:
        plan_for("onnxruntime", profile=profile_of(hwsim.cpu_only()), device=device, env={})
    assert info.value.exit_code == 5 and info.value.one_line().startswith(f"--device {device}")


def test_hidden_gpus_are_named_in_the_error():
    src = hwsim.rtx4090()
    src.env = {"CUDA_VISIBLE_DEVICES": ""}
    prof = profile_of(src)
    assert plan_for("torch", profile=prof, env={}).device == "cpu"
    with pytest.raises(RuntimeFailure) as info:
        plan_for("torch", profile=prof, device="cuda", env={})
    assert "CUDA_VISIBLE_DEVICES='' shows 0 of 1 NVIDIA GPUs" in info.value.one_line()


def test_device_from_environment():
    prof = profile_of(hwsim.rtx4090())
    assert plan_for("torch", profile=prof, env={"TTSCLI_DEVICE": "cpu"}).device == "cpu"
    with pytest.raises(RuntimeFailure):
        plan_for("torch", profile=profile_of(hwsim.cpu_only()), env={"TTSCLI_DEVICE": "cuda"})


def test_bad_device_and_threads_are_usage_errors():
    for text in ("gpu", "cuda:x", "cpu:0", "metal"):
        with pytest.raises(UsageError):
            parse_device(text)
    assert str(parse_device(" CUDA:1 ")) == "cuda:1"
    with pytest.raises(UsageError):
        plan_for("onnxruntime", profile=profile_of(hwsim.cpu_only()), env={"TTSCLI_THREADS": "many"})


# --- Apple Silicon -----------------------------------------------------------------------------

def test_apple_m3_plans():
    p = plans(profile_of(hwsim.apple_m3()))
    assert p["onnxruntime"].device == "cpu" and p["onnxruntime"].warnings == ()  # CoreML only on request
    assert "CoreML is used only with --device mps" in p["onnxruntime"].reason
    assert (p["llama.cpp"].device, p["llama.cpp"].n_gpu_layers, p["llama.cpp"].env) == ("mps", -1, {})
    assert p["torch"].device == "mps" and p["torch"].warnings == ()
    assert p["onnxruntime"].memory_budget_bytes == int((81234 + 512345 + 23456) * 16384 * 0.9)
    coreml = plan_for("onnxruntime", profile=profile_of(hwsim.apple_m3()), device="mps", env={})
    assert coreml.ort_providers == ("CoreMLExecutionProvider", "CPUExecutionProvider")
    with pytest.raises(RuntimeFailure):
        plan_for("torch", profile=profile_of(hwsim.apple_m3()), device="cuda", env={})


def test_apple_under_rosetta_warns_once_and_refuses_mps():
    prof = profile_of(hwsim.apple_m3(rosetta=True))
    plan = plan_for("torch", profile=prof, env={})
    assert plan.device == "cpu" and len(plan.warnings) == 1 and "Rosetta 2" in plan.warnings[0]
    assert plan_for("onnxruntime", profile=prof, env={}).warnings == ()  # CPU by design there anyway
    with pytest.raises(RuntimeFailure) as info:
        plan_for("llama.cpp", profile=prof, device="mps", env={})
    assert "native arm64 Python" in info.value.one_line()


# --- Jetson ------------------------------------------------------------------------------------

def test_jetson_orin_plans():
    p = plans(profile_of(hwsim.jetson_orin()))
    for rt in ("onnxruntime", "llama.cpp", "torch"):
        assert p[rt].device == "cuda:0" and p[rt].warnings == () and p[rt].threads == 12, rt
    assert p["llama.cpp"].env == {GGML_UNIFIED: "1"}
    assert p["onnxruntime"].ort_providers[0][1]["arena_extend_strategy"] == "kSameAsRequested"
    assert p["sherpa-onnx"].device == "cpu" and p["sherpa-onnx"].warnings == ()  # not installed: no noise


def test_jetson_fix_points_to_jetpack_wheels():
    src = hwsim.jetson_orin()
    facts = src.module_facts
    src.module_facts = lambda name: ({"version": "1.20.0", "providers": ["CPUExecutionProvider"]}
                                     if name == "onnxruntime" else facts(name))
    plan = plan_for("onnxruntime", profile=profile_of(src), env={})
    assert plan.device == "cpu" and "Jetson AI Lab" in plan.warnings[0] and "aarch64 GPU wheel" not in plan.warnings[0]


# --- misc ----------------------------------------------------------------------------------------

def test_unknown_plugin_runtime_honours_explicit_device():
    prof = profile_of(hwsim.rtx4090())
    assert plan_for("mlx", profile=prof, env={}).device == "cpu"
    assert plan_for("mlx", profile=prof, device="cuda", env={}).device == "cuda:0"


def test_runtime_import_error_is_a_fallback_with_a_fix():
    src = hwsim.rtx4090()
    facts = src.module_facts
    src.module_facts = lambda name: ({"libs": ["libggml-cuda.so"], "error": "OSError: libcudart.so.12: cannot open "
                                      "shared object file"} if name == "llama_cpp" else facts(name))
    plan = plan_for("llama.cpp", profile=profile_of(src), env={})
    assert plan.device == "cpu" and len(plan.warnings) == 1 and "libcudart.so.12" in plan.warnings[0]


def test_apply_env_keeps_user_values_and_cpu_plan_still_works(monkeypatch):
    environ = {GGML_UNIFIED: "yes"}
    apply_env(RuntimePlan(env={GGML_UNIFIED: "1", "OTHER": "2"}), environ)
    assert environ == {GGML_UNIFIED: "yes", "OTHER": "2"}
    monkeypatch.setenv("TTSCLI_THREADS", "3")
    assert cpu_plan("onnxruntime").threads == 3 and cpu_plan("torch", threads=1).runtime == "torch"


def test_plan_as_dict_is_json_ready():
    import json

    plan = plan_for("onnxruntime", profile=profile_of(hwsim.dgx_spark()), env={})
    data = json.loads(json.dumps(plan.as_dict()))
    assert data["ort_providers"][0][0] == "CUDAExecutionProvider" and data["device"] == "cuda:0"


@hwsim.needs_no_gpu
def test_real_machine_gives_cpu_plans():
    for runtime in ALL:
        plan = plan_for(runtime, env={})
        assert plan.device == "cpu" and plan.warnings == () and plan.threads >= 1 and plan.env == {}, plan
        assert plan.ort_providers == ("CPUExecutionProvider",) and plan.n_gpu_layers == 0
