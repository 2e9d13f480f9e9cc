"""Per-runtime planning: turn a target device into runtime settings, or say why not.

Each planner gets a base plan (runtime, threads, what was requested), the target chosen by
:func:`.plan.choose_target`, the hardware profile and the runtime's status. It returns the
finished plan or raises :class:`.plan.Unusable` with the reason and the fix;
:func:`plan_for` (the entry point, at the end) turns that into a CPU plan with one warning (``--device auto``) or
exit 5 (an explicit device). Planners never see a CPU target fail.
"""

from __future__ import annotations

import os
from dataclasses import replace
from typing import Callable, Mapping

from ..errors import RuntimeFailure
from . import fixes
from .hardware import HardwareProfile
from .plan import (DEVICE_ENV, GGML_UNIFIED, UNIFIED_ENV, RuntimePlan, Target, Unusable, capped_threads,
                   choose_target, memory_budget, parse_device, resolve_threads)
from .runtimes import RuntimeStatus, arch_coverage

CPU_PROVIDERS = ("CPUExecutionProvider",)
# With the graph on a GPU, CPU threads mostly wait: spinning would burn cores that llama.cpp,
# the audio encoder or the player need.
GPU_SESSION_CONFIG = {"session.intra_op.allow_spinning": "0"}
_OFF = ("0", "false", "no", "off")


def _gpu_label(target: Target) -> str:
    return target.gpu.name if target.gpu else target.kind


def _cpu(base: RuntimePlan, reason: str) -> RuntimePlan:
    return replace(base, device="cpu", ort_providers=CPU_PROVIDERS, n_gpu_layers=0, flash_attn=False,
                   sherpa_provider="cpu", reason=reason)


def _rosetta_check(target: Target, profile: HardwareProfile) -> None:
    if target.kind == "mps" and profile.rosetta:
        raise Unusable("this Python is x86_64 under Rosetta 2 and cannot reach the Apple GPU", fixes.rosetta())


def _importable(status: RuntimeStatus, package: str) -> None:
    if status.error:
        raise Unusable(f"{package} fails to import ({status.error})",
                       f"reinstall it (pip install --force-reinstall {package})")


# --- onnxruntime ------------------------------------------------------------------------------

def onnxruntime(base: RuntimePlan, target: Target, profile: HardwareProfile, status: RuntimeStatus,
                env: Mapping[str, str]) -> RuntimePlan:
    warnings: list[str] = []
    if status.conflicts and profile.cuda_gpus and target.kind != "cpu":
        warnings.append(f"{' and '.join(status.conflicts)} are all installed and overwrite each other's "
                        "files; keep one: " + fixes.ort_cuda(profile, status.conflicts, target.gpu))
    if target.kind == "cpu":
        return _cpu(base, "requested" if target.explicit else "no GPU found")
    _importable(status, "onnxruntime")
    if target.kind == "mps":
        if not target.explicit:  # TTS graphs have dynamic shapes: CoreML splits them and runs slower
            return _cpu(base, "Apple Silicon: CoreML is used only with --device mps")
        _rosetta_check(target, profile)
        if "CoreMLExecutionProvider" not in status.providers:
            raise Unusable(f"this onnxruntime has no CoreMLExecutionProvider (providers: "
                           f"{', '.join(status.providers) or 'none'})", fixes.ort_coreml())
        return replace(base, device="mps", ort_providers=("CoreMLExecutionProvider", *CPU_PROVIDERS),
                       ort_session_config=dict(GPU_SESSION_CONFIG), reason="requested", warnings=tuple(warnings))
    if "CUDAExecutionProvider" not in status.providers:
        if status.conflicts:
            why = (f"{' and '.join(status.conflicts)} are both installed and the CPU build shadows the GPU one "
                   f"(providers: {', '.join(status.providers) or 'none'})")
        else:
            why = (f"onnxruntime {status.version or ''} has no CUDAExecutionProvider "
                   f"(providers: {', '.join(status.providers) or 'none'})").replace("  ", " ")
            if profile.arch == "aarch64" and not profile.is_jetson:
                why += "; PyPI has no linux-aarch64 GPU wheel"
        raise Unusable(why, fixes.ort_cuda(profile, status.conflicts, target.gpu))
    options = {"device_id": str(target.gpu.index if target.gpu else 0),
               # TTS inputs change shape every sentence; EXHAUSTIVE would re-benchmark convs each time
               "cudnn_conv_algo_search": "HEURISTIC", "do_copy_in_default_stream": "1"}
    if profile.unified_memory:  # never let the BFC arena grab a power-of-two slice of shared RAM
        options["arena_extend_strategy"] = "kSameAsRequested"
        budget = memory_budget(profile, target)
        if budget:
            options["gpu_mem_limit"] = str(budget)
    return replace(base, device=target.device, ort_providers=(("CUDAExecutionProvider", options), *CPU_PROVIDERS),
                   ort_session_config=dict(GPU_SESSION_CONFIG), reason=f"{_gpu_label(target)} via CUDAExecutionProvider", warnings=tuple(warnings))


