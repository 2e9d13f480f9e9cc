"""Regular expressions compiled at their first use.

The English rules hold some two hundred patterns, most behind a quick check (a currency sign,
a colon, a month's name) that ordinary prose never passes; compiling them all when the rules
load cost 8–12 ms of every `say` whose text has a digit. A :func:`lazy` pattern compiles on the
first call of one of its methods, then those methods are the compiled pattern's own.
"""

from __future__ import annotations

import re

_METHODS = ("sub", "subn", "search", "match", "fullmatch", "finditer", "findall", "split")


class LazyPattern:
    """Stands for ``re.compile(pattern, flags)``; ``pattern`` and ``flags`` are as given."""

    def __init__(self, pattern: str, flags: int = 0):
        self.pattern = pattern
        self.flags = flags

    def __getattr__(self, name: str):  # only for what is not set yet: the first use
        compiled = re.compile(self.pattern, self.flags)
        for method in _METHODS:
            setattr(self, method, getattr(compiled, method))
        self.compiled = compiled
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"lazy({self.pattern!r})"


def lazy(pattern: str, flags: int = 0) -> re.Pattern:
    return LazyPattern(pattern, flags)  # type: ignore[return-value] - used as a re.Pattern
