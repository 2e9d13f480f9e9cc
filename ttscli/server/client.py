"""The client side, used by `say` and `ps`: standard library only (no httpx, no Starlette, no numpy
until audio arrives for a sink).

Every exchange starts with ``GET /health`` and a challenge (see :mod:`.identity`), answered
within :data:`HANDSHAKE_TIMEOUT`: a listener that never answers, a suspended server, or one
that cannot prove it is the user's own (at the default address) is no server, and `say`
synthesizes in-process; no text has been sent. After the proof, each read of the answer waits
at most :data:`READ_TIMEOUT` (the first request may load a model; the server sends a frame for
every chunk it synthesizes). Audio arrives as framed float32 chunks for `say`'s sinks
(:func:`speak`), or as the finished file for `say -o FILE` (:func:`render_file`).
"""

from __future__ import annotations

import json
import struct
import sys
from typing import TYPE_CHECKING

from . import F32, FILE_PREFIX, RATE_HEADER, STORE_HEADER, Address, address, api_key, store_id
from . import identity

if TYPE_CHECKING:
    import http.client

CONNECT_TIMEOUT = 0.05  # seconds: loopback answers in well under a millisecond
REMOTE_CONNECT_TIMEOUT = 0.5
HANDSHAKE_TIMEOUT = 2.0  # the first byte of the answer to the challenge; the server answers from its event loop
READ_TIMEOUT = 120.0  # each read after the proof (a model load, a long chunk)
RATE_RANGE = (4000, 384000)
skip = False  # set by `say`'s fast client when it tried the server and this process should not ask again


class ServerGone(Exception):
    """No answer, no proof, or the answer broke off."""


def _debug(message: str, *args) -> None:
    """A debug line for `--debug`. Only a run that set up logging (the full CLI) can show one, so
    the fast client, which never imports logging, has nothing to say."""
    if "logging" in sys.modules:
        sys.modules["logging"].getLogger("ttscli.server.client").debug(message, *args)


def _http_errors() -> tuple[type[BaseException], ...]:
    """What a broken exchange raises: OSError, ValueError (:class:`.wire.ProtocolError` too), and
    http.client's own errors once an https connection has imported it."""
    http_client = sys.modules.get("http.client")
    return (OSError, ValueError) + ((http_client.HTTPException,) if http_client else ())


def _connect(addr: Address, timeout: float | None):
    """A connected connection: :class:`.wire.Connection` for plain HTTP (a socket first, so with
    no server listening, the usual case for `say`, nothing more is imported), http.client's
    for https."""
    import socket

    loopback = addr.host in ("localhost", "::1") or addr.host.startswith("127.")
    wait = timeout or (CONNECT_TIMEOUT if loopback else REMOTE_CONNECT_TIMEOUT)
    sock = None
    try:
        if addr.scheme != "https":
            host = addr.host.encode("ascii") if addr.host.isascii() else addr.host  # bytes: no idna codec import
            sock = socket.create_connection((host, addr.port), wait)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            from .wire import Connection

            conn = Connection(addr.host, addr.port, sock)
        else:
            import http.client

            conn = http.client.HTTPSConnection(addr.host, addr.port, timeout=wait)
            conn.connect()
    except OSError as exc:
        if sock is not None:
            sock.close()
        raise ServerGone(f"no server at {addr.url} ({exc})") from None
    return conn


def headers() -> dict[str, str]:
    out = {"Content-Type": "application/json", "User-Agent": "ttscli"}
    key = api_key()  # a key no header can carry is a UsageError, before anything is sent
    if key:
        out["Authorization"] = f"Bearer {key}"
    return out


