"""What each installed runtime can do here: onnxruntime, llama.cpp, torch, sherpa-onnx.

A :class:`RuntimeStatus` is derived from module facts (see :mod:`.sources`) by plain code, so
a test can state "this is a CPU-only torch with arch list [...]" and get the same verdict as
on the real machine. The checks are the ones users hit as *silent CPU fallback*:

* ``onnxruntime`` and ``onnxruntime-gpu`` installed together: both own the ``onnxruntime``
  import package, the CPU files win, ``CUDAExecutionProvider`` disappears;
* a llama-cpp-python wheel built without CUDA (or without the GPU's architecture);
* a torch build that is CPU-only, cannot see the driver, or lacks kernels for the GPU's sm.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any, Sequence

from .names import RUNTIME_MODULES
from .sources import Sources

# Distributions that all install the `onnxruntime` import package (they overwrite each other).
ORT_DISTRIBUTIONS = ("onnxruntime", "onnxruntime-gpu", "onnxruntime-directml", "onnxruntime-openvino",
                     "onnxruntime-qnn", "onnxruntime-silicon", "ort-nightly", "ort-nightly-gpu")


_ORT_ACCELERATORS = {
    "CUDAExecutionProvider": "cuda", "TensorrtExecutionProvider": "tensorrt",
    "CoreMLExecutionProvider": "coreml", "ROCMExecutionProvider": "rocm", "MIGraphXExecutionProvider": "rocm",
    "DmlExecutionProvider": "directml", "OpenVINOExecutionProvider": "openvino",
}
_GGML_BACKENDS = {"cuda": "cuda", "metal": "metal", "vulkan": "vulkan", "hip": "rocm", "sycl": "sycl"}


@dataclass(frozen=True)
class RuntimeStatus:
    name: str  # "onnxruntime", "llama.cpp", "torch", "sherpa-onnx"
    installed: bool
    version: str | None = None
    accelerators: tuple[str, ...] = ()  # what the build can drive: "cuda", "metal", "mps", "coreml", ...
    providers: tuple[str, ...] = ()  # onnxruntime execution providers
    cuda_archs: tuple[str, ...] = ()  # compiled CUDA targets: torch arch list / llama.cpp ARCHS
    cuda_ready: bool | None = None  # torch.cuda.is_available() (None: not asked)
    mps_ready: bool | None = None  # torch.backends.mps.is_available()
    conflicts: tuple[str, ...] = ()  # distributions shadowing each other
    error: str | None = None  # import failure
    notes: tuple[str, ...] = ()  # e.g. warnings torch printed while probing CUDA

    @property
    def usable(self) -> bool:
        return self.installed and self.error is None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _ggml_archs(system_info: str) -> tuple[str, ...]:
    """``CUDA : ARCHS = 800,860,1210 | ...`` (values are __CUDA_ARCH__ = 10 x sm) → sm names."""
    match = re.search(r"ARCHS\s*=\s*([\d,\s]+)", system_info)
    if not match:
        return ()
    return tuple(f"sm_{int(v) // 10}" for v in re.findall(r"\d+", match.group(1)))


def _onnxruntime(src: Sources, facts: dict[str, Any] | None) -> RuntimeStatus:
    installed = {name: v for name in ORT_DISTRIBUTIONS if (v := src.dist_version(name))}
    conflicts = tuple(sorted(installed)) if len(installed) > 1 else ()
    if facts is None:
        return RuntimeStatus("onnxruntime", False, conflicts=conflicts)
    providers = tuple(facts.get("providers") or ())
    version = facts.get("version") or next(iter(installed.values()), None)
    accel = tuple(dict.fromkeys(_ORT_ACCELERATORS[p] for p in providers if p in _ORT_ACCELERATORS))
    return RuntimeStatus("onnxruntime", True, version, accel, providers, conflicts=conflicts,
                         error=facts.get("error"))


def _llama(src: Sources, facts: dict[str, Any] | None) -> RuntimeStatus:
    if facts is None:
        return RuntimeStatus("llama.cpp", False)
    version = src.dist_version("llama-cpp-python")
    libs = " ".join(facts.get("libs") or ()).lower()
    info = facts.get("system_info") or ""
    accel = [kind for key, kind in _GGML_BACKENDS.items() if f"ggml-{key}" in libs or
             re.search(rf"(^|\|)\s*{key}\s*:", info, re.I)]
    if facts.get("gpu_offload") and not accel:  # single-library builds: offload works, backend unnamed
        accel = ["metal"] if src.system == "Darwin" else ["gpu"]
    if facts.get("gpu_offload") is False:
        accel = []
    return RuntimeStatus("llama.cpp", True, version, tuple(accel), cuda_archs=_ggml_archs(info),
                         error=facts.get("error"))


def _torch(src: Sources, facts: dict[str, Any] | None) -> RuntimeStatus:
    if facts is None:
        return RuntimeStatus("torch", False)
    accel = []
    if facts.get("cuda_version"):
        accel.append("cuda")
    if facts.get("mps_built"):
        accel.append("mps")
    notes = list(facts.get("cuda_warnings") or ())
    if facts.get("cuda_error"):
        notes.append(facts["cuda_error"])
    return RuntimeStatus("torch", True, facts.get("version") or src.dist_version("torch"), tuple(accel),
                         cuda_archs=tuple(facts.get("arch_list") or ()),
                         cuda_ready=(bool(facts.get("cuda_available")) if facts.get("cuda_version") else False),
                         mps_ready=bool(facts.get("mps_available")),
                         error=facts.get("error"), notes=tuple(notes))


def _sherpa(src: Sources, facts: dict[str, Any] | None) -> RuntimeStatus:
    if facts is None:
        return RuntimeStatus("sherpa-onnx", False)
    version = src.dist_version("sherpa-onnx")
    libs = " ".join(facts.get("libs") or ()).lower()
    accel = []
    if "providers_cuda" in libs or (version and "+cuda" in version):
        accel.append("cuda")
    if src.system == "Darwin":
        accel.append("coreml")  # the macOS build ships onnxruntime with CoreML
    return RuntimeStatus("sherpa-onnx", True, version, tuple(accel), error=facts.get("error"))


_DERIVE = {"onnxruntime": _onnxruntime, "llama.cpp": _llama, "torch": _torch, "sherpa-onnx": _sherpa}


def probe_runtime(name: str, src: Sources) -> RuntimeStatus:
    """The status of one runtime; unknown names (plugins) are reported as not probed."""
    if name not in _DERIVE:
        return RuntimeStatus(name, installed=True, notes=("not probed: ttscli does not know this runtime",))
    module, _ = RUNTIME_MODULES[name]
    return _DERIVE[name](src, src.module_facts(module))


def _parse_arch(arch: str) -> tuple[int, int, str] | None:
    """"sm_121" → (12, 1, "sm"); "sm_90a" → (9, 0, "sm_a"); "compute_120" → (12, 0, "compute")."""
    match = re.fullmatch(r"(sm|compute)_(\d+?)(\d)([af]?)", arch.strip())
    if not match:
        return None
    kind = match.group(1) + (f"_{match.group(4)}" if match.group(4) else "")
    return int(match.group(2)), int(match.group(3)), kind


def arch_coverage(archs: Sequence[str], capability: str | None, *, kind_known: bool = True) -> str:
    """Can kernels compiled for ``archs`` run on a GPU of ``capability`` ("12.1")?

    "native": a cubin of the same major family and a lower-or-equal minor (sm_120 runs on 12.1);
    "ptx": only PTX of an older arch, JIT-compiled on first use; "maybe": older archs of unknown
    kind (llama.cpp's ARCHS does not say real or virtual); "none": nothing usable;
    "unknown": no list or no capability to compare.
    """
    if not archs or not capability:
        return "unknown"
    try:
        major, minor = (int(x) for x in capability.split(".", 1))
    except ValueError:
        return "unknown"
    verdict = "none"
    for arch in archs:
        parsed = _parse_arch(arch)
        if parsed is None:
            continue
        a_major, a_minor, kind = parsed
        if kind == "sm_a":
            if (a_major, a_minor) == (major, minor):
                return "native"
        elif kind in ("sm", "sm_f") and a_major == major and a_minor <= minor:
            return "native"
        elif (a_major, a_minor) <= (major, minor):
            if kind == "compute":
                verdict = "ptx"
            elif not kind_known and verdict == "none":
                verdict = "maybe"
    return verdict
