"""The model catalog: the models that `ttscli pull` knows by name.

The facts live in ``models.toml`` next to this module (data, not code). This
module turns it into :class:`Entry` objects, one per pullable id:

* ``BASE:TAG`` for every variant of ``[models.BASE]`` (``kokoro:int8``), and
  ``BASE`` alone for the default variant (``kokoro`` = ``kokoro:int8``);
* what families add at run time (``FamilySpec.catalog``), e.g. every voice of a
  remote voice index once a pull has fetched it (``FamilySpec.index``).

Loading is cheap (one TOML parse, cached) and imports nothing heavy, so
``ttscli list --available`` stays fast.
"""

from __future__ import annotations

import fnmatch
import functools
import sys
from dataclasses import dataclass, field, replace
from importlib import resources
from typing import Any, Iterable

from ..errors import NotFound

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

GLOB_CHARS = frozenset("*?[")


@dataclass(frozen=True)
class FileSpec:
    """Where one role's file(s) live: ``pattern`` is a path or fnmatch glob in ``repo``."""

    role: str
    repo: str
    revision: str
    pattern: str

    @property
    def is_glob(self) -> bool:
        return any(ch in GLOB_CHARS for ch in self.pattern)

    def matches(self, path: str) -> bool:
        return fnmatch.fnmatchcase(path, self.pattern) if self.is_glob else path == self.pattern

    def prefix(self) -> str:
        """The directory part before the first glob character ('' = repo root)."""
        parts = self.pattern.split("/")
        fixed = []
        for part in parts[:-1]:
            if any(ch in GLOB_CHARS for ch in part):
                break
            fixed.append(part)
        return "/".join(fixed)


@dataclass(frozen=True)
class Family:
    name: str
    runtime: str
    description: str = ""
    code_license: str = ""
    roles: tuple[str, ...] = ()
    detect_files: dict[str, str] = field(default_factory=dict)
    kind_roles: dict[str, tuple[str, ...]] = field(default_factory=dict)
    companions: dict[str, str] = field(default_factory=dict)  # role -> suffix of a file that must sit beside it
    tag_is_voice: bool = False  # a model's tag names its one voice (FamilySpec.tag_is_voice)

    def required_roles(self, kind: str = "") -> tuple[str, ...]:
        """The file roles a backend of this family reads (more for some ``kind``: FamilySpec.kind_roles)."""
        return self.roles + tuple(self.kind_roles.get(kind, ()))


@dataclass(frozen=True)
class Entry:
    """One pullable model id with everything the store and `list` need."""

    id: str  # canonical id, e.g. "kokoro:int8"
    base: str  # "kokoro"
    tag: str | None  # "int8"
    family: str
    runtime: str
    repo: str
    revision: str
    files: dict[str, FileSpec]
    description: str = ""
    revision_note: str = ""
    optional: frozenset[str] = frozenset()
    size_bytes: int | None = None
    size_note: str = ""
    languages: tuple[str, ...] = ()
    sample_rate: int | None = None
    license: dict[str, str] = field(default_factory=dict)
    voices: tuple[str, ...] = ()
    can_clone: bool = False
    gated: bool = False
    is_default: bool = False
    kind: str = ""  # a sub-kind of its family's models: picks more roles (FamilySpec.kind_roles)
    checksums: dict[str, dict[str, Any]] = field(default_factory=dict)  # path -> {md5, size}
    source: str = "catalog"  # "catalog", "<family>-index" (FamilySpec.index), "hf"

    @property
    def aliases(self) -> tuple[str, ...]:
        return (self.base,) if self.is_default and self.base != self.id else ()

    def repos(self) -> list[tuple[str, str]]:
        """Distinct (repo, revision) pairs, the entry's own first."""
        seen: dict[tuple[str, str], None] = {(self.repo, self.revision): None}
        for spec in self.files.values():
            seen.setdefault((spec.repo, spec.revision), None)
        return list(seen)

    def to_json(self, installed: bool = False) -> dict[str, Any]:
        return {
            "id": self.id,
            "aliases": list(self.aliases),
            "family": self.family,
            "runtime": self.runtime,
            "installed": installed,
            "size_bytes": self.size_bytes,
            "size_note": self.size_note,
            "languages": list(self.languages),
            "license": dict(self.license),
            "voices": list(self.voices),
            "can_clone": self.can_clone,
            "gated": self.gated,
            "description": self.description,
            "repo": self.repo,
            "revision": self.revision,
            "revision_note": self.revision_note,
            "sample_rate": self.sample_rate,
            "kind": self.kind or None,
            "files": {role: {"repo": s.repo, "revision": s.revision, "path": s.pattern}
                      for role, s in self.files.items()},
            "optional": sorted(self.optional),
        }


