"""`ttscli doctor`: what this machine has, what each runtime can use, and how to fix it."""

from __future__ import annotations

from typing import Any, Optional

import typer

from . import options as opt
from .app import app


def _size(n: Any) -> str:
    if not isinstance(n, (int, float)):
        return "unknown"
    return f"{n / 2**30:.1f} GiB" if n >= 2**30 else f"{n / 2**20:.0f} MiB"


def _plan_text(plan: dict[str, Any] | None, error: str | None) -> str:
    if plan is None:
        return f"cannot run: {error}" if error else "-"
    parts = [plan["device"], f"{plan['threads']} threads"]
    if plan["runtime"] == "onnxruntime":
        parts.append("providers " + "+".join(p[0] if isinstance(p, list) else p for p in plan["ort_providers"]))
    elif plan["runtime"] == "llama.cpp":
        parts.append(f"n_gpu_layers {plan['n_gpu_layers']}" + (", flash-attn" if plan["flash_attn"] else ""))
    elif plan["runtime"] == "sherpa-onnx":
        parts.append(f"provider {plan['sherpa_provider']}")
    if plan["env"]:
        parts.append("env " + " ".join(f"{k}={v}" for k, v in plan["env"].items()))
    if plan["memory_budget_bytes"]:
        parts.append(f"budget {_size(plan['memory_budget_bytes'])}")
    text = ", ".join(parts)
    return f"{text} ({plan['reason']})" if plan.get("reason") else text


def _runtime_text(status: dict[str, Any]) -> str:
    if not status["installed"]:
        return "not installed"
    head = f"{status['version'] or '?'}"
    if status["error"]:
        return f"{head}, import fails: {status['error']}"
    detail = []
    if status["name"] == "onnxruntime":
        detail.append("providers " + (", ".join(status["providers"]) or "none"))
    elif status["accelerators"]:
        detail.append("GPU: " + ", ".join(status["accelerators"]))
    else:
        detail.append("CPU-only build")
    if status["cuda_archs"]:
        detail.append("kernels " + " ".join(status["cuda_archs"]))
    if status["name"] == "torch" and "cuda" in status["accelerators"]:
        detail.append("CUDA visible" if status["cuda_ready"] else "CUDA not visible")
    if status["conflicts"]:
        detail.append("CONFLICT: " + " + ".join(status["conflicts"]))
    return f"{head}, {'; '.join(detail)}"


def render(report: dict[str, Any]) -> str:
    lines = ["Machine"]
    evidence = f" ({'; '.join(report['evidence'])})" if report["evidence"] else ""
    lines.append(f"  platform     {report['platform']}{evidence}")
    lines.append(f"  system       {report['system']} {report['arch']}" + (" (Rosetta 2)" if report["rosetta"] else ""))
    lines.append(f"  cpu          {report['cpu_model']}: {report['cpu_cores']} cores, {report['logical_cores']} "
                 f"logical, {report['usable_cores']} usable")
    lines.append(f"  memory       {_size(report['ram_total_bytes'])} total, {_size(report['ram_available_bytes'])} "
                 "available")
    if report["unified_memory"]:
        lines.append("  unified      yes: CPU and GPU share RAM; budgets come from MemAvailable")
    lines.append("GPUs")
    if not report["gpus"]:
        lines.append("  none found")
    for gpu in report["gpus"]:
        name = f"cuda:{gpu['index']}" if gpu["vendor"] == "nvidia" else "mps"
        memory = gpu["memory"] if isinstance(gpu["memory"], str) else _size(gpu["memory"])
        cc = f", compute capability {gpu['compute_capability']}" if gpu["compute_capability"] else ""
        driver = f", driver {gpu['driver']}" if gpu["driver"] else ""
        lines.append(f"  {name:<12} {gpu['name']}{cc}, memory {memory}{driver}")
    lines.append(f"Runtimes (--device {report['device_requested']})")
    for name, status in report["runtimes"].items():
        lines.append(f"  {name:<12} {_runtime_text(status)}")
        if status["installed"] and not status["error"]:
            lines.append(f"  {'':<12} plan: {_plan_text(status['plan'], status['plan_error'])}")
    lines.append("Installed models")
    if not report["plans"]:
        lines.append("  none")
    for entry in report["plans"]:
        lines.append(f"  {entry['model']} [{entry['family']}, {entry['runtime'] or '?'}]: "
                     f"{_plan_text(entry['plan'], entry['error'])}")
    lines.append("Fixes")
    for fix in report["fixes"]:
        lines.append(f"  - {fix}")
    if not report["fixes"]:
        lines.append("  nothing to fix: " + ("every runtime uses the GPU it can" if report["gpus"]
                                            else "no GPU here, so everything runs on the CPU"))
    lines.append(f"(probed in {report['probe_seconds'] * 1000:.0f} ms)")
    return "\n".join(lines)


def _cluster_text(cluster: dict[str, Any] | None) -> str:
    if not cluster:
        return ""
    lines = [f"\nRay cluster ({cluster['address']}): {len(cluster['nodes'])} node(s)"]
    for node in cluster["nodes"]:
        lines.append(f"  {node['id']}  {node['address']}  {node['cpus']:g} CPU  {node['gpus']:g} GPU  "
                     f"{node['memory_gb']:g} GiB")
    return "\n".join(lines)


@app.command()
def doctor(
    json_out: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    cluster: Optional[str] = typer.Option(None, "--cluster", metavar="ray|auto|ray://HOST:PORT",
                                          help="Also show the nodes and resources of a Ray cluster."),
    debug: bool = opt.Debug,
) -> None:
    """Show the hardware, each runtime's status, the plan for every installed model, and fixes."""
    import json

    from ..errors import RuntimeFailure
    from .. import doctor as report_mod

    report = report_mod.build()
    if cluster:
        from ..book.cluster import check_address, cluster_report

        report["cluster"] = cluster_report(check_address(cluster))
    typer.echo(json.dumps(report, indent=2) if json_out else render(report) + _cluster_text(report.get("cluster")))
    failed = report_mod.failure(report)
    if failed is not None:  # an explicit --device that cannot be used: same exit as `say`
        raise RuntimeFailure(failed.get("error") or failed.get("plan_error") or "the requested device is unusable")
