"""`ttscli serve`: a warm local speech server with an OpenAI-compatible API.

Only :mod:`.client` and this module are imported by `say` and `ps`; they stay
free of Starlette, uvicorn and numpy. The server itself (:mod:`.app`) is built
on the generic engine API (ttscli.engine) and never imports a model family.
"""

from __future__ import annotations

import hashlib
import os

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8870  # "TTS" on a phone keypad (887) + 0; not used by common tools
HOST_ENV = "TTSCLI_HOST"  # address `say` and `ps` use: host, host:port or http://host:port
API_KEY_ENV = "TTSCLI_API_KEY"
STORE_HEADER = "X-Ttscli-Store"  # `say` only uses a server that reads the same model store
RATE_HEADER = "X-Sample-Rate"
F32 = "f32"  # ttscli's own response format: float32 little-endian mono, what `say` receives


def base_url(value: str | None = None) -> str:
    """``http://host:port`` from TTSCLI_HOST (or ``value``), else the default address."""
    value = (value if value is not None else os.environ.get(HOST_ENV, "")).strip().rstrip("/")
    if not value:
        return f"http://{DEFAULT_HOST}:{DEFAULT_PORT}"
    if "://" not in value:
        value = "http://" + value
    scheme, _, rest = value.partition("://")
    if ":" not in rest.rpartition("]")[2]:  # no port given (IPv6 literals keep their colons in [])
        rest = f"{rest}:{DEFAULT_PORT}"
    return f"{scheme}://{rest}"


def store_id() -> str:
    """A short fingerprint of this process's data directory: a server answers `say` only
    when it reads the same models and voices (no path is sent over the wire)."""
    from .. import paths

    where = f"{paths.data_dir().resolve()}\n{paths.config_dir().resolve()}"
    return hashlib.sha256(where.encode()).hexdigest()[:16]