# --- llama.cpp --------------------------------------------------------------------------------

def llama_cpp(base: RuntimePlan, target: Target, profile: HardwareProfile, status: RuntimeStatus,
              env: Mapping[str, str]) -> RuntimePlan:
    if target.kind == "cpu":
        return _cpu(base, "requested" if target.explicit else "no GPU found")
    _importable(status, "llama-cpp-python")
    gpu_backends = [a for a in status.accelerators if a in ("cuda", "metal", "vulkan", "rocm", "sycl", "gpu")]
    warnings: list[str] = []
    environ: dict[str, str] = {}
    if target.kind == "mps":
        _rosetta_check(target, profile)
        if "metal" not in gpu_backends:
            raise Unusable("llama-cpp-python was built without Metal", fixes.llama_metal())
        return replace(base, device="mps", n_gpu_layers=-1, flash_attn=True, reason="Apple GPU via Metal")
    gpu = target.gpu
    if not gpu_backends or gpu_backends == ["metal"]:
        raise Unusable(f"llama-cpp-python {status.version or ''} was built without CUDA".replace("  ", " "),
                       fixes.llama_cuda(gpu))
    cc = gpu.compute_capability if gpu else None
    coverage = arch_coverage(status.cuda_archs, cc, kind_known=False)
    built_for = ", ".join(status.cuda_archs)
    if coverage == "none":
        raise Unusable(f"llama-cpp-python's CUDA kernels ({built_for}) cannot run on the {gpu.name} ({gpu.sm})",
                       fixes.llama_cuda(gpu))
    if coverage == "maybe":
        warnings.append(f"llama-cpp-python's CUDA kernels target {built_for}, not {gpu.sm} ({gpu.name}): it "
                        "runs only if the build kept PTX (slow first start), else fails with 'no kernel image'; "
                        + fixes.llama_cuda(gpu))
    if profile.unified_memory:
        # Any value enables it, so it is set only here. ggml reads it with getenv() when it
        # allocates, so apply_env() before the model loads is in time even though the probe
        # already imported llama_cpp.
        if env.get(UNIFIED_ENV, "").strip().lower() not in _OFF:
            environ[GGML_UNIFIED] = "1"
    elif GGML_UNIFIED in env:
        warnings.append(f"{GGML_UNIFIED} is set (any value enables it), which makes llama.cpp count system RAM "
                        f"as free memory on the discrete {gpu.name}; unset it")
    return replace(base, device=target.device, n_gpu_layers=-1, flash_attn=True, env=environ,
                   reason=f"{_gpu_label(target)} via llama.cpp {'/'.join(gpu_backends)}", warnings=tuple(warnings))


# --- torch ------------------------------------------------------------------------------------

def torch(base: RuntimePlan, target: Target, profile: HardwareProfile, status: RuntimeStatus,
          env: Mapping[str, str]) -> RuntimePlan:
    if target.kind == "cpu":
        return _cpu(base, "requested" if target.explicit else "no GPU found")
    _importable(status, "torch")
    version = status.version or "?"
    if target.kind == "mps":
        _rosetta_check(target, profile)
        if not status.mps_ready:
            raise Unusable(f"torch {version} cannot use MPS (torch.backends.mps.is_available() is False)",
                           fixes.torch_mps())
        return replace(base, device="mps", reason="Apple GPU via MPS")
    gpu = target.gpu
    if "cuda" not in status.accelerators:
        raise Unusable(f"torch {version} is a CPU-only build", fixes.torch_cuda(profile, gpu))
    if not status.cuda_ready:
        seen = f": {status.notes[0]}" if status.notes else ""
        raise Unusable(f"torch {version} cannot reach the GPU (torch.cuda.is_available() is False{seen})",
                       fixes.torch_driver(None))
    coverage = arch_coverage(status.cuda_archs, gpu.compute_capability if gpu else None)
    if coverage == "none":
        raise Unusable(f"torch {version} has no kernels for {gpu.sm} ({gpu.name}); it was built for "
                       f"{', '.join(status.cuda_archs)}", fixes.torch_cuda(profile, gpu))
    warnings = ()
    if coverage == "ptx":
        warnings = (f"torch {version} has only PTX for {gpu.sm} ({gpu.name}): the first run JIT-compiles "
                    f"kernels and is slow; {fixes.torch_cuda(profile, gpu)}",)
    return replace(base, device=target.device, reason=f"{_gpu_label(target)} via torch CUDA", warnings=warnings)


