"""The bad-input corpus: each case is run through the real CLI in a subprocess.

A case is (id, argv, stdin, expected exit code, words the one-line error must
contain, setup). ``setup(tmp)`` may create files and returns a mapping that is
substituted into argv ({tmp} is always available). Every case must end with the
documented exit code, one line on stderr naming the problem, no traceback, no
partial output, and unchanged pre-existing files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable


@dataclass(frozen=True)
class Case:
    id: str
    argv: tuple[str, ...]
    code: int
    needles: tuple[str, ...] = ()
    stdin: bytes = b""
    setup: Callable[[Path], dict] | None = None
    env: dict = field(default_factory=dict)


def _write(name: str, data: bytes) -> Callable[[Path], dict]:
    def setup(tmp: Path) -> dict:
        (tmp / name).write_bytes(data)
        return {}

    return setup


SAY: list[Case] = [
    Case("empty-text", ("say", "", "-o", "{tmp}/out.wav"), 3, ("no text",)),
    Case("whitespace-text", ("say", "  \t\n ", "-o", "{tmp}/out.wav"), 3, ("no text",)),
    Case("empty-stdin", ("say", "-o", "{tmp}/out.wav"), 3, ("empty",)),
    Case("latin1-file", ("say", "-f", "{tmp}/latin1.txt", "-o", "{tmp}/out.wav"), 3, ("utf-8", "--encoding"),
         setup=_write("latin1.txt", "Café crème brûlée".encode("latin-1"))),
    Case("nul-bytes", ("say", "-f", "{tmp}/nul.txt", "-o", "{tmp}/out.wav"), 3, ("NUL",),
         setup=_write("nul.txt", b"Hello\x00world")),
    Case("missing-text-file", ("say", "-f", "{tmp}/nope.txt", "-o", "{tmp}/out.wav"), 3, ("does not exist",)),
    Case("text-file-is-dir", ("say", "-f", "{tmp}", "-o", "{tmp}/out.wav"), 3, ("directory",)),
    Case("negative-speed", ("say", "hi", "--speed", "-1", "-o", "{tmp}/out.wav"), 2, ("--speed",)),
    Case("huge-speed", ("say", "hi", "--speed", "1e9", "-o", "{tmp}/out.wav"), 2, ("--speed",)),
    Case("nan-speed", ("say", "hi", "--speed", "nan", "-o", "{tmp}/out.wav"), 2, ("--speed",)),
    Case("unknown-model", ("say", "hi", "--model", "nosuch:model", "-o", "{tmp}/out.wav"), 4, ("unknown model",)),
    Case("unknown-voice", ("say", "hi", "--voice", "nobody", "-o", "{tmp}/out.wav"), 4, ("nobody",)),
    Case("voice-path-escape", ("say", "hi", "--voice", "../../x", "-o", "{tmp}/out.wav"), 4, ("../../x",)),
    Case("voice-abs-path", ("say", "hi", "--voice", "/etc/passwd", "-o", "{tmp}/out.wav"), 4, ("/etc/passwd",)),
    Case("output-is-dir", ("say", "hi", "-o", "{tmp}"), 8, ("directory",)),
    Case("output-dev-full", ("say", "hi there", "-o", "/dev/full"), 8, ("no space",)),
    Case("output-missing-dir", ("say", "hi", "-o", "{tmp}/a/b/out.wav"), 8, ("does not exist",)),
    Case("bad-extension", ("say", "hi", "-o", "{tmp}/out.xyz"), 2, ("xyz",)),
    Case("raw-with-file", ("say", "hi", "--raw", "-o", "{tmp}/out.wav"), 2, ("--raw",)),
    Case("model-path-missing", ("say", "hi", "--model", "./no/such/dir", "-o", "{tmp}/out.wav"), 4, ("does not exist",)),
    Case("unknown-option", ("say", "hi", "--bogus"), 2, ("--bogus",)),
]

ALL: list[Case] = SAY