def open_server(addr: Address | None = None, timeout: float = HANDSHAKE_TIMEOUT,
                read_timeout: float = READ_TIMEOUT) -> tuple[http.client.HTTPConnection, Address]:
    """A connection to a live server that proved it is the user's own (at the default address).
    Raises ServerGone; nothing but the challenge has been sent."""
    addr = addr or address()
    sent = headers()
    key = identity.read_key() if not addr.explicit else None
    if not addr.explicit and key is None:
        raise ServerGone("no server key of this user: no server of this user runs at the default address")
    conn = _connect(addr, None)
    nonce = identity.challenge()
    try:
        conn.sock.settimeout(timeout)
        conn.request("GET", "/health", headers={**sent, identity.CHALLENGE_HEADER: nonce})
        resp = conn.getresponse()
        resp.read(4096)
        answer = resp.getheader(identity.PROOF_HEADER)
    except _http_errors() as exc:
        conn.close()
        raise ServerGone(f"the server at {addr.url} did not answer in {timeout:g}s ({type(exc).__name__})") from None
    if resp.status != 200 or (key is not None and not identity.proven(key, nonce, addr.port, answer)):
        conn.close()
        if addr.explicit:
            raise ServerGone(f"{addr.url} is not a ttscli server (status {resp.status})")
        raise ServerGone(f"the listener at {addr.url} could not prove it is this user's ttscli server")
    conn.sock.settimeout(read_timeout)
    return conn, addr


def get_json(path: str, addr: Address | None = None, timeout: float = 2.0) -> dict:
    """GET ``path`` from the user's server as JSON, every wait bounded by ``timeout`` (raises ServerGone)."""
    conn, addr = open_server(addr, timeout, timeout)
    try:
        conn.request("GET", path, headers=headers())
        resp = conn.getresponse()
        body = resp.read(16 << 20)
    except _http_errors() as exc:
        raise ServerGone(f"the server at {addr.url} did not answer ({type(exc).__name__})") from None
    finally:
        conn.close()
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        raise ServerGone(f"{addr.url} is not a ttscli server") from None
    if resp.status != 200 or not isinstance(data, dict):
        message = (data.get("error") or {}).get("message") if isinstance(data, dict) else None
        raise ServerGone(f"{addr.url} answered {resp.status}: {message or body[:100]!r}")
    return data


def sample_rate(value: str | None) -> int | None:
    """The X-Sample-Rate header as a rate, or None: ASCII digits only, within RATE_RANGE."""
    if not value or not value.isascii() or not value.isdigit() or len(value) > 6:
        return None
    rate = int(value)
    return rate if RATE_RANGE[0] <= rate <= RATE_RANGE[1] else None


def _request(fields: dict, fmt: str) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse] | None:
    """POST the speech request to the user's server; (connection, 200 response) or None (also when
    `say`'s fast client already asked in this process: the full CLI then synthesizes at once)."""
    if skip:
        return None
    try:
        conn, addr = open_server()
    except ServerGone as exc:
        _debug("%s", exc)
        return None
    sent = headers()
    if not addr.explicit:  # the default address may serve another TTSCLI_HOME
        sent[STORE_HEADER] = store_id()
    body = json.dumps({**fields, "response_format": fmt, "openai_names": False}).encode()
    try:
        conn.request("POST", "/v1/audio/speech", body=body, headers=sent)
        resp = conn.getresponse()
    except _http_errors() as exc:
        _debug("server request failed: %s", exc)
        conn.close()
        return None
    if resp.status != 200:
        try:
            _debug("server answered %s: %s", resp.status, resp.read(300)[:300])
        except _http_errors():
            pass
        conn.close()  # the same request in-process says what is wrong, in the CLI's words
        return None
    return conn, resp


def _read(resp, n: int) -> bytes:
    try:
        data = resp.read(n)
    except _http_errors() as exc:
        raise ServerGone(f"the server stopped in the middle of the audio ({type(exc).__name__})") from None
    if len(data) != n:
        raise ServerGone("the server stopped in the middle of the audio")
    return data


def _frames(resp):
    """The body's frames: a u32 LE length (of samples for f32, of bytes for files), then the data."""
    while True:
        try:
            head = resp.read(4)
        except _http_errors() as exc:
            raise ServerGone(f"the server stopped in the middle of the audio ({type(exc).__name__})") from None
        if not head:
            return
        if len(head) != 4:
            raise ServerGone("the server stopped in the middle of the audio")
        yield struct.unpack("<I", head)[0]


