"""Which model, voice and language a request speaks with: answered once, as a :class:`Selection`.

``select(model, voice, lang)`` applies every rule that turns what a user typed into a loadable
choice, without loading a runtime:

- a stored voice (clone or blend, ``ttscli.voices.cache``) names its own model, used when no
  ``--model`` is given (even over ``TTSCLI_MODEL``); with a model of another family it is refused;
- without ``--model`` (and ``TTSCLI_MODEL``), a stock voice, blend or preset picks the installed
  model that has it (``ttscli.voices.locate``);
- the language is the one asked for, else the voice's, else the model's.

Dry runs, ``engine.load``, the servers, batch and the Python API all start here, so the rules
exist once.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .backends.registry import FamilySpec
    from .models.ref import ModelRef
    from .text.segments import TextProfile


@dataclass(frozen=True)
class Selection:
    """A resolved choice: ``ref`` (the model on disk), ``spec`` (its family's declaration),
    ``voice`` (the name asked for; None: the model's default), ``stored`` (the metadata of a
    stored voice, when ``voice`` names one), ``lang`` (asked for), ``profile`` (language and
    segment budget of the front end) and ``language`` (the one to read the text in)."""

    ref: ModelRef
    spec: FamilySpec
    voice: str | None
    stored: dict[str, Any] | None
    lang: str | None = None  # the language asked for (None: the voice's or the model's)

    @cached_property
    def profile(self) -> TextProfile:
        """Language and segment budget from the family's declaration (read on first use: loading
        a model does not need it, a dry run does)."""
        return _profile(self.ref, self.spec, self.voice)

    @property
    def language(self) -> str | None:
        return self.lang or self.profile.language

    @property
    def model_id(self) -> str:
        return self.ref.id

    @property
    def family(self) -> str:
        return self.spec.name

    @property
    def sample_rate(self) -> int | None:
        """The model's rate when its catalog entry says it (the loaded backend's rate is the truth)."""
        rate = self.ref.info.get("sample_rate")
        return int(rate) if isinstance(rate, int) and not isinstance(rate, bool) else None

    @property
    def model_languages(self) -> list[str]:
        return [str(code) for code in self.ref.info.get("languages") or []]


def select(model: str | None = None, voice: str | None = None, lang: str | None = None) -> Selection:
    """The :class:`Selection` for a model id (None: the default), a voice name and a language.

    Raises ``NotFound`` for an unknown model or a voice no installed model has, ``BadInput`` for a
    stored voice of another family.
    """
    from .backends import registry
    from .errors import BadInput, NotFound
    from .models import resolve as model_resolve
    from .voices import locate

    found = locate.find(voice, pick_model=not model and not model_resolve.default_model_id_from_env())
    if found.stored is not None and not model:
        model = str(found.stored["model_id"])
    elif not model:
        model = found.model_id
    stored = found.stored
    try:
        ref = model_resolve.resolve(model)
    except NotFound:
        if stored is not None:  # a damaged voice file is the problem to report, not the model it names
            from .voices import cache as voice_cache

            voice_cache.load(str(voice))
        raise
    spec = registry.get(ref.family)
    if stored is not None and stored.get("family") != spec.name:
        raise BadInput(
            f"voice {voice!r} was made for {stored.get('family')} models, not {ref.id} ({spec.name})",
            hint=f"use --model {stored.get('model_id')} or omit --model",
        )
    return Selection(ref, spec, voice, stored, lang)


def _profile(ref: ModelRef, spec: FamilySpec, voice: str | None) -> TextProfile:
    """The family's language and budget from its declaration; for a family that declares none,
    the catalog's first language and a per-sentence budget."""
    from .text.segments import Budget, TextProfile

    if spec.profile:
        return spec.text_profile(ref, voice)
    languages = ref.info.get("languages") or [None]
    return TextProfile(languages[0].lower() if languages[0] else None, Budget())
