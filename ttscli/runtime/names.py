"""The runtimes ttscli knows by name: the one table of their import and distribution names.

Families name their runtime with one of :data:`RUNTIMES` (``RuntimeOption.runtime``); the
hardware probe, ``--runtime`` and ``doctor`` read the same table. Imports nothing.
"""

RUNTIMES = ("onnxruntime", "sherpa-onnx", "llama.cpp", "torch")
# runtime name → (import name, distribution name); a family may probe more (RuntimeOption.probe)
RUNTIME_MODULES = {
    "onnxruntime": ("onnxruntime", "onnxruntime"),
    "llama.cpp": ("llama_cpp", "llama-cpp-python"),
    "torch": ("torch", "torch"),
    "sherpa-onnx": ("sherpa_onnx", "sherpa-onnx"),
}
DISTRIBUTIONS = dict(RUNTIME_MODULES.values())  # import name → distribution name
