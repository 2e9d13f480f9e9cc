"""`ttscli list`: installed models (and cloned voices), or the catalog with --available."""

from __future__ import annotations

import json
from typing import Optional

import typer

from .app import app


def _check_filters(family: str | None, runtime: str | None) -> str | None:
    from ..catalog import families
    from ..errors import NotFound
    from ..models.rows import RUNTIME_ALIASES

    if family and family not in families():
        from ..suggest import did_you_mean

        raise NotFound(f"unknown model family {family!r}",
                       hint=did_you_mean(family, families(), otherwise=f"families: {', '.join(families())}"))
    if runtime:
        runtime = RUNTIME_ALIASES.get(runtime.lower(), runtime.lower())
        known = sorted({f.runtime for f in families().values()})
        if runtime not in known:
            raise NotFound(f"unknown runtime {runtime!r}", hint=f"runtimes: {', '.join(known)}")
    return runtime


def _keep(row: dict, lang: str | None, family: str | None, runtime: str | None) -> bool:
    from ..models.rows import speaks

    return ((not lang or speaks(row.get("languages") or [], lang))
            and (not family or row.get("family") == family)
            and (not runtime or row.get("runtime") == runtime))


def _keep_voice(voice: dict, rows: list[dict], kept: list[dict], lang: str | None, family: str | None,
                runtime: str | None) -> bool:
    """The filters apply to stored voices as to models: a voice of an installed model is listed
    when its model is; of another model, by its family (and its family's runtime)."""
    if not (lang or family or runtime):
        return True
    if any(voice.get("model") == r["id"] for r in rows):
        return any(voice.get("model") == r["id"] for r in kept)
    from ..catalog import families

    spec = families().get(str(voice.get("family")))
    return (not lang and (not family or voice.get("family") == family)
            and (not runtime or (spec is not None and spec.runtime == runtime)))


@app.command("list")
def list_models(
    available: bool = typer.Option(False, "--available", "-a",
                                   help="Show the catalog: every model `ttscli pull` knows, installed or not."),
    lang: Optional[str] = typer.Option(None, "--lang", help="Only models for this language (en, en-GB, de_DE...)."),
    family: Optional[str] = typer.Option(None, "--family", help="Only this model family (piper, kokoro, kitten...)."),
    runtime: Optional[str] = typer.Option(None, "--runtime",
                                          help="Only this runtime (onnxruntime, llama.cpp, torch, sherpa-onnx)."),
    installed: bool = typer.Option(False, "--installed", help="With --available: only models already installed."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON list of objects instead of a table."),
) -> None:
    """List installed models (with voices) and cloned voices; --available shows the catalog."""
    from ..models import rows as mr

    runtime = _check_filters(family, runtime)
    refs = mr.installed_refs()
    if available or installed:
        from .. import catalog

        have = {r.id for r in refs} | {a for r in refs for a in r.info.get("aliases", [])}
        rows = [e.to_json(installed=e.id in have) for e in catalog.entries()]
        rows = [dict(type="model", **r) for r in rows if not installed or r["installed"]]
        voices: list[dict] = []
    else:
        rows = [mr.ref_row(r) for r in refs]
        voices = mr.cloned_voices()
    kept = [r for r in rows if _keep(r, lang, family, runtime)]
    voices = [v for v in voices if _keep_voice(v, rows, kept, lang, family, runtime)]
    rows = kept
    if as_json:
        typer.echo(json.dumps(rows + voices, indent=1))
        return
    if not rows and not voices:
        typer.echo("no models match" if (available or installed or lang or family or runtime)
                   else "no models installed")
        return
    body = [[r["id"] + (f" ({', '.join(r['aliases'])})" if r.get("aliases") else ""), r["family"], r["runtime"], mr.human_size(r["size_bytes"]),
             mr.short_list(r["languages"], 3), mr.short_list(r["voices"], 3)]
            + (["yes" if r["installed"] else ""] if available or installed else [])
            for r in rows]
    header = ["ID", "FAMILY", "RUNTIME", "SIZE", "LANGUAGES", "VOICES"] + (
        ["INSTALLED"] if available or installed else [])
    typer.echo(mr.table(body, header))
    if available:
        from ..backends import registry

        for spec in registry.families().values():
            note = spec.hook("index").note() if spec.index and family in (None, spec.name) else None
            if note:
                typer.echo(f"\n({note})")
    if voices:
        body = [[v["id"], v.get("family") or "?", v.get("model") or "?", v.get("kind") or "",
                 "DAMAGED: " + v["error"] if v.get("error") else (v.get("created") or "")] for v in voices]
        typer.echo("\n" + mr.table(body, ["VOICE", "FAMILY", "MODEL", "KIND", "CREATED"]))
