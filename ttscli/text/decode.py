"""Bytes from a file or stdin → text, with BOM detection and one-line errors."""

from __future__ import annotations

import codecs
from pathlib import Path

from ..errors import BadInput, UsageError

MAX_TEXT_BYTES = 64 * 1024 * 1024  # ~15 long novels; more is a wrong file (or /dev/zero)

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def check_encoding(encoding: str) -> str:
    """``encoding`` if Python knows it, else a usage error (exit 2)."""
    try:
        codecs.lookup(encoding)
    except LookupError as exc:
        raise UsageError(f"unknown --encoding {encoding!r}", hint="use a name such as utf-8, latin-1, cp1252") from exc
    return encoding


def _read_capped(stream, source: str) -> bytes:
    data = stream.read(MAX_TEXT_BYTES + 1)
    if len(data) > MAX_TEXT_BYTES:
        raise BadInput(f"{source} holds more than {MAX_TEXT_BYTES // (1024 * 1024)} MB of text",
                       hint="split it into parts (or check that it is the right file)")
    return data


def decode_text(data: bytes, source: str, encoding: str | None = None) -> str:
    if encoding is None:
        encoding = next((enc for bom, enc in _BOMS if data.startswith(bom)), "utf-8")
    try:
        text = data.decode(encoding)
    except LookupError as exc:
        raise BadInput(f"unknown encoding {encoding!r}", hint="use a name such as utf-8, latin-1, cp1252") from exc
    except UnicodeDecodeError as exc:
        raise BadInput(
            f"{source} is not valid {encoding} (byte 0x{data[exc.start]:02x} at offset {exc.start})",
            hint="pass --encoding (e.g. --encoding latin-1) or convert it with iconv",
        ) from exc
    if "\x00" in text:
        raise BadInput(f"{source} contains NUL bytes (a binary file?)", hint="give a plain-text file")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_text_file(path: str, encoding: str | None = None, stdin=None) -> str:
    if path == "-":
        import sys

        stream = stdin if stdin is not None else sys.stdin.buffer
        return decode_text(_read_capped(stream, "stdin"), "stdin", encoding)
    p = Path(path)
    if p.is_dir():
        raise BadInput(f"{path} is a directory", hint="give a text file")
    try:
        with open(p, "rb") as fh:
            data = _read_capped(fh, path)
    except FileNotFoundError as exc:
        raise BadInput(f"text file {path} does not exist", hint=_missing_hint(p)) from exc
    except OSError as exc:
        raise BadInput(f"cannot read {path}: {exc.strerror or exc}",
                       hint="check that it is a file you may read") from exc
    return decode_text(data, path, encoding)


def _missing_hint(path: Path) -> str:
    """A close file name in the same directory, else how to give text another way."""
    from ..suggest import close_matches, hint

    otherwise = "check the path; give the text as an argument, or '-f -' to read stdin"
    try:
        names = [entry.name for _, entry in zip(range(2000), path.parent.iterdir())]
    except OSError:
        return otherwise
    close = close_matches(path.name, names, cutoff=0.8)
    return hint(str(path.with_name(name)) for name in close) or otherwise
