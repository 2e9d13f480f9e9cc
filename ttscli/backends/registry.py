"""One registry of model families.

Built-in families are listed here by import path, so nothing heavy is imported
until a family is used. Third parties add families through the entry-point
group ``ttscli.backends``; each entry point names a :class:`FamilySpec` (or a
list of them), for example in a plugin's pyproject.toml::

    [project.entry-points."ttscli.backends"]
    myfamily = "my_plugin.ttscli:FAMILY"
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from ..errors import NotFound, RuntimeFailure

if TYPE_CHECKING:
    from ..models.ref import ModelRef
    from .base import Backend

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "ttscli.backends"
RUNTIMES = ("onnxruntime", "sherpa-onnx", "llama.cpp", "torch")


@dataclass(frozen=True)
class FamilySpec:
    name: str
    runtime: str  # one of RUNTIMES (the default runtime for this family)
    loader: str  # "module:function" -> function(ModelRef, **kw) -> Backend
    detect: str | None = None  # "module:function" -> function(list[str]) -> bool
    description: str = ""
    code_license: str = ""
    can_clone: bool = False
    # "module:function" -> function(ModelRef, voice) -> TextProfile, read without a runtime (dry runs)
    profile: str | None = None
    # Other runtimes that can run this family: ((runtime, "module:function"), ...).
    alternatives: tuple[tuple[str, str], ...] = ()

    def runtimes(self) -> tuple[str, ...]:
        """The runtimes this family can run on, its default first."""
        return (self.runtime, *(rt for rt, _ in self.alternatives if rt != self.runtime))

    def load(self, model: "ModelRef", runtime: str | None = None, **kwargs) -> "Backend":
        loader = self.loader if runtime in (None, self.runtime) else dict(self.alternatives)[runtime]
        return _resolve(loader)(model, **kwargs)

    def text_profile(self, model: "ModelRef", voice: str | None = None):
        return _resolve(self.profile)(model, voice)

    def matches(self, files: list[str]) -> bool:
        return bool(self.detect) and bool(_resolve(self.detect)(files))


def _resolve(target: str) -> Callable:
    module, _, attr = target.partition(":")
    try:
        return getattr(importlib.import_module(module), attr)
    except ImportError as exc:
        raise RuntimeFailure(
            f"cannot import {module} ({exc})",
            hint="install the extra this model family needs (see `ttscli doctor`)",
        ) from exc


BUILTIN: tuple[FamilySpec, ...] = (
    FamilySpec(
        name="piper",
        runtime="onnxruntime",
        loader="ttscli.backends.piper:load",
        detect="ttscli.backends.piper:detect",
        profile="ttscli.backends.piper:text_profile",
        description="Piper VITS voices (.onnx + .onnx.json), espeak-ng phonemes",
        code_license="MIT (ttscli implementation; Piper voices are run directly with onnxruntime)",
        alternatives=(("sherpa-onnx", "ttscli.backends.sherpa_piper:load"),),
    ),
    FamilySpec(
        name="sherpa",
        runtime="sherpa-onnx",
        loader="ttscli.backends.sherpa:load",
        detect="ttscli.backends.sherpa_layout:detect",
        profile="ttscli.backends.sherpa:text_profile",
        description="sherpa-onnx model packages: VITS (Piper, MeloTTS), Matcha, Kokoro, Kitten, "
                    "ZipVoice and Pocket TTS (zero-shot cloning)",
        code_license="Apache-2.0 (k2-fsa/sherpa-onnx); MIT (ttscli implementation)",
        can_clone=True,  # Pocket TTS and ZipVoice packages; the others have fixed speakers
    ),
    FamilySpec(
        name="neutts",
        runtime="llama.cpp",
        loader="ttscli.backends.neutts:load",
        detect="ttscli.backends.neutts:detect",
        profile="ttscli.backends.neutts:text_profile",
        description="NeuTTS Air/Nano (Neuphonic): GGUF speech LM + NeuCodec ONNX decoder, reference voices",
        code_license="MIT (ttscli implementation; upstream neutts code: NeuTTS Open License 1.0)",
    ),
    FamilySpec(
        name="orpheus",
        runtime="llama.cpp",
        loader="ttscli.backends.orpheus:load",
        detect="ttscli.backends.orpheus:detect",
        profile="ttscli.backends.orpheus:text_profile",
        description="Orpheus TTS (Canopy Labs): Llama-3.2 GGUF speech LM + SNAC 24 kHz ONNX decoder",
        code_license="MIT (ttscli implementation; upstream Orpheus-TTS code: Apache-2.0)",
    ),
    FamilySpec(
        name="kokoro",
        runtime="onnxruntime",
        loader="ttscli.backends.styletts:load_kokoro",
        detect="ttscli.backends.styletts_files:detect_kokoro",
        profile="ttscli.backends.styletts:text_profile",
        description="Kokoro-82M (StyleTTS2 + iSTFTNet) ONNX, 24 kHz, style voicepacks and blends",
        code_license="MIT (ttscli implementation); Kokoro reference code Apache-2.0, kokoro-onnx exports MIT",
    ),
    FamilySpec(
        name="kitten",
        runtime="onnxruntime",
        loader="ttscli.backends.styletts:load_kitten",
        detect="ttscli.backends.styletts_files:detect_kitten",
        profile="ttscli.backends.styletts:text_profile",
        description="KittenTTS nano/micro/mini (StyleTTS2-style) ONNX, 24 kHz, English",
        code_license="MIT (ttscli implementation); KittenTTS reference code Apache-2.0",
    ),
    FamilySpec(
        name="pocket-tts",
        runtime="torch",
        loader="ttscli.backends.pocket:load",
        detect="ttscli.backends.pocket_files:detect",
        profile="ttscli.backends.pocket:text_profile",
        description="Kyutai Pocket TTS (FlowLM + Mimi) on PyTorch via the pocket-tts package, 24 kHz, "
                    "predefined and cloned voice states",
        code_license="MIT (ttscli implementation; kyutai-labs/pocket-tts package: MIT)",
        can_clone=True,
    ),
)

_families: dict[str, FamilySpec] | None = None


def _load_entry_points() -> list[FamilySpec]:
    from importlib.metadata import entry_points

    found: list[FamilySpec] = []
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        try:
            obj = ep.load()
        except Exception as exc:  # noqa: BLE001 - a broken plugin must not break ttscli
            log.warning("plugin %s failed to load: %s", ep.name, exc)
            continue
        specs = obj() if callable(obj) and not isinstance(obj, FamilySpec) else obj
        for spec in specs if isinstance(specs, (list, tuple)) else [specs]:
            if isinstance(spec, FamilySpec):
                found.append(spec)
            else:
                log.warning("plugin %s did not provide a FamilySpec", ep.name)
    return found


def families() -> dict[str, FamilySpec]:
    global _families
    if _families is None:
        table = {spec.name: spec for spec in BUILTIN}
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


def detect_family(files: list[str]) -> FamilySpec | None:
    for spec in families().values():
        if spec.matches(files):
            return spec
    return None
