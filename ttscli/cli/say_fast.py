"""`say` through a warm server, before Typer, numpy or the engine load (standard library only).

``ttscli say TEXT -o FILE`` with the common options (text as arguments, ``-f FILE`` or a
regular file on stdin; ``-o`` with .wav .flac .ogg .opus .mp3 or ``--format``; ``-m``,
``-v``, ``--speed``, ``--volume``, ``--seed``, ``--lang``, ``--sentence-silence``,
``--paragraph-silence``, ``--date-order``) is sent to the user's server, which renders the
finished file with the same sink as in-process synthesis; the bytes are written atomically
here. Nothing is written unless the whole file arrived.

``--raw`` and WAV on stdout (``-o -``, or no ``-o`` with stdout not a terminal) take the same
options: the server renders what `say`'s stdout sink writes, with that sink, and its bytes are
copied to stdout as they arrive (first audio first); a seekable stdout gets the WAV sizes
patched in at the end, as in-process. If the server stops before any audio, the full CLI runs;
after audio went out, one line says so (exit 5), as the full CLI's served path does.

Anything else (another option, a value the full CLI would check or convert, no server, a
refused request) returns None and the full CLI runs exactly as without this path, stdin
untouched.
"""

from __future__ import annotations

import os
import re

_VALUED = {"-o": "output", "--output": "output", "-m": "model", "--model": "model", "-v": "voice",
           "--voice": "voice", "--speed": "speed", "--volume": "volume", "--seed": "seed", "--lang": "lang",
           "--sentence-silence": "sentence_silence", "--paragraph-silence": "paragraph_silence",
           "--date-order": "date_order", "--format": "format", "-f": "file", "--file": "file"}
_FLAGS = {"--raw": "raw", "--no-server": "no_server"}  # --no-server: say_direct.py, never here
_RANGES = {"speed": (0.25, 4.0), "volume": (0.0, 4.0), "sentence_silence": (0.0, 10.0),
           "paragraph_silence": (0.0, 10.0)}
_DECIMAL = re.compile(r"[0-9]{1,6}(\.[0-9]{0,12})?")
_EXTENSIONS = ("wav", "flac", "ogg", "opus", "mp3")
_FALSE = ("", "0", "false", "no", "off", "n", "f")


def parse(args: list[str]) -> dict | None:
    """The options of ``say`` this path handles, or None for anything else."""
    found: dict[str, str] = {}
    words: list[str] = []
    i = 0
    while i < len(args):
        token = args[i]
        if token == "--":
            words += args[i + 1:]
            break
        if token.startswith("-") and token != "-":
            name, eq, value = token.partition("=")
            if name in _FLAGS and not eq:
                found[_FLAGS[name]] = "1"
                i += 1
                continue
            key = _VALUED.get(name)
            if key is None or (eq and not name.startswith("--")):
                return None
            if not eq:
                if i + 1 >= len(args):
                    return None
                i += 1
                value = args[i]
            found[key] = value
        else:
            words.append(token)
        i += 1
    found["words"] = words  # type: ignore[assignment]
    return found


def _number(found: dict, key: str, default):
    text = found.get(key)
    if text is None:
        return default
    if not _DECIMAL.fullmatch(text):
        return None
    value = float(text)
    low, high = _RANGES[key]
    return value if low <= value <= high else None


def fields_for(found: dict) -> dict | None:
    """The request `say` would send for these options (None: the full CLI decides)."""
    from .. import langtag

    numbers = {key: _number(found, key, 1.0 if key in ("speed", "volume") else None) for key in _RANGES}
    numbers["sentence_silence"] = _number(found, "sentence_silence", 0.0)
    if any(numbers[k] is None for k in ("speed", "volume", "sentence_silence")):
        return None
    if "paragraph_silence" in found and numbers["paragraph_silence"] is None:
        return None
    seed = found.get("seed")
    if seed is not None and not (seed.isascii() and seed.isdigit() and len(seed) <= 10 and int(seed) < 2**32):
        return None
    order = found.get("date_order")
    if order is not None and order.lower() not in ("mdy", "dmy", "ymd"):
        return None
    lang = found.get("lang")
    if lang is not None and langtag.problem(lang):
        return None
    model = found.get("model") or os.environ.get("TTSCLI_MODEL") or None
    if model and (model.startswith((".", "~", "/")) or os.sep in model.removeprefix("hf:") or "\\" in model):
        return None  # a model directory: read here, in-process
    return {"model": model, "voice": found.get("voice"), "speed": numbers["speed"], "volume": numbers["volume"],
            "seed": int(seed) if seed is not None else None, "lang": lang,
            "sentence_silence": numbers["sentence_silence"], "paragraph_silence": numbers["paragraph_silence"],
            "date_order": order.lower() if order else None}


def _text(found: dict) -> tuple[str, int | None] | None:
    """(text, stdin position to restore on hand-over) or None."""
    import stat
    import sys

    from ..text.decode import read_text_file

    words, file = found["words"], found.get("file")
    if words and file:
        return None
    if file is not None:
        if file == "-":
            return None
        return read_text_file(file), None
    if words and words != ["-"]:
        return " ".join(words), None
    try:  # stdin: a regular file only (a pipe is read as it arrives, by the full CLI)
        if sys.stdin is None or not stat.S_ISREG(os.fstat(0).st_mode):
            return None
        where = os.lseek(0, 0, os.SEEK_CUR)
    except OSError:
        return None
    return read_text_file("-"), where


