"""One registry of model families, each described by one :class:`FamilySpec`.

A family lives in one package (``ttscli/families/<name>/``) whose ``__init__`` declares its
spec with import paths only, so nothing heavy is imported until the family is used. The one
list of built-in families is :data:`ttscli.families.BUILTIN`. Third parties add families
through the entry-point group ``ttscli.backends``; each entry point names a FamilySpec (or a
list of them), for example in a plugin's pyproject.toml::

    [project.entry-points."ttscli.backends"]
    myfamily = "my_plugin.ttscli:FAMILY"
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Mapping

from ..errors import NotFound, RuntimeFailure, raise_interrupt_cause
from ..optional import importable, install_command
from ..runtime.names import DISTRIBUTIONS, RUNTIME_MODULES

if TYPE_CHECKING:
    from .encoders import EncoderSpec
    from ..models.ref import ModelRef
    from .base import Backend

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "ttscli.backends"


@dataclass(frozen=True)
class RuntimeOption:
    """One runtime a family runs on: how to load it there and what must be installed."""

    runtime: str  # one of ttscli.runtime.names.RUNTIMES (or a plugin's own)
    loader: str  # "module:function" -> function(ModelRef, **kw) -> Backend
    extra: str | None = None  # the pip extra of this checkout that installs it (None: always installed)
    probe: tuple[str, ...] = ()  # imports that must be findable (default: the runtime's own)
    install_hint: str | None = None  # a plugin's own install command (default: from `extra`)

    def imports(self) -> tuple[str, ...]:
        return self.probe or ((RUNTIME_MODULES[self.runtime][0],) if self.runtime in RUNTIME_MODULES else ())

    def missing(self) -> list[str]:
        """The packages (distribution names where known) whose import is not found."""
        return [DISTRIBUTIONS.get(m, m) for m in self.imports() if not importable(m)]

    def install(self) -> str:
        if self.install_hint:
            return self.install_hint
        return install_command(self.extra) if self.extra else install_command(packages=tuple(self.missing()))


@dataclass(frozen=True)
class FamilySpec:
    name: str
    runs_on: tuple[RuntimeOption, ...]  # in order of preference (--runtime auto takes the first installed)
    detect: str | None = None  # "module:function" -> function(list[str]) -> bool
    description: str = ""
    code_license: str = ""
    files: str = ""  # what its files look like, for "cannot tell which family" hints
    # The files of a pulled or imported model, by role: the roles its backend reads; how each role
    # is recognised in a repository or directory (fnmatch on the path or the file name); a file
    # that must sit beside a role's file (role -> suffix); more roles per catalog `kind`.
    roles: tuple[str, ...] = ()
    detect_files: Mapping[str, str] = field(default_factory=dict, hash=False)
    companions: Mapping[str, str] = field(default_factory=dict, hash=False)
    kind_roles: Mapping[str, tuple[str, ...]] = field(default_factory=dict, hash=False)
    default_model: str | None = None  # the id ttscli speaks with when none is chosen (first family naming one)
    model_extras: tuple[str, ...] = ()  # extras of this checkout that install a model of it (no download)
    extra_voices: tuple[str, ...] = ()  # the stock voices of the model that model_extras install
    # "module:function" -> function(ModelRef, voice) -> TextProfile, read without a runtime (dry runs)
    profile: str | None = None
    clone: "EncoderSpec | None" = None  # how to clone a voice into this family (None: it cannot)
    # "module:function" -> function() -> list[str]: fixes `ttscli doctor` lists for this family
    doctor: str | None = None
    named_voices: bool = False  # `--voice NAME` alone picks an installed model of this family with NAME
    # "module:function" -> function() -> {id: ModelRef}: models shipped inside Python packages
    models: str | None = None
    # "module:function" -> function() -> list[catalog.Entry]: catalog entries made at run time
    catalog: str | None = None
    # "module:function" -> function(dir, {role: path}) -> dict: what an imported directory tells
    # about its model (sample_rate, languages, voices) for `list` and `show`
    facts: str | None = None
    tag_is_voice: bool = False  # a catalog model's tag is its one voice (piper:en_US-joe-medium speaks "en_US-joe-medium")
    # "module:attribute" -> a remote voice index whose catalog entries expand BASE (`pull BASE` fetches it):
    # .base, .noun ("… voice"), .file_entry() -> catalog.Entry of the index file,
    # .keep(raw bytes, repo, revision, commit) -> number of voices, .entries(), .note() -> str | None for `list --available`
    index: str | None = None
    # "module:attribute" -> the style voices of the family's models for `ttscli voice`:
    # .stock_rows(ModelRef) -> list[dict], .language(voice name) -> str | None,
    # .blend(ModelRef, name, voice) -> voices.cache.Voice (a saved blend, not yet written)
    voices: str | None = None
    # "module:function" -> function(show info dict) -> {label: value}: lines `ttscli show` adds or replaces
    show_lines: str | None = None
    # Word timings on its preferred runtime: "model" (the graph's own durations) or "aligned"
    # (Whisper on the audio, the [asr] extra); see ttscli.timing.
    timings: str = "aligned"
    # "module:Class" -> the frozen dataclass of the family's own synthesis options (Request.family)
    options: str | None = None

    @property
    def runtime(self) -> str:
        """The preferred runtime."""
        return self.runs_on[0].runtime

    def runtimes(self) -> tuple[str, ...]:
        """The runtimes this family can run on, in order of preference."""
        return tuple(option.runtime for option in self.runs_on)

    def option(self, runtime: str | None = None) -> RuntimeOption:
        if runtime is None:
            return self.runs_on[0]
        for option in self.runs_on:
            if option.runtime == runtime:
                return option
        raise NotFound(f"model family {self.name} cannot run on {runtime}",
                       hint=f"it runs on {', '.join(self.runtimes())}")

    def install_hint(self, runtime: str | None = None) -> str | None:
        """The command that makes ``runtime`` (default: the preferred one) usable, or None."""
        option = self.option(runtime)
        return option.install() if option.missing() else None

    def needs(self) -> str | None:
        """One line naming the install command when none of the family's runtimes is usable."""
        if any(not option.missing() for option in self.runs_on):
            return None
        option = self.runs_on[0]
        return f"{self.name} models need {', '.join(option.missing())}: {option.install()}"

    def check_installed(self, runtime: str | None = None) -> None:
        """RuntimeFailure (exit 5) naming the install command when ``runtime`` is not installed."""
        option = self.option(runtime)
        missing = option.missing()
        if missing:
            raise RuntimeFailure(f"{self.name} models on {option.runtime} need {', '.join(missing)}, "
                                 "which is not installed", hint=option.install())

    def load(self, model: "ModelRef", runtime: str | None = None, **kwargs) -> "Backend":
        self.check_installed(runtime)
        return resolve_target(self.option(runtime).loader)(model, **kwargs)

    def options_type(self) -> type | None:
        """The family's options dataclass (None: it takes none); imports only its module."""
        return resolve_target(self.options) if self.options else None

    def text_profile(self, model: "ModelRef", voice: str | None = None):
        return resolve_target(self.profile)(model, voice)

    def matches(self, files: list[str]) -> bool:
        return bool(self.detect) and bool(resolve_target(self.detect)(files))

    def imported_facts(self, root, roles: dict[str, str]) -> dict[str, Any]:
        return dict(resolve_target(self.facts)(root, roles)) if self.facts else {}

    def doctor_fixes(self) -> list[str]:
        return list(resolve_target(self.doctor)()) if self.doctor else []

    def hook(self, attribute: str) -> Any:
        """What the optional hook ``attribute`` ("index", "voices", "show_lines") names, or None."""
        target = getattr(self, attribute)
        return resolve_target(target) if target else None


