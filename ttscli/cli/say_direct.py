"""`say` in this process without Typer, for the common options.

When no warm server took the call (say_fast.py), Typer would still be imported and the whole
command tree built before the first word: 20–30 ms of a one-shot `say`. The options that
say_fast.py understands (text as arguments, ``-f``, ``-o``, ``--format``, ``--raw``, ``-m``, ``-v``,
``--speed``, ``--volume``, ``--seed``, ``--lang``, the silences, ``--date-order``, and
``--no-server``, which say_fast.py leaves alone) in their plainest
spelling are handed here straight to :func:`ttscli.cli.say_core.speak`, the same function the
Typer command calls, inside the same error boundary (boundary.py). Anything else (another option,
a value Typer would convert or refuse, a global option given by the environment) returns None,
and the full CLI runs exactly as before.
"""

from __future__ import annotations

import os

from .say_fast import _FALSE, fields_for, parse

_TRUE = ("1", "true", "yes", "on", "y", "t")
# Global options read from the environment: the Typer root checks and normalizes them.
_ROOT_ENV = ("TTSCLI_DEVICE", "TTSCLI_THREADS", "TTSCLI_RUNTIME")


def _no_server() -> bool | None:
    """TTSCLI_NO_SERVER as Typer reads it (a bool), None for a spelling Typer would check itself."""
    value = os.environ.get("TTSCLI_NO_SERVER", "").strip().lower()
    return True if value in _TRUE else False if value in _FALSE else None


def options(args: list[str]) -> dict | None:
    """The keyword arguments of say_core.speak for ``say ARGS``, or None: the full CLI decides."""
    env = os.environ
    if any(env.get(name) for name in _ROOT_ENV) or env.get("TTSCLI_DEBUG", "") not in ("", "0") \
            or "_TTSCLI_COMPLETE" in env:
        return None
    found = parse(args)
    no_server = _no_server()
    if found is None or no_server is None or any(found.get(k) == "" for k in ("model", "voice", "lang", "output")):
        return None
    fields = fields_for(found)
    if fields is None:
        return None
    return {"text": found["words"] or None, "file": found.get("file"), "output": found.get("output"),
            "fmt": found.get("format"), "raw": "raw" in found, "model": fields["model"], "voice": fields["voice"],
            "speed": fields["speed"], "sentence_silence": fields["sentence_silence"],
            "paragraph_silence": fields["paragraph_silence"], "volume": fields["volume"], "lang": fields["lang"],
            "date_order": fields["date_order"], "seed": fields["seed"],
            "no_server": no_server or "no_server" in found}


def run(args: list[str]) -> int | None:
    """Exit code of ``say ARGS`` run here, or None: run the full CLI."""
    kwargs = options(args)
    if kwargs is None:
        return None
    from . import boundary
    from .say_core import speak

    return boundary.run(lambda: speak(**kwargs), ["say", *args])
