"""`ttscli serve`: a warm local speech server with an OpenAI-compatible API.

Only :mod:`.client`, :mod:`.identity` and this module are imported by `say` and `ps`; they
use the standard library only (no Starlette, uvicorn or numpy). The server itself (:mod:`.app`)
is built on the generic engine API (ttscli.engine) and never imports a model family.
"""

from __future__ import annotations

import hashlib
import os
from typing import NamedTuple

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8870  # "TTS" on a phone keypad (887) + 0; not used by common tools
HOST_ENV = "TTSCLI_HOST"  # address `say` and `ps` use: host, host:port or http://host:port
API_KEY_ENV = "TTSCLI_API_KEY"
STORE_HEADER = "X-Ttscli-Store"  # `say` only uses a server that reads the same model store
RATE_HEADER = "X-Sample-Rate"
F32 = "f32"  # ttscli's own response format: float32 little-endian mono, what `say` receives
FILE_PREFIX = "file."  # "file.wav", "file.flac"...: the finished file `say -o` writes, framed
STREAM_PREFIX = "stream."  # "stream.wav", "stream.raw": what `say` writes on stdout, framed as it comes
KEY_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/=")
KEY_MAX = 4096


class Address(NamedTuple):
    scheme: str
    host: str  # without brackets
    port: int
    explicit: bool  # named by TTSCLI_HOST (no proof of identity required)

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}"


def address(value: str | None = None) -> Address:
    """The server address from TTSCLI_HOST (or ``value``): ``host``, ``host:port``,
    ``[v6]:port`` or ``http(s)://host:port``; the default address when unset.
    A malformed value is a UsageError (one line), never a crash."""
    raw = value if value is not None else os.environ.get(HOST_ENV, "")
    text = raw.strip().rstrip("/")
    if not text:
        return Address("http", DEFAULT_HOST, DEFAULT_PORT, False)
    scheme, sep, rest = text.partition("://")
    if not sep:
        scheme, rest = "http", text
    host, port = _split(rest)
    if scheme.lower() not in ("http", "https") or host is None or port is None:
        from ..errors import UsageError

        shown = raw if len(raw) <= 80 else raw[:77] + "..."
        raise UsageError(f"{HOST_ENV}={shown!r} is not a server address",
                         hint=f"use host, host:port, [::1]:port or http://host:port (port 1-65535); "
                         f"unset it for {DEFAULT_HOST}:{DEFAULT_PORT}")
    return Address(scheme.lower(), host, port, True)


def _split(rest: str) -> tuple[str | None, int | None]:
    if not rest.isascii() or any(c.isspace() or c in "/?#@" for c in rest):
        return None, None
    if rest.startswith("["):
        host, sep, tail = rest[1:].partition("]")
        if not sep or not host or ":" not in host or (tail and not tail.startswith(":")):
            return None, None
        port = tail[1:] if tail else str(DEFAULT_PORT)
    else:
        if "[" in rest or "]" in rest or rest.count(":") > 1:
            return None, None
        host, _, port = rest.partition(":")
        port = port if _ else str(DEFAULT_PORT)
    if not host or not port.isdigit() or len(port) > 5 or not 0 < int(port) < 65536:
        return None, None
    return host, int(port)


def key_problem(key: str) -> str | None:
    """Why an API key cannot be sent in an HTTP header (None when it can)."""
    if len(key) > KEY_MAX:
        return f"it is longer than {KEY_MAX} characters"
    bad = next((c for c in key if c not in KEY_CHARS), None)
    if bad is not None:
        return f"it contains {bad!r}; a key is letters, digits and - . _ ~ + / ="
    return None


def api_key() -> str | None:
    """TTSCLI_API_KEY as a client sends it (None when unset); a key no header can carry
    (non-ASCII, CR/LF, spaces) is a UsageError."""
    key = os.environ.get(API_KEY_ENV, "")
    if not key:
        return None
    why = key_problem(key)
    if why:
        from ..errors import UsageError

        raise UsageError(f"{API_KEY_ENV} cannot be sent to a server: {why}", hint=f"fix or unset {API_KEY_ENV}")
    return key


def store_id() -> str:
    """A short fingerprint of this process's data directory: a server answers `say` only
    when it reads the same models and voices (no path is sent over the wire)."""
    from .. import paths

    where = f"{paths.data_dir().resolve()}\n{paths.config_dir().resolve()}"
    return hashlib.sha256(where.encode()).hexdigest()[:16]
