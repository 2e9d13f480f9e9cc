"""`ttscli pull`: download a catalog model or hub repo (verified), or import a directory."""

from __future__ import annotations

import json
from typing import Optional

import typer

from . import options as opt
from .app import app


def _summary(result) -> dict:
    record = result.record
    return {
        "id": record.id,
        "aliases": record.aliases,
        "family": record.family,
        "runtime": record.data.get("runtime"),
        "source": record.data.get("source"),
        "path": str(record.path),
        "repo": record.data.get("repo"),
        "revision": record.data.get("revision"),
        "commit": record.data.get("commit"),
        "files": [{k: f.get(k) for k in ("role", "path", "size", "sha256", "local")} for f in record.files],
        "size_bytes": record.size_bytes,
        "downloaded_bytes": result.downloaded,
        "already_installed": result.already,
        "seconds": round(result.seconds, 3),
    }


@app.command()
def pull(
    model: str = typer.Argument(..., help="A catalog id (kokoro, kokoro:int8, piper:en_US-lessac-medium), "
                                "hf:owner/repo (or hf:owner/repo@revision), or a local model directory to import."),
    variant: Optional[str] = typer.Option(None, "--variant", "--quant", "-q",
                                          help="Variant or quantization to pull (same as MODEL:VARIANT)."),
    name: Optional[str] = typer.Option(None, "--name", help="Name of an imported directory (default: its name)."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON on stdout."),
    debug: bool = opt.Debug,
) -> None:
    """Download MODEL into the hub cache, verify every file, and record it as installed."""
    import time

    from ..models.resolve import _looks_like_path
    from ..store.space import human
    from .progress import make_progress

    progress = make_progress()
    if _looks_like_path(model):
        from ..store import importer
        from ..store.pull import PullResult

        started = time.monotonic()
        result = PullResult(importer.import_dir(model, name, progress), downloaded=0)
        result.seconds = time.monotonic() - started
    else:
        from ..store.pull import pull as do_pull

        result = do_pull(model, variant, progress)
    if result.record is None:  # `pull piper`: the voice index only
        if as_json:
            typer.echo(json.dumps({"id": "piper", "index_voices": result.index_voices}))
        else:
            typer.echo(f"Piper voice index: {result.index_voices} voice(s) "
                       "(`ttscli list --available --family piper`; pull one with `ttscli pull piper:VOICE`)")
        return
    summary = _summary(result)
    _say_what_else_is_needed(summary["family"])
    if as_json:
        typer.echo(json.dumps(summary, indent=1))
        return
    files = f"{len(summary['files'])} file(s), {human(summary['size_bytes'])}"
    if result.already:
        typer.echo(f"{summary['id']} is installed and up to date ({files})")
    else:
        typer.echo(f"pulled {summary['id']}: {files}, {human(result.downloaded)} downloaded "
                   f"in {result.seconds:.1f} s; every file verified")


def _say_what_else_is_needed(family: str) -> None:
    """A pulled model whose runtime is not installed: one note naming the install command."""
    from ..backends import registry
    from .render import note_line

    spec = registry.families().get(family)
    needs = spec.needs() if spec is not None else None
    if needs:
        note_line(f"note: {needs}")
