"""How `say` and `ps` know that the server on the default port is the user's own (standard library only).

Anyone on the machine can listen on 127.0.0.1:8870 before the user's server does. So
`ttscli serve` keeps a per-user secret, ``server.key`` in ttscli's config directory
(created with mode 0600 on first start, 64 hex digits), and before a client at the default
address sends any text it asks for proof: ``GET /health`` with ``X-Ttscli-Challenge: NONCE``
(16 random bytes), answered with ``X-Ttscli-Proof: HMAC-SHA256(key, "ttscli-server-proof",
NONCE, PORT)``. Only a process that can read the user's key file can answer; the port the
client connected to is part of the proof, so an impostor cannot relay the challenge to the
user's real server on another port. No answer, a wrong answer, or a key file that is not the
user's own (another owner, readable by others, a symlink) means: no server, synthesize
in-process. With ``TTSCLI_HOST`` set, the user has named the server and no proof is
required (a remote server has its own key; the API key is the check there).
"""

from __future__ import annotations

import hmac
import os
import secrets
import stat
from pathlib import Path

KEY_FILE = "server.key"
CHALLENGE_HEADER = "X-Ttscli-Challenge"
PROOF_HEADER = "X-Ttscli-Proof"
_KEY_HEX = 64
_LABEL = b"ttscli-server-proof"


def key_path() -> Path:
    from .. import paths

    return paths.config_dir() / KEY_FILE


def _owned_private(st: os.stat_result) -> bool:
    if not stat.S_ISREG(st.st_mode) or st.st_mode & 0o077:
        return False
    return not hasattr(os, "getuid") or st.st_uid == os.getuid()


def read_key(path: Path | None = None) -> bytes | None:
    """The user's server key, or None when there is none that can be trusted."""
    path = path or key_path()
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    try:
        if not _owned_private(os.fstat(fd)):
            return None
        data = os.read(fd, _KEY_HEX + 2).strip()
    except OSError:
        return None
    finally:
        os.close(fd)
    if len(data) != _KEY_HEX or any(c not in b"0123456789abcdef" for c in data):
        return None
    return data


def ensure_key(path: Path | None = None) -> bytes:
    """The server side: the key, created (0600, atomically) when missing or not trustworthy."""
    path = path or key_path()
    key = read_key(path)
    if key is not None:
        return key
    path.parent.mkdir(parents=True, exist_ok=True)
    fresh = secrets.token_hex(_KEY_HEX // 2).encode()
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        os.write(fd, fresh + b"\n")
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)  # replaces a file that was not ours (wrong owner or mode) as well
    return read_key(path) or fresh


def challenge() -> str:
    return secrets.token_hex(16)


def valid_challenge(value: str | None) -> bool:
    return bool(value) and len(value) <= 64 and all(c in "0123456789abcdef" for c in value)


def proof(key: bytes, nonce: str, port: int) -> str:
    message = b"\n".join((_LABEL, nonce.encode("ascii"), str(int(port)).encode("ascii")))
    return hmac.new(key, message, "sha256").hexdigest()


def proven(key: bytes, nonce: str, port: int, answer: str | None) -> bool:
    return bool(answer) and answer.isascii() and hmac.compare_digest(proof(key, nonce, port), answer.strip().lower())
