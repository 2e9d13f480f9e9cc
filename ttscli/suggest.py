""""Did you mean …?" hints and speaker lookup: the one place a misspelt name gets its suggestions.

- :func:`close_matches` — the names close to a misspelt one (difflib), best first.
- :func:`did_you_mean` — the hint ``"did you mean a, b?"``, or ``otherwise`` when nothing is close.
- :func:`voice_not_found` — the NotFound for a voice a model does not have.
- :func:`speaker_index` — a multi-speaker model's speaker id from a name or a number.
"""

from __future__ import annotations

from typing import Iterable, Mapping

from .errors import NotFound


def close_matches(word: str, choices: Iterable[str], *, n: int = 3, cutoff: float = 0.6) -> list[str]:
    from difflib import get_close_matches

    return get_close_matches(word, list(choices), n=n, cutoff=cutoff)


def hint(names: Iterable[str]) -> str | None:
    """``"did you mean a, b?"`` for ``names`` (duplicates dropped), or None if there are none."""
    names = list(dict.fromkeys(names))
    return f"did you mean {', '.join(names)}?" if names else None


def did_you_mean(word: str, choices: Iterable[str], *, otherwise: str | None = None,
                 n: int = 3, cutoff: float = 0.6) -> str | None:
    return hint(close_matches(word, choices, n=n, cutoff=cutoff)) or otherwise


def voice_not_found(name: str, model_id: str, choices: Iterable[str], *, otherwise: str | None = None,
                    cutoff: float = 0.6) -> NotFound:
    return NotFound(f"voice {name!r} not found in {model_id}",
                    hint=did_you_mean(name, choices, otherwise=otherwise, cutoff=cutoff))


def speaker_index(name: str | None, speakers: Mapping[str, int], count: int, model_id: str, *,
                  single_hint: str = "omit --voice") -> int | None:
    """The speaker id ``name`` stands for in a model with ``count`` speakers named by ``speakers``
    (a name, or a number below ``count``; none: speaker 0). A single-speaker model answers None
    and accepts only its own id or name as ``name``."""
    if count <= 1:
        if name and name not in (model_id, model_id.split(":", 1)[-1]):
            raise NotFound(f"voice {name!r} not found: {model_id} has a single speaker", hint=single_hint)
        return None
    if not name:
        return 0
    if name in speakers:
        return speakers[name]
    if name.isdigit() and int(name) < count:
        return int(name)
    raise voice_not_found(name, model_id, speakers, otherwise=f"speakers 0-{count - 1}")
