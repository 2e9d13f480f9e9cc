"""The plan for running one model family on this machine.

This is the contract between hardware detection and backends: a backend never
decides on its own which device or how many threads to use.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class RuntimePlan:
    runtime: str = "onnxruntime"
    device: str = "cpu"  # "cpu", "cuda:0", "mps"
    threads: int = 0  # 0 = let the runtime choose (physical cores)
    ort_providers: tuple[Any, ...] = ("CPUExecutionProvider",)
    ort_session_config: dict[str, str] = field(default_factory=dict)
    n_gpu_layers: int = 0  # llama.cpp
    n_ctx: int = 0  # llama.cpp context length; 0 = the model family's default
    flash_attn: bool = False
    env: dict[str, str] = field(default_factory=dict)  # set before the runtime is imported
    warnings: tuple[str, ...] = ()


def cpu_plan(runtime: str = "onnxruntime", threads: int | None = None) -> RuntimePlan:
    if threads is None:
        threads = int(os.environ.get("TTSCLI_THREADS", "0") or 0)
    return RuntimePlan(runtime=runtime, threads=threads)
