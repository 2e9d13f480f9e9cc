"""`ttscli show MODEL`: files, sizes, licences, voices and the runtime plan for this machine."""

from __future__ import annotations

import json
from typing import Any

import typer

from .app import app


def runtime_plan(runtime: str) -> dict[str, Any]:
    """The plan this machine would use for ``runtime`` (hardware probe + --device/--threads)."""
    from ..runtime.planners import plan_for

    return plan_for(runtime).as_dict()


def _installed(model_id: str):
    from ..models.resolve import packaged
    from ..store import manifest

    record = manifest.find(model_id)
    if record is not None:
        return record.to_ref(), record
    refs = packaged()
    if model_id in refs:
        return refs[model_id], None
    return None, None


def _describe(model_id: str) -> dict[str, Any]:
    from .. import catalog
    from ..errors import NotFound
    from ..models.rows import _dir_size, ref_row

    ref, record = _installed(model_id)
    if ref is not None:
        out = ref_row(ref)
        if record is not None:
            missing = record.missing_files()
            out["files"] = [{"role": f["role"], "path": f["path"], "size": f["size"], "sha256": f.get("sha256"),
                             "local": f["local"], "present": f["path"] not in missing} for f in record.files]
            out.update(repo=record.data.get("repo"), commit=record.data.get("commit"),
                       installed_at=record.data.get("installed_at"), complete=not missing)
        else:
            # An embedded model's directory appears on first use (the offline Kokoro is joined then).
            present = sorted(ref.path.iterdir()) if ref.path.is_dir() else []
            out["files"] = [{"role": None, "path": p.name, "size": p.stat().st_size, "local": str(p),
                             "present": True} for p in present if p.is_file()]
            out["size_bytes"] = _dir_size(ref.path) if present else out.get("size_bytes")
            out["complete"] = True
    else:
        try:
            entry = catalog.lookup(model_id)
        except NotFound as exc:
            from ..models import rows as model_rows

            from ..suggest import close_matches, hint

            installed = [r.id for r in model_rows.installed_refs()]
            close = close_matches(model_id, installed, n=2)
            if close:  # keep the catalog's suggestions, add the installed ones
                exc.hint = hint([*catalog.close_ids(model_id), *close])
            raise
        out = dict(type="model", **entry.to_json(installed=False))
        out["files"] = [{"role": role, "repo": f["repo"], "revision": f["revision"], "path": f["path"]}
                        for role, f in out["files"].items()]
    from ..backends import registry

    spec = registry.families().get(out["family"])
    if spec is not None:
        out.setdefault("license", {})
        out["license"].setdefault("code", spec.code_license)
    out["needs"] = spec.needs() if spec is not None else None
    out["runtime_plan"] = runtime_plan(out["runtime"])
    return out


@app.command()
def show(
    model: str = typer.Argument(..., help="Installed model id, catalog id, or alias."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Show a model: files and sizes, licences, languages, voices, and how it would run here."""
    from ..models.rows import human_size, table

    info = _describe(model.strip())
    if as_json:
        typer.echo(json.dumps(info, indent=1))
        return
    lic = info.get("license") or {}
    lines = [
        f"{info['id']}  ({'installed' if info['installed'] else 'not installed: ttscli pull ' + info['id']})",
        f"  description   {info.get('description') or '-'}",
        f"  family        {info['family']} (runtime {info['runtime']})",
    ]
    if info.get("repo"):
        rev = info.get("commit") or info.get("revision") or ""
        lines.append(f"  repository    {info['repo']}@{rev}")
    if info.get("path"):
        lines.append(f"  path          {info['path']}")
    lines += [
        f"  size          {human_size(info.get('size_bytes'))}" + (f" ({info['size_note']})" if info.get("size_note")
                                                                    else ""),
        f"  languages     {', '.join(info.get('languages') or []) or '-'}",
        f"  sample rate   {info.get('sample_rate') or '-'}",
        f"  code licence  {lic.get('code') or '-'}",
        f"  weights       {lic.get('weights') or '-'}",
        f"  voices        {', '.join(info.get('voices') or []) or '-'}",
        f"  can clone     {'yes' if info.get('can_clone') else 'no'}",
    ]
    lines = _family_lines(lines, info)
    if info.get("needs"):
        lines.append(f"  needs         {info['needs']}")
    if info.get("installed") and not info.get("complete", True):
        lines.append("  status        files are missing: run `ttscli pull " + info["id"] + "` again")
    plan = info["runtime_plan"]
    threads = plan.get("threads") or "auto"
    lines.append(f"  runtime plan  {plan['runtime']} on {plan['device']}, threads {threads}"
                 + (f", providers {', '.join(plan['ort_providers'])}" if plan['runtime'] == "onnxruntime" else "")
                 + (f", gpu layers {plan['n_gpu_layers']}" if plan['runtime'] == "llama.cpp" else ""))
    for warning in plan.get("warnings") or ():
        lines.append(f"  warning       {warning}")
    typer.echo("\n".join(lines))
    rows = [[f.get("role") or "", f["path"], human_size(f.get("size")) if f.get("size") is not None else "?",
             "" if f.get("present", True) else "missing"] for f in info.get("files", [])]
    if rows:
        typer.echo("\n" + table(rows, ["ROLE", "FILE", "SIZE", ""]))


def _family_lines(lines: list[str], info: dict) -> list[str]:
    """Lines the model's family adds to, or replaces in, the listing (FamilySpec.show_lines)."""
    from ..backends import registry

    spec = registry.families().get(info.get("family"))
    hook = spec.hook("show_lines") if spec is not None else None
    extra = dict(hook(info)) if hook else {}
    out = []
    for line in lines:
        label = line[:16].strip()
        out.append(f"  {label:<13} {extra.pop(label)}" if label in extra else line)
    return out + [f"  {label:<13} {value}" for label, value in extra.items()]
