"""URLs and e-mail addresses, read the way people say them.

"https://example.com/a-b" → "example dot com slash a dash b". The scheme is
syntax and is not read; every name in the address is kept.
"""

from __future__ import annotations

import re

_TLDS = ("com|org|net|edu|gov|mil|int|io|ai|app|dev|co|uk|us|de|fr|es|it|nl|eu|ca|au|jp|cn|ru|br|in|ch|se|no|"
         "info|biz|me|tv|ly|gg|xyz|tech|online|site")
EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9][\w.+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_AT = re.compile(r"@(?<=[\w.+-]@)[A-Za-z0-9-]+\.")  # a quick look for an address before the full pattern
URL = re.compile(
    r"(?<![\w@])(?:(?:https?|ftp)://|www\.)[^\s<>\"']+"
    rf"|(?<![\w@.-])[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?:{_TLDS})(?![\w-])(?:/[^\s<>\"']*)?"
)
_TLD_HINT = re.compile(rf"\.(?:{_TLDS})(?![\w-])")
_SCHEME = re.compile(r"^(?:https?|ftp)://", re.I)
_TRAILING = ".,;:!?)]}'\""
_SYMBOLS = {
    ".": " dot ", "/": " slash ", "-": " dash ", "_": " underscore ", "@": " at ", "+": " plus ",
    ":": " colon ", "?": " question mark ", "=": " equals ", "&": " and ", "#": " hash ", "%": " percent ",
    "~": " tilde ",
}
_SYMBOL_RE = re.compile("[" + re.escape("".join(_SYMBOLS)) + "]")


def _spell_address(text: str) -> str:
    text = _SYMBOL_RE.sub(lambda m: _SYMBOLS[m.group()], text)
    text = re.sub(r"\bwww\b", "W W W", text, flags=re.I)
    return " ".join(text.split())


def _url(match: re.Match) -> str:
    raw = match.group()
    core = raw.rstrip(_TRAILING)
    tail = raw[len(core):]
    core = _SCHEME.sub("", core).rstrip("/")
    return _spell_address(core) + tail


def _email(match: re.Match) -> str:
    return _spell_address(match.group())


def expand(text: str) -> str:
    if "@" in text and _AT.search(text):
        text = EMAIL.sub(_email, text)
    if "://" in text or "www." in text or _TLD_HINT.search(text):
        text = URL.sub(_url, text)
    return text
