"""ttscli: local text-to-speech from the command line, and from Python.

    import ttscli

    voice = ttscli.load()                      # the default voice; ttscli.load("kokoro", "af_heart")
    voice.save("Hello there.", "hello.wav")    # the bytes `ttscli say "Hello there." -o hello.wav` writes
    audio = voice.synthesize("Hi.", words=True)    # .samples, .sample_rate, .words
    for chunk in voice.stream("A long text."): ...  # first audio first

The names below are imported on first use, so ``import ttscli`` (and the CLI's start-up) loads no
runtime. See docs/library.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["Audio", "Chunk", "Request", "Selection", "TtsError", "Voice", "load", "select", "__version__"]

_HOMES = {"Audio": "api", "Chunk": "api", "Voice": "api", "load": "api", "Request": "request",
          "Selection": "selection", "select": "selection", "TtsError": "errors"}

if TYPE_CHECKING:
    from .api import Audio, Chunk, Voice, load
    from .errors import TtsError
    from .request import Request
    from .selection import Selection, select


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'ttscli' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{home}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
