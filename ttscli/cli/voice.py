"""`ttscli voice`: list voices, save a blend under a name, remove a saved voice."""

from __future__ import annotations

import json
from typing import Optional

import typer

from ..optional import install_command
from . import options as opt
from .app import app

voice_app = typer.Typer(
    help="List voices (language, gender), save blends such as 'af_sarah:60,am_adam:40', remove saved voices.",
    no_args_is_help=True,
)
app.add_typer(voice_app, name="voice")


def _none_installed() -> str:
    """The note when no model with style voices is installed, from the families' declarations."""
    from ..backends import registry

    styled = [spec for spec in registry.families().values() if spec.voices]
    if not styled:
        return "no installed model family has style voices"
    names = [spec.name for spec in styled]
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
    line = f"no {listed} model installed; try "
    offline = next((spec for spec in styled if spec.model_extras), None)
    if offline is None:
        return line + f"ttscli pull {styled[0].name}"
    return line + f"{install_command(*offline.model_extras)} or ttscli pull {offline.name}"


def _details(row: dict) -> str:
    if row.get("available", True):
        return row["details"]
    return f"unavailable until `{row['pull']}`: {row['details']}"


@voice_app.command("list")
def list_voices(
    model: Optional[str] = typer.Option(None, "--model", "-m", help="Only this model's voices (default: every "
                                        "installed model with style voices)."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON list instead of a table."),
    debug: bool = opt.Debug,
) -> None:
    """List style voices with language and gender, built-in presets and saved voices."""
    from ..voices.library import voice_rows

    rows = voice_rows(model)
    if as_json:
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    if not rows:
        from .render import note_line

        note_line(_none_installed())
        return
    header = ("NAME", "KIND", "FAMILY", "LANGUAGE", "GENDER", "MODEL / BLEND")
    table = [header] + [(r["name"], r["kind"], r["family"], r["language"] or "-", r["gender"] or "-",
                         r["model"] if r["kind"] == "stock" else _details(r)) for r in rows]
    widths = [max(len(str(row[i])) for row in table) for i in range(len(header) - 1)]
    for row in table:
        typer.echo("  ".join(str(c).ljust(w) for c, w in zip(row, widths)) + "  " + str(row[-1]))


@voice_app.command("save")
def save(
    name: str = typer.Argument(..., help="Name for the new voice (letters, digits, '.', '_', '-')."),
    voice: str = typer.Option(..., "--voice", "-v", help="Blend to save, e.g. 'af_sarah:60,am_adam:40'."),
    model: Optional[str] = typer.Option(None, "--model", "-m", help="Model whose voices are blended "
                                        "(default: the installed model that has them all)."),
    force: bool = typer.Option(False, "--force", help="Replace an existing voice of that name."),
    debug: bool = opt.Debug,
) -> None:
    """Save a voice blend under NAME, usable later as --voice NAME."""
    from ..voices.library import save_blend
    from .render import note_line

    saved = save_blend(name, voice, model, force=force)
    note_line(f"saved voice {name} ({saved.family}: {saved.recipe}) in {saved.path.parent}")


@voice_app.command("rm")
def remove(
    name: str = typer.Argument(..., help="Saved voice to remove."),
    debug: bool = opt.Debug,
) -> None:
    """Remove a saved voice."""
    from ..voices import cache
    from .render import note_line

    cache.remove(name)
    note_line(f"removed voice {name}")