def _format(output: str, explicit: str | None) -> str | None:
    name = (explicit or "").lower().lstrip(".")
    if not name:
        suffix = os.path.splitext(os.path.basename(output))[1]
        name = suffix.lower().lstrip(".") or "wav"
    return name if name in _EXTENSIONS else None


def run(args: list[str]) -> int | None:
    """Exit code of a `say` served entirely here, or None: run the full CLI."""
    env = os.environ
    if (env.get("TTSCLI_NO_SERVER", "").strip().lower() not in _FALSE or env.get("TTSCLI_DEBUG", "") not in ("", "0")
            or "_TTSCLI_COMPLETE" in env):
        return None
    found = parse(args)
    if found is None or "no_server" in found:
        return None
    stdout = _stdout_kind(found)
    if stdout is not None:
        return _to_stdout(found, stdout)
    if found.get("output") in (None, "", "-"):
        return None
    output = os.path.expanduser(found["output"])
    fmt = _format(output, found.get("format"))
    fields = fields_for(found)
    if fmt is None or fields is None:
        return None
    got = _text_or_none(found)
    if got is None:
        return None
    text, stdin_at = got
    done = _serve(output, fmt, {"input": text, **fields}, found.get("file"))
    if not done:
        _restore_stdin(stdin_at)
    return 0 if done else None


def _text_or_none(found: dict) -> tuple[str, int | None] | None:
    from ..errors import TtsError

    try:
        got = _text(found)
    except TtsError:
        return None  # the full CLI reads it again and says what is wrong
    return got if got is not None and got[0].strip() else None


def _restore_stdin(where: int | None) -> None:
    if where is not None:
        os.lseek(0, where, os.SEEK_SET)


def _stdout_kind(found: dict) -> str | None:
    """"raw" or "wav" when `say` would write to stdout (as the full CLI decides), else None."""
    import sys

    output, fmt = found.get("output"), found.get("format")
    if sys.stdout is None:  # started with stdout closed: the full CLI says so
        return None
    if "raw" in found:
        return "raw" if output in (None, "-") and fmt is None else None
    if output == "-" or (output is None and not sys.stdout.isatty()):
        return "wav" if fmt in (None, "wav") else None
    return None


def _to_stdout(found: dict, kind: str) -> int | None:
    """`say --raw` / WAV on stdout through the server, copied as it comes; None: the full CLI."""
    import sys

    from .. import errors
    from ..audio import wavstream
    from ..server import STREAM_PREFIX, client
    from .render import error_line, note_line, quiet_stdout

    fields = fields_for(found)
    got = _text_or_none(found) if fields is not None else None
    if got is None:
        return None
    text, stdin_at = got
    try:
        served = client.stdout_frames({"input": text, **fields}, STREAM_PREFIX + kind)
    except errors.TtsError:
        served = None  # a key or address problem: the full CLI reports it in its words
    if served is None:
        client.skip = True  # tried: the full CLI synthesizes in-process at once
        _restore_stdin(stdin_at)
        return None
    rate, frames = served
    out, written = sys.stdout.buffer, 0
    try:
        for data in frames:
            if not written and kind == "raw":
                note_line(f"raw PCM: s16le, {rate} Hz, 1 channel")
            out.write(data)
            out.flush()
            written += len(data)
    except client.ServerGone as exc:
        if not written:
            client.skip = True
            _restore_stdin(stdin_at)
            return None
        error_line(errors.RuntimeFailure(str(exc), hint="rerun with --no-server").one_line())
        return errors.RUNTIME
    except OSError as exc:  # the reader went away (BrokenPipeError, EPIPE): quietly, as the full CLI
        import errno

        if not isinstance(exc, BrokenPipeError) and exc.errno != errno.EPIPE:
            raise
        quiet_stdout()
        return errors.PIPE_CLOSED
    if kind == "wav" and written >= wavstream.HEADER_SIZE:
        wavstream.finalize(out, rate, written - wavstream.HEADER_SIZE)
    return 0



def _serve(output: str, fmt: str, fields: dict, source: str | None) -> bool:
    from ..errors import TtsError
    from ..fsio import AtomicFile, output_target
    from ..server import client

    try:
        path, special = output_target(output, inputs=(source,) if source else ())
        if special:
            return False
        data = client.render_file(fields, fmt)
        if data is None:
            client.skip = True  # tried: the full CLI synthesizes in-process at once
            return False
        atomic = AtomicFile(path, user_output=True)
    except TtsError:
        return False  # a path, key or address problem: the full CLI reports it in its words
    try:
        with open(atomic.tmp, "wb") as fh:
            fh.write(data)
        atomic.commit()
    except (OSError, TtsError):
        atomic.discard()
        return False  # a full disk, a vanished directory: the full CLI says so, in its words
    except BaseException:
        atomic.discard()
        raise
    return True
