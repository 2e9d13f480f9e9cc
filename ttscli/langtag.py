"""Language tags: the one check every language code passes before it is used.

A language code reaches espeak-ng as a voice *file name*, so a value such as
``../../../../dev/zero`` would make it open that path. Every place a code enters
(`--lang`, the server's ``lang``, cast files, SSML ``xml:lang``) checks it here first:
the BCP-47 shape (RFC 5646), subtags of 1-8 letters or digits joined by ``-`` (``_``
is taken as ``-``), the first made of letters, at most 35 characters. The check is about
shape only; whether a language is known is for the phonemizer to say.
"""

from __future__ import annotations

import re

from .errors import BadInput, UsageError

MAX_LENGTH = 35  # RFC 5646 section 4.4.1: implementations should take tags of at least 35 characters
_TAG = re.compile(r"[A-Za-z]{1,8}(?:[-_][A-Za-z0-9]{1,8})*")
EXAMPLE = "a language tag such as en-us, en-gb, de or pt-br"


def problem(value: object) -> str | None:
    """Why ``value`` is not a language tag (None when it is one)."""
    if not isinstance(value, str):
        return f"must be a string ({EXAMPLE})"
    if len(value) > MAX_LENGTH:
        return f"is {len(value)} characters long; a language tag has at most {MAX_LENGTH}"
    if not _TAG.fullmatch(value):
        return f"is not {EXAMPLE}"
    return None


def check(value: str | None, where: str = "--lang", error: type = UsageError) -> str | None:
    """``value`` unchanged when it is a language tag (or None); else ``error`` (one line).

    ``error``: UsageError for an option (exit 2), BadInput for a file's content (exit 3).
    """
    if value is None:
        return None
    why = problem(value)
    if why is None:
        return value
    shown = value if isinstance(value, str) and len(value) <= 60 else f"{str(value)[:57]}..."
    raise error(f"{where} {shown!r} {why}", hint="see `ttscli show MODEL` for a model's languages")


def check_content(value: str | None, where: str) -> str | None:
    """:func:`check` for a language code read from a file (cast file, SSML): exit 3."""
    return check(value, where, BadInput)