def resolve_target(target: str) -> Callable[..., Any]:
    """The object a "module:function" string names (the one resolver of family hooks)."""
    module, _, attr = target.partition(":")
    try:
        return getattr(importlib.import_module(module), attr)
    except ImportError as exc:
        raise RuntimeFailure(f"cannot import {module} ({exc})",
                             hint="run `ttscli doctor` to see what this model family needs") from exc


_families: dict[str, FamilySpec] | None = None


def _builtin() -> list[FamilySpec]:
    from ..families import BUILTIN

    found = []
    for target in BUILTIN:
        try:
            found.append(resolve_target(target))
        except Exception as exc:  # noqa: BLE001 - a broken family must not break the others
            raise_interrupt_cause(exc)
            log.warning("model family %s failed to load: %s", target, exc)
    return found


def _load_entry_points() -> list[FamilySpec]:
    from ..plugins import declared

    found: list[FamilySpec] = []
    for name, obj in declared(ENTRY_POINT_GROUP):
        specs = obj() if callable(obj) and not isinstance(obj, FamilySpec) else obj
        for spec in specs if isinstance(specs, (list, tuple)) else [specs]:
            if isinstance(spec, FamilySpec):
                found.append(spec)
            else:
                log.warning("plugin %s did not provide a FamilySpec", name)
    return found


def families() -> dict[str, FamilySpec]:
    global _families
    if _families is None:
        table = {spec.name: spec for spec in _builtin()}
        for spec in _load_entry_points():
            if spec.name in table:
                log.warning("plugin family %r ignored: the name is taken by a built-in family", spec.name)
                continue
            table[spec.name] = spec
        _families = table
    return _families


def register(spec: FamilySpec) -> None:
    """Register a family at run time (tests, embedding applications)."""
    families()[spec.name] = spec


def get(name: str) -> FamilySpec:
    table = families()
    if name not in table:
        from ..suggest import did_you_mean

        hint = did_you_mean(name, table, otherwise=f"known families: {', '.join(sorted(table))}")
        raise NotFound(f"unknown model family {name!r}", hint=hint)
    return table[name]


def cloneable() -> dict[str, "EncoderSpec"]:
    """{family: encoder} for every family that can clone voices."""
    return {name: spec.clone for name, spec in families().items() if spec.clone is not None}


def hooks(attribute: str) -> list[Callable[..., Any]]:
    """The callables every family names in ``attribute`` ("models", "catalog"), in table order."""
    return [resolve_target(target) for spec in families().values() if (target := getattr(spec, attribute))]


def layouts() -> str:
    """One line saying which files each family is recognised by."""
    return "; ".join(f"{spec.name}: {spec.files}" if spec.files else spec.name for spec in families().values())


def detect_family(files: list[str]) -> FamilySpec | None:
    for spec in families().values():
        if spec.matches(files):
            return spec
    return None
