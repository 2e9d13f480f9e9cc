"""The commands that fix a runtime which cannot use the GPU, one place for all of them.

Plans, `ttscli doctor` and the README quote these strings, so a fix is written once.
Each function returns a short imperative clause ("reinstall with ...") that ends a warning
line. DGX Spark sources: Microsoft's CUDA 13 aarch64 onnxruntime-gpu feed (microsoft/onnxruntime#27944;
PyPI has no linux-aarch64 GPU wheel), llama-cpp-python's CMAKE_ARGS build (its README), and
PyTorch's cu130 index (the PyPI aarch64 torch is CPU-only, pytorch/pytorch#168065).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .gpus import GpuInfo
    from .hardware import HardwareProfile

ORT_CUDA13_INDEX = "https://aiinfra.pkgs.visualstudio.com/PublicPackages/_packaging/onnxruntime-cuda-13/pypi/simple/"
TORCH_INDEX = "https://download.pytorch.org/whl/"
SHERPA_CUDA_WHEELS = "https://k2-fsa.github.io/sherpa/onnx/cuda.html"
JETSON_WHEELS = "NVIDIA's Jetson AI Lab pip index for your JetPack"


def short_name(gpu: "GpuInfo | None") -> str:
    """"NVIDIA GB10" → "GB10"; used as "... to use the GB10"."""
    if gpu is None:
        return "GPU"
    name = gpu.name
    for prefix in ("NVIDIA GeForce ", "NVIDIA "):
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def cuda_arch_digits(gpu: "GpuInfo | None") -> str | None:
    """CMake's CUDA architecture number: 12.1 → "121"."""
    return gpu.sm[3:] if gpu is not None and gpu.sm else None


def ort_gpu_install(profile: "HardwareProfile") -> str:
    """The command that installs a CUDA onnxruntime on this kind of machine."""
    if profile.is_jetson:
        return f"pip install onnxruntime-gpu from {JETSON_WHEELS} (PyPI has no Jetson build)"
    if profile.arch == "aarch64":  # DGX Spark, GH200: PyPI has no linux-aarch64 GPU wheel
        return f"pip install --pre --index-url {ORT_CUDA13_INDEX} onnxruntime-gpu"
    return "pip install onnxruntime-gpu"


def ort_cuda(profile: "HardwareProfile", conflicts: tuple[str, ...], gpu: "GpuInfo | None") -> str:
    remove = " ".join(conflicts) if conflicts else "onnxruntime onnxruntime-gpu"
    return (f"run pip uninstall -y {remove} && {ort_gpu_install(profile)} "
            f"(install it after any package that depends on plain onnxruntime) to use the {short_name(gpu)}")


def ort_coreml() -> str:
    return "install the macOS arm64 onnxruntime from PyPI (pip install --force-reinstall onnxruntime) to use CoreML"


def llama_cuda(gpu: "GpuInfo | None") -> str:
    arch = cuda_arch_digits(gpu)
    archs = f" -DCMAKE_CUDA_ARCHITECTURES={arch}" if arch else ""
    return (f'reinstall with CMAKE_ARGS="-DGGML_CUDA=on{archs}" pip install --force-reinstall --no-cache-dir '
            f"llama-cpp-python to use the {short_name(gpu)}")


def llama_metal() -> str:
    return ('reinstall with CMAKE_ARGS="-DGGML_METAL=on" pip install --force-reinstall --no-cache-dir '
            "llama-cpp-python to use the Apple GPU")


def torch_cuda(profile: "HardwareProfile", gpu: "GpuInfo | None") -> str:
    if profile.is_jetson:
        return f"install the JetPack build of torch from {JETSON_WHEELS} to use the {short_name(gpu)}"
    major = int(gpu.compute_capability.split(".")[0]) if gpu and gpu.compute_capability else 0
    cc = gpu.compute_capability if gpu else None
    if cc and tuple(int(x) for x in cc.split(".")) < (7, 5):
        index, spec = "cu126", "torch"  # CUDA 13 dropped Maxwell, Pascal and Volta
    else:
        index, spec = "cu130", '"torch>=2.10"' if major >= 12 else "torch"
    return (f"install the CUDA build: pip install --force-reinstall {spec} --index-url {TORCH_INDEX}{index} "
            f"to use the {short_name(gpu)}")


def torch_driver(cuda_version: str | None) -> str:
    need = f" supports CUDA {cuda_version}" if cuda_version else " works"
    return f"check that `nvidia-smi` lists the GPU and that the driver{need}"


def torch_mps() -> str:
    return "install torch from PyPI in a native arm64 Python (pip install --force-reinstall torch) to use the Apple GPU"


def sherpa_cuda(profile: "HardwareProfile", gpu: "GpuInfo | None") -> str:
    if profile.arch == "x86_64":
        how = f'pip install "sherpa-onnx==VERSION+cuda" -f {SHERPA_CUDA_WHEELS}'
    else:
        how = 'build it with SHERPA_ONNX_CMAKE_ARGS="-DSHERPA_ONNX_ENABLE_GPU=ON" pip install --no-binary sherpa-onnx sherpa-onnx'
    return f"{how} to use the {short_name(gpu)}"


def rosetta() -> str:
    return "install a native arm64 Python (not x86_64 under Rosetta 2) and reinstall ttscli to use the Apple GPU"