@functools.lru_cache(maxsize=1)
def _raw() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("models.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


@functools.lru_cache(maxsize=1)
def families() -> dict[str, Family]:
    """The registered families with their file roles, as each declares them (FamilySpec)."""
    from ..backends import registry

    return {name: Family(name=name, runtime=spec.runtime, description=spec.description,
                         code_license=spec.code_license, roles=tuple(spec.roles),
                         detect_files=dict(spec.detect_files),
                         kind_roles={k: tuple(v) for k, v in spec.kind_roles.items()},
                         companions=dict(spec.companions), tag_is_voice=spec.tag_is_voice)
            for name, spec in registry.families().items()}


def _file_specs(files: dict[str, Any], repo: str, revision: str) -> dict[str, FileSpec]:
    specs = {}
    for role, value in files.items():
        if isinstance(value, str):
            specs[role] = FileSpec(role, repo, revision, value)
        else:
            specs[role] = FileSpec(role, value.get("repo", repo), value.get("revision", revision), value["path"])
    return specs


_SCALARS = ("family", "description", "repo", "revision", "revision_note", "size_bytes", "size_note",
            "sample_rate", "can_clone", "gated", "kind")


def _build(base: str, tag: str | None, model: dict[str, Any], variant: dict[str, Any], default: str | None) -> Entry:
    merged: dict[str, Any] = {k: model[k] for k in _SCALARS if k in model}
    merged.update({k: variant[k] for k in _SCALARS if k in variant})
    for key in ("languages", "voices", "license", "optional"):
        merged[key] = variant.get(key, model.get(key))
    family = families()[merged["family"]]
    repo, revision = merged["repo"], merged.get("revision", "main")
    files = _file_specs(model.get("files", {}), repo, revision)
    files.update(_file_specs(variant.get("files", {}), repo, revision))
    return Entry(
        id=f"{base}:{tag}" if tag else base,
        base=base,
        tag=tag,
        family=family.name,
        runtime=family.runtime,
        repo=repo,
        revision=revision,
        files=files,
        description=merged.get("description", ""),
        revision_note=merged.get("revision_note", ""),
        optional=frozenset(merged.get("optional") or ()),
        size_bytes=merged.get("size_bytes"),
        size_note=merged.get("size_note", ""),
        languages=tuple(merged.get("languages") or ()),
        sample_rate=merged.get("sample_rate"),
        license=dict(merged.get("license") or {}),
        # a single-speaker voice is named by its tag, as its backend names it
        voices=tuple(merged.get("voices") or ((tag,) if family.tag_is_voice and tag else ())),
        can_clone=bool(merged.get("can_clone", False)),
        gated=bool(merged.get("gated", False)),
        is_default=tag is not None and tag == default,
        kind=merged.get("kind", ""),
    )


@functools.lru_cache(maxsize=1)
def static_entries() -> tuple[Entry, ...]:
    """Entries spelled out in models.toml (voices a family's remote index lacks included)."""
    out = []
    known = families()
    for base, model in _raw()["models"].items():
        if model.get("family") not in known:
            continue  # a family that is not registered (removed, or a plugin not installed)
        variants = model.get("variants") or {}
        if not variants:
            out.append(_build(base, None, model, {}, None))
        for tag, variant in variants.items():
            out.append(_build(base, tag, model, variant, model.get("default")))
    return tuple(out)


def model_table(base: str) -> dict[str, Any]:
    return _raw()["models"][base]


def entries() -> list[Entry]:
    """Every pullable entry: the static catalog plus what families add at run time
    (``FamilySpec.catalog``, e.g. a cached remote voice index)."""
    from ..backends import registry

    indexed = [entry for hook in registry.hooks("catalog") for entry in hook()]
    have = {e.id for e in indexed}
    return [e for e in static_entries() if e.id not in have] + indexed


def split_id(model_id: str) -> tuple[str, str | None]:
    base, sep, tag = model_id.partition(":")
    return base, (tag if sep else None)


def lookup(model_id: str, variant: str | None = None, pool: Iterable[Entry] | None = None) -> Entry:
    """The entry for ``model_id`` (``base``, ``base:tag``, or ``base`` + ``variant``).

    Raises NotFound (exit 4) with did-you-mean suggestions.
    """
    pool = list(pool if pool is not None else entries())
    base, tag = split_id(model_id.strip())
    if variant:
        if tag and tag != variant:
            raise NotFound(f"{model_id!r} already names variant {tag!r}; --variant {variant!r} contradicts it",
                           hint=f"use {base}:{variant} or drop --variant")
        tag = variant
    by_id = {e.id: e for e in pool}
    if tag is not None and f"{base}:{tag}" in by_id:
        return by_id[f"{base}:{tag}"]
    if tag is None:
        if base in by_id:
            return by_id[base]
        for e in pool:
            if e.base == base and e.is_default:
                return e
        # a bare variant name that is unique across the catalog ("en_US-lessac-medium")
        by_tag = [e for e in pool if e.tag == base]
        if len(by_tag) == 1:
            return by_tag[0]
    raise NotFound(f"unknown model {model_id if not variant else f'{base}:{tag}'!r}", hint=suggest(model_id, pool))


def close_ids(model_id: str, pool: Iterable[Entry] | None = None) -> list[str]:
    """Catalog ids (and aliases) close to a misspelt ``model_id``."""
    from ..suggest import close_matches

    pool = list(pool if pool is not None else entries())
    names = sorted({e.id for e in pool} | {a for e in pool for a in e.aliases})
    base, tag = split_id(model_id)
    close = close_matches(model_id, names)
    if not close and tag is not None:
        variants = [e.id for e in pool if e.base == base]
        if variants:
            close = close_matches(f"{base}:{tag}", variants, cutoff=0.3) or variants[:3]
    return close or [n for n in names if model_id.lower() in n.lower()][:3]


def suggest(model_id: str, pool: Iterable[Entry] | None = None) -> str:
    from ..suggest import hint

    return hint(close_ids(model_id, pool)) or \
        "see `ttscli list --available` for the catalog, or pull any hub repo with hf:owner/repo"


def detect_roles(family_name: str, paths: Iterable[str]) -> dict[str, list[str]]:
    """Role -> matching paths for a repo or directory of a known family (first match wins
    per role when several exist; callers take ``[0]``)."""
    fam = families().get(family_name)
    if fam is None:
        return {}
    paths = sorted(paths)
    found: dict[str, list[str]] = {}
    for role, pattern in fam.detect_files.items():
        hits = [p for p in paths if fnmatch.fnmatchcase(p, pattern)
                or fnmatch.fnmatchcase(p.rsplit("/", 1)[-1], pattern)]
        companion = fam.companions.get(role)  # e.g. a model file that needs its config beside it
        if companion:
            hits = [p for p in hits if p + companion in paths]
        if hits:
            found[role] = hits
    return found


def with_overrides(entry: Entry, **changes: Any) -> Entry:
    return replace(entry, **changes)
