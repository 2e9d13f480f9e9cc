"""Values for shell completion: model ids, voices, formats, devices.

Read from data already on disk (the catalog TOML, store records, the voice
cache's file names, the presets), never from a runtime, so a TAB answers in
about the time `ttscli --help` takes. Any failure completes nothing.
"""

from __future__ import annotations

DEVICES = ("auto", "cpu", "cuda", "cuda:0", "mps")
SHELLS = ("bash", "zsh", "fish")


def _matching(values, incomplete: str) -> list[str]:
    return sorted({v for v in values if v and v.startswith(incomplete)})


def _safe(fn):
    def wrapper(incomplete: str = "") -> list[str]:
        try:
            return fn(incomplete or "")
        except Exception:  # noqa: BLE001 - a completion must never print a traceback into the shell
            return []
    wrapper.__name__ = fn.__name__
    wrapper.__doc__ = fn.__doc__
    return wrapper


@_safe
def models(incomplete: str) -> list[str]:
    """Installed ids and aliases, then every id `pull` knows."""
    from ..catalog import entries
    from ..models.rows import installed_refs

    ids: set[str] = set()
    for ref in installed_refs():
        ids.add(ref.id)
        ids.update(ref.info.get("aliases", []))
    for entry in entries():
        ids.update((entry.id, entry.id.split(":", 1)[0]))  # `kokoro` is kokoro's default variant
    return _matching(ids, incomplete)


@_safe
def voices(incomplete: str) -> list[str]:
    """Saved and cloned voices, presets, and the speakers of installed models."""
    from .. import paths
    from ..voices import presets
    from ..voices.cache import SUFFIX
    from ..models.rows import installed_refs, ref_row

    names: set[str] = {p.name for p in presets.presets()}
    directory = paths.voices_dir()
    if directory.is_dir():
        names.update(p.name[: -len(SUFFIX)] for p in directory.glob("*" + SUFFIX))
    for ref in installed_refs():
        names.update(ref_row(ref)["voices"])
    return _matching(names, incomplete)


def _choices(values: tuple[str, ...]):
    def complete(incomplete: str = "") -> list[str]:
        return _matching(values, incomplete or "")
    return complete


@_safe
def say_formats(incomplete: str) -> list[str]:
    """What `say -o`/`--format` writes (the format table, plugins included)."""
    from ..audio.formats import SAY, names

    return _matching(names(SAY), incomplete)


@_safe
def formats(incomplete: str) -> list[str]:
    """What `convert --format` writes."""
    from ..audio.formats import CONVERT, names

    return _matching(names(CONVERT, builtin=True), incomplete)


devices = _choices(DEVICES)
shells = _choices(SHELLS)
