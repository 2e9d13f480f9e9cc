"""URLs, e-mail addresses, file names and paths, read the way people say them.

"https://www.example.com/a-b_2" → "HTTPS colon slash slash WWW dot example dot
com slash a dash b underscore two": every symbol is named, digits are read one
by one, two-letter country domains and known file types are spelled in
capitals ("dot UK", "dot PDF"), names are kept as written.
"""

from __future__ import annotations

import re

from ..lazy_re import lazy
from . import words

_TLDS = ("com|org|net|edu|gov|mil|int|io|ai|app|dev|co|uk|us|de|fr|es|it|nl|eu|ca|au|jp|cn|ru|br|in|ch|se|no|"
         "info|biz|me|tv|ly|gg|xyz|tech|online|site")
# File types: how the extension is said.
EXTENSIONS = {
    "html": "HTML", "htm": "HTM", "pdf": "PDF", "jpg": "JPEG", "jpeg": "JPEG", "png": "PNG", "gif": "GIF",
    "txt": "TXT", "csv": "CSV", "json": "JSON", "xml": "XML", "mp3": "MP three", "mp4": "MP four", "wav": "WAV",
    "zip": "zip", "py": "P Y", "js": "J S", "md": "M D", "exe": "EXE", "docx": "DOCX", "doc": "doc",
    "xlsx": "XLSX", "pptx": "PPTX", "svg": "SVG", "toml": "TOML", "yaml": "YAML", "yml": "YML", "log": "log",
    "tar": "tar", "gz": "G Z", "sh": "S H", "ini": "INI", "cfg": "CFG", "ssml": "SSML", "epub": "EPUB",
}
_EXT = "|".join(sorted(EXTENSIONS, key=len, reverse=True))
EMAIL = lazy(r"(?<![\w.+-])[A-Za-z0-9][\w.+&-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_AT = lazy(r"@(?<=[\w.+-]@)[A-Za-z0-9-]+\.")  # a quick look for an address before the full pattern
URL = lazy(
    r"(?<![\w@])(?:(?:https?|ftp|file)://|www\.)[^\s<>\"']+"
    rf"|(?<![\w@.-])[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*\.(?:{_TLDS})(?![\w-])(?:/[^\s<>\"']*)?"
)
# "report_2024.pdf", "index.html"; "/usr/local/bin", "~/notes.txt", "./run.sh"; "C:\Users\Bob".
FILE = lazy(rf"(?<![\w@./\\-])[\w-]+(?:\.[\w-]+)*\.(?:{_EXT})(?![\w-])")
PATH = lazy(r"(?<![\w/:.~])(?:~|\.{1,2})?/[\w.-]+(?:/[\w.-]+)+/?|(?<![\w/])~/[\w.-]+(?:/[\w.-]+)*")
WINDOWS = lazy(r"(?<![\w\\])[A-Z]:\\[\w.-]+(?:\\[\w.-]+)*")
_TLD_HINT = lazy(rf"\.(?:{_TLDS})(?![\w-])")
_FILE_HINT = lazy(rf"\.(?:{_EXT})(?![\w-])")
_SCHEME = lazy(r"^(https?|ftp|file)://", re.IGNORECASE)
_TRAILING = ".,;:!?)]}'\""
_SYMBOLS = {
    ".": " dot ", "/": " slash ", "-": " dash ", "_": " underscore ", "@": " at ", "+": " plus ",
    ":": " colon ", "?": " question mark ", "=": " equals ", "&": " and ", "#": " hash ", "%": " percent ",
    "~": " tilde ", "\\": " backslash ",
}
_EMAIL_SYMBOLS = _SYMBOLS | {"&": " ampersand "}
_DIGITS = lazy(r"\d+")
_WORD = lazy(r"[A-Za-z]+")


def _name(word: str, last: bool) -> str:
    low = word.lower()
    if low == "www":
        return "WWW"
    if last and low in EXTENSIONS:
        return EXTENSIONS[low]
    if last and len(word) == 2 and low not in ("co", "io", "ai", "me", "tv"):
        return word.upper()  # country domains: dot UK, dot DE
    return word


class Reading:
    """How one language names an address's symbols and digits (English by default)."""

    def __init__(self, symbols: dict[str, str] = _SYMBOLS, digits=words.digits, email_symbols=None):
        self.symbols, self.digits = symbols, digits
        self.email_symbols = email_symbols or symbols


ENGLISH = Reading(_SYMBOLS, words.digits, _EMAIL_SYMBOLS)


def spell(text: str, email: bool = False, reading: Reading = ENGLISH) -> str:
    """Symbols named, digits one by one; the last name after a dot may be a domain or a file type."""
    symbols = reading.email_symbols if email else reading.symbols
    parts = re.split(r"([./\\@:_+?=&#%~-])", text)
    last_dot = max((i for i, p in enumerate(parts) if p == "."), default=-1)
    out = []
    for i, part in enumerate(parts):
        if i % 2:
            out.append(symbols[part])
            continue
        last = i == last_dot + 1 and last_dot >= 0 and (i + 1 >= len(parts) or parts[i + 1] in ("/", "?", "#"))
        part = _WORD.sub(lambda m, last=last: _name(m.group(), last), part)
        out.append(_DIGITS.sub(lambda m: " " + reading.digits(m.group()) + " ", part))
    return " ".join("".join(out).split())


def _url(match: re.Match, reading: Reading) -> str:
    raw = match.group()
    core = raw.rstrip(_TRAILING)
    tail = raw[len(core):]
    scheme = _SCHEME.match(core)
    head = ""
    if scheme:
        name = scheme.group(1).lower()
        slash = reading.symbols["/"].strip()
        head = f"{'file' if name == 'file' else name.upper()} {reading.symbols[':'].strip()} {slash} {slash} "
        core = core[scheme.end():]
        if core.startswith("/"):
            head += slash + " "
            core = core[1:]
    return head + spell(core, reading=reading) + tail


def expand(text: str, reading: Reading = ENGLISH) -> str:
    if "@" in text and _AT.search(text):
        text = EMAIL.sub(lambda m: spell(m.group(), email=True, reading=reading), text)
    if "://" in text or "www." in text or _TLD_HINT.search(text):
        text = URL.sub(lambda m: _url(m, reading), text)
    if "/" in text:
        text = PATH.sub(lambda m: spell(m.group(), reading=reading), text)
    if "\\" in text:
        text = WINDOWS.sub(lambda m: spell(m.group(), reading=reading), text)
    if _FILE_HINT.search(text):
        text = FILE.sub(lambda m: spell(m.group(), reading=reading), text)
    return text
