"""User pronunciations: a TOML file of word → respelling or [[IPA]].

    # ~/.config/ttscli/lexicon.toml (or --lexicon FILE)
    ttscli = "tee tee ess see ell eye"
    Nguyen = "[[ŋwˈɪn]]"
    "Dr. Who" = "Doctor Who"

Keys match whole words. A key in lower case matches any capitalisation; a key
with capitals matches exactly that spelling (so "US" does not touch "us").
The lexicon is applied before normalization, so it can override any rule;
[[IPA]] values go straight to the phonemizer.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import BadInput
from .segments import PHONEME_BLOCK, is_phonemes


FILE_NAME = "lexicon.toml"


@dataclass
class Lexicon:
    entries: dict[str, str] = field(default_factory=dict)
    _pattern: re.Pattern | None = field(default=None, init=False, repr=False)
    _folded: dict[str, str] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self._compile()

    def __bool__(self) -> bool:
        return bool(self.entries)

    def _compile(self) -> None:
        self._folded = {k.lower(): v for k, v in self.entries.items() if k == k.lower()}
        if not self.entries:
            self._pattern = None
            return
        keys = "|".join(re.escape(k) for k in sorted(self.entries, key=len, reverse=True))
        # A [[phoneme block]] is matched first so that nothing inside it is replaced.
        self._pattern = re.compile(rf"{PHONEME_BLOCK.pattern}|(?<!\w)(?:{keys})(?!\w)", re.I | re.S)

    def merged(self, other: "Lexicon") -> "Lexicon":
        """Entries of both; ``other`` wins on the same key."""
        return Lexicon({**self.entries, **other.entries})

    def _replace(self, m: re.Match) -> str:
        found = m.group()
        if is_phonemes(found):
            return found
        if found in self.entries:
            return self.entries[found]
        return self._folded.get(found.lower(), found)

    def apply(self, text: str) -> str:
        if self._pattern is None:
            return text
        return self._pattern.sub(self._replace, text)


def load_file(path: Path) -> Lexicon:
    from ..bounded import read_bounded

    if sys.version_info >= (3, 11):  # imported here: most runs have no lexicon file (tomllib costs 3-5 ms)
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib

    raw = read_bounded(path, "lexicon", what=f"lexicon file {path}")
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise BadInput(f"cannot read lexicon {path}: it is not UTF-8 text ({exc.reason} at byte {exc.start})",
                       hint="save it as UTF-8") from exc
    except tomllib.TOMLDecodeError as exc:
        raise BadInput(f"lexicon {path} is not valid TOML: {exc}",
                       hint='write one entry per line: word = "respelling" or word = "[[IPA]]"') from exc
    entries: dict[str, str] = {}
    for key, value in data.items():
        if not isinstance(value, str):
            raise BadInput(f"lexicon {path}: the entry {key!r} is not a string",
                           hint='write word = "respelling" or word = "[[IPA]]" (no tables or numbers)')
        if not key.strip():
            raise BadInput(f"lexicon {path}: an entry has an empty word")
        entries[key.strip()] = value
    return Lexicon(entries)


def load(explicit: str | None = None) -> Lexicon | None:
    """The config directory's lexicon.toml (if any), overridden by ``explicit``."""
    from .. import paths

    result: Lexicon | None = None
    default = paths.config_dir() / FILE_NAME
    if default.is_file():
        result = load_file(default)
    if explicit:
        chosen = load_file(Path(explicit).expanduser())
        result = result.merged(chosen) if result else chosen
    return result if result else None
