"""`ttscli rm MODEL`: remove an installed model (asks first unless -y)."""

from __future__ import annotations

import sys

import typer

from .app import app


def _not_installed(model_id: str):
    from ..errors import BadInput, NotFound
    from ..models.resolve import packaged
    from ..store import manifest, pull_hint

    refs = packaged()
    if model_id in refs:
        package = refs[model_id].info.get("package", "its package")
        return BadInput(f"{model_id} ships inside the {package} package and cannot be removed",
                        hint=f"pip uninstall {package} to drop it")
    from ..suggest import did_you_mean

    installed = [r.id for r in manifest.all_records()]
    hint = (did_you_mean(model_id, installed, cutoff=0.5) or pull_hint(model_id)
            or "see `ttscli list` for installed models")
    return NotFound(f"model {model_id!r} is not installed", hint=hint)


@app.command()
def rm(
    model: str = typer.Argument(..., help="Installed model id (see `ttscli list`)."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
) -> None:
    """Remove an installed model and the files no other installed model uses."""
    from ..errors import UsageError
    from ..store import manifest
    from ..store.remove import remove
    from ..store.space import human

    record = manifest.find(model.strip())
    if record is None:
        raise _not_installed(model.strip())
    if not yes:
        if not sys.stdin.isatty():
            raise UsageError(f"refusing to remove {record.id} without confirmation",
                             hint=f"run `ttscli rm -y {record.id}`")
        if not typer.confirm(f"Remove {record.id} ({len(record.files)} file(s), {human(record.size_bytes)})?",
                             err=True):
            typer.echo(f"kept {record.id}", err=True)
            return
    result = remove(record)
    shared = f"; {result.kept_shared} file(s) kept, another model uses them" if result.kept_shared else ""
    typer.echo(f"removed {record.id}, freed {human(result.freed)}{shared}")