# --- sherpa-onnx ------------------------------------------------------------------------------

def sherpa_onnx(base: RuntimePlan, target: Target, profile: HardwareProfile, status: RuntimeStatus,
                env: Mapping[str, str]) -> RuntimePlan:
    if target.kind == "cpu":
        return _cpu(base, "requested" if target.explicit else "no GPU found")
    _importable(status, "sherpa-onnx")
    if target.kind == "mps":
        if not target.explicit:
            return _cpu(base, "Apple Silicon: CoreML is used only with --device mps")
        _rosetta_check(target, profile)
        if "coreml" not in status.accelerators:
            raise Unusable("this sherpa-onnx build has no CoreML provider", fixes.ort_coreml())
        return replace(base, device="mps", sherpa_provider="coreml", reason="requested")
    if "cuda" not in status.accelerators:
        raise Unusable(f"sherpa-onnx {status.version or ''} is a CPU-only build".replace("  ", " "),
                       fixes.sherpa_cuda(profile, target.gpu))
    return replace(base, device=target.device, sherpa_provider="cuda",
                   reason=f"{_gpu_label(target)} via sherpa-onnx CUDA")


def generic(base: RuntimePlan, target: Target, profile: HardwareProfile, status: RuntimeStatus,
            env: Mapping[str, str]) -> RuntimePlan:
    """A plugin's runtime: honour an explicit device (the plugin maps it), else the CPU."""
    if target.kind == "cpu" or not target.explicit:
        return _cpu(base, "requested" if target.explicit else "runtime unknown to ttscli: CPU unless --device")
    return replace(base, device=target.device, reason="requested")


PLANNERS: dict[str, Callable[..., RuntimePlan]] = {
    "onnxruntime": onnxruntime, "llama.cpp": llama_cpp, "torch": torch, "sherpa-onnx": sherpa_onnx,
}


def plan(base: RuntimePlan, target: Target, profile: HardwareProfile, status: RuntimeStatus,
         env: Mapping[str, str]) -> RuntimePlan:
    if not status.installed and target.kind != "cpu":
        if target.explicit:
            raise Unusable(f"{status.name} is not installed", "install the extra this model family needs "
                           "(see `ttscli doctor`)")
        return _cpu(base, f"{status.name} is not installed")
    return PLANNERS.get(base.runtime, generic)(base, target, profile, status, env)


def _gib(n: int) -> str:
    return f"{n / 2**30:.1f} GiB"


def plan_for(runtime: str, *, device: str | None = None, threads: int | None = None,
             profile: "HardwareProfile | None" = None, env: Mapping[str, str] | None = None,
             model_bytes: int | None = None) -> RuntimePlan:
    """The plan for ``runtime`` ("onnxruntime", "llama.cpp", "torch", "sherpa-onnx", or a
    plugin's runtime). ``device``/``threads`` default to TTSCLI_DEVICE/TTSCLI_THREADS from
    ``env`` (os.environ); ``profile`` defaults to this machine, probed once per process."""
    from .hardware import this_machine
    from .runtimes import probe_runtime
    from .sources import real

    env = os.environ if env is None else env
    request = parse_device(device if device is not None else env.get(DEVICE_ENV) or "auto")
    profile = profile or this_machine((runtime,))
    status = profile.runtimes.get(runtime) or probe_runtime(runtime, real())
    n_threads, too_many = capped_threads(resolve_threads(threads, env, profile), profile)
    target = choose_target(request, profile)
    base = RuntimePlan(runtime=runtime, threads=n_threads, requested=str(request))
    try:
        chosen = plan(base, target, profile, status, env)
        if too_many:
            chosen = replace(chosen, warnings=(too_many, *chosen.warnings))
    except Unusable as exc:
        if target.explicit:
            raise RuntimeFailure(f"--device {request}: {exc.reason}", hint=exc.fix) from None
        chosen = plan(base, Target("cpu", request), profile, status, env)
        chosen = replace(chosen, warnings=(f"{exc.reason}, so {runtime} runs on the CPU; {exc.fix}",
                                           *chosen.warnings), reason=f"fallback: {exc.reason}")
    budget = memory_budget(profile, Target(chosen.device.split(":")[0], request, target.gpu))
    chosen = replace(chosen, memory_budget_bytes=budget)
    if model_bytes and budget and model_bytes > budget:
        chosen = replace(chosen, warnings=(*chosen.warnings, f"the model needs about {_gib(model_bytes)} but only "
                                         f"{_gib(budget)} is free for {chosen.device}; close other programs "
                                         "or pick a smaller model"))
    return chosen