def render_file(fields: dict, fmt: str, limit: int = 1 << 31) -> bytes | None:
    """The finished file `say -o FILE.fmt` writes, rendered by the user's server; None: do it here."""
    got = _request(fields, FILE_PREFIX + fmt)
    if got is None:
        return None
    conn, resp = got
    parts: list[bytes] = []
    size = 0
    try:
        for length in _frames(resp):  # a zero length is a heartbeat: a chunk was synthesized
            size += length
            if size > limit:
                raise ServerGone("the server sent more than a file of this text can hold")
            if length:
                parts.append(_read(resp, length))
        data = b"".join(parts)
        if not looks_like(data, fmt):
            raise ServerGone(f"the server's answer is not a {fmt} file")
    except ServerGone as exc:
        _debug("%s; synthesizing in-process", exc)
        return None
    finally:
        conn.close()
    return data


def stdout_frames(fields: dict, name: str):
    """What `say` writes on stdout (``name``: "stream.raw" or "stream.wav"), rendered by the user's
    server: (sample rate, the bytes of each frame as it arrives), or None: do it here (no server,
    or it refused before any audio). The frames raise ServerGone if the server stops partway."""
    got = _request(fields, name)
    if got is None:
        return None
    conn, resp = got
    rate = sample_rate(resp.getheader(RATE_HEADER))
    if rate is None:
        _debug("the server's %s %r is not a sample rate", RATE_HEADER, resp.getheader(RATE_HEADER))
        conn.close()
        return None

    def frames():
        try:
            for length in _frames(resp):
                yield _read(resp, length)
        finally:
            conn.close()

    return rate, frames()


_MAGIC = {"wav": (b"RIFF", b"RF64"), "flac": (b"fLaC",), "ogg": (b"OggS",), "opus": (b"OggS",), "mp3": (b"ID3", b"\xff")}


def looks_like(data: bytes, fmt: str) -> bool:
    """A first check that ``data`` is a file of format ``fmt`` (its magic bytes)."""
    return len(data) > 16 and data.startswith(_MAGIC.get(fmt, (b"",)))


def speak(fields: dict, sink, on_start=None, close: bool = True) -> bool:
    """Synthesize through a running server into ``sink``; True when done (sink committed).

    False: use in-process synthesis (nothing was written, or a file sink was discarded).
    Audio that already went to stdout or a speaker cannot be taken back: then RuntimeFailure.
    ``close=False`` (live input: one sink for many requests) leaves the sink open, and a server
    that goes away before this request wrote anything returns False without discarding what
    earlier requests wrote.
    """
    from ..errors import RuntimeFailure

    got = _request(fields, F32)
    if got is None:
        return False
    conn, resp = got
    before = sink.samples_written
    try:
        rate = sample_rate(resp.getheader(RATE_HEADER))
        if rate is None or (sink.sample_rate and rate != sink.sample_rate):
            _debug("the server's %s %r is not a sample rate", RATE_HEADER, resp.getheader(RATE_HEADER))
            return False
        import numpy as np

        try:
            for count in _frames(resp):
                samples = np.frombuffer(_read(resp, count * 4), dtype="<f4")
                if not sink.sample_rate:
                    sink.start(rate)
                    if on_start:
                        on_start(rate)
                sink.write(samples)
        except ServerGone as exc:
            from ..audio.sinks import FileSink

            if not close and sink.samples_written == before:
                _debug("%s; synthesizing in-process", exc)
                return False
            if close and (isinstance(sink, FileSink) or not sink.samples_written):
                sink.abort()
                _debug("%s; synthesizing in-process", exc)
                return False
            raise RuntimeFailure(str(exc), hint="rerun with --no-server") from None
        except BaseException:
            sink.abort()
            raise
        if not close:
            return True
        if not sink.sample_rate:  # no audio at all (only pauses would still be frames)
            sink.start(rate)
        sink.close()
        return True
    finally:
        conn.close()
