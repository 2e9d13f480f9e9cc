"""The client side, used by `say` and `ps`: standard library only (no httpx, no Starlette).

`say` tries a running server with a connect attempt of at most 50 ms; a server that is
absent, reads another model store, refuses the request or fails before any audio
leaves the sink means in-process synthesis, with no partial output. Audio arrives as
framed float32 chunks (see :class:`ttscli.server.stream._F32`) and goes through the
same sink as in-process audio, so the bytes written are the same.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import struct
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from . import API_KEY_ENV, F32, HOST_ENV, RATE_HEADER, STORE_HEADER, base_url, store_id

if TYPE_CHECKING:
    import http.client

log = logging.getLogger("ttscli.server.client")
CONNECT_TIMEOUT = 0.05  # seconds: loopback answers in well under a millisecond
REMOTE_CONNECT_TIMEOUT = 0.5
READ_TIMEOUT = 600.0  # the first request may load a large model


class ServerGone(Exception):
    """No answer, or the answer broke off."""


def _connection(url: str, timeout: float | None = None) -> http.client.HTTPConnection:
    """A connected HTTP(S) connection to ``url``. Plain HTTP connects a socket first, so
    with no server listening (the usual case for `say`) http.client is never imported."""
    parts = urlsplit(url)
    host = parts.hostname or "127.0.0.1"
    loopback = host in ("localhost", "::1") or host.startswith("127.")
    wait = timeout or (CONNECT_TIMEOUT if loopback else REMOTE_CONNECT_TIMEOUT)
    sock = None
    try:
        if parts.scheme != "https":
            sock = socket.create_connection((host, parts.port), wait)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # as http.client's connect()
        import http.client

        cls = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        conn = cls(host, parts.port, timeout=wait)
        if sock is None:
            conn.connect()
        else:
            conn.sock = sock
    except OSError as exc:
        if sock is not None:
            sock.close()
        raise ServerGone(f"no server at {url} ({exc})") from None
    conn.sock.settimeout(READ_TIMEOUT)
    return conn


def _http_errors() -> tuple[type[BaseException], ...]:
    import http.client

    return (OSError, http.client.HTTPException)


def _headers() -> dict[str, str]:
    headers = {"Content-Type": "application/json", "User-Agent": "ttscli"}
    key = os.environ.get(API_KEY_ENV)
    if key:
        headers["Authorization"] = f"Bearer {key}"
    return headers


def get_json(path: str, url: str | None = None, timeout: float | None = None) -> dict:
    """GET ``path`` from the server as JSON (raises ServerGone)."""
    url = url or base_url()
    conn = _connection(url, timeout)
    try:
        conn.request("GET", path, headers=_headers())
        resp = conn.getresponse()
        body = resp.read()
    except _http_errors() as exc:
        raise ServerGone(f"the server at {url} did not answer ({exc})") from None
    finally:
        conn.close()
    try:
        data = json.loads(body)
    except ValueError:
        raise ServerGone(f"{url} is not a ttscli server") from None
    if resp.status != 200:
        message = (data.get("error") or {}).get("message") if isinstance(data, dict) else None
        raise ServerGone(f"{url} answered {resp.status}: {message or body[:100]!r}")
    return data


def _read_exact(resp, n: int) -> bytes:
    try:
        data = resp.read(n)
    except _http_errors() as exc:
        raise ServerGone(f"the server stopped in the middle of the audio ({type(exc).__name__})") from None
    if len(data) != n:
        raise ServerGone("the server stopped in the middle of the audio")
    return data


def _frames(resp):
    import numpy as np

    while True:
        try:
            head = resp.read(4)
        except _http_errors() as exc:
            raise ServerGone(f"the server stopped in the middle of the audio ({type(exc).__name__})") from None
        if not head:
            return
        if len(head) != 4:
            raise ServerGone("the server stopped in the middle of the audio")
        (count,) = struct.unpack("<I", head)
        yield np.frombuffer(_read_exact(resp, count * 4), dtype="<f4")


def speak(fields: dict, sink, on_start=None) -> bool:
    """Synthesize through a running server into ``sink``; True when done (sink committed).

    False: use in-process synthesis (nothing was written, or a file sink was discarded).
    Audio that already went to stdout or a speaker cannot be taken back: then RuntimeFailure.
    """
    from ..errors import RuntimeFailure

    explicit = bool(os.environ.get(HOST_ENV, "").strip())
    url = base_url()
    try:
        conn = _connection(url)
    except ServerGone as exc:
        log.debug("%s", exc)
        return False
    headers = _headers()
    if not explicit:  # the default address may be another user's or another TTSCLI_HOME's server
        headers[STORE_HEADER] = store_id()
    body = json.dumps({**fields, "response_format": F32, "openai_names": False}).encode()
    try:
        try:
            conn.request("POST", "/v1/audio/speech", body=body, headers=headers)
            resp = conn.getresponse()
        except _http_errors() as exc:
            log.debug("server request failed: %s", exc)
            return False
        rate = resp.getheader(RATE_HEADER)
        if resp.status != 200 or not (rate or "").isdigit():
            log.debug("server answered %s: %s", resp.status, resp.read(300)[:300])
            return False
        log.debug("speaking through the server at %s", url)
        try:
            for samples in _frames(resp):
                if not sink.sample_rate:
                    sink.start(int(rate))
                    if on_start:
                        on_start(int(rate))
                sink.write(samples)
        except ServerGone as exc:
            from ..audio.sinks import FileSink

            if isinstance(sink, FileSink) or not sink.samples_written:
                sink.abort()
                log.debug("%s; synthesizing in-process", exc)
                return False
            raise RuntimeFailure(str(exc), hint="rerun with --no-server") from None
        except BaseException:
            sink.abort()
            raise
        if not sink.sample_rate:  # no audio at all (only pauses would still be frames)
            sink.start(int(rate))
        sink.close()
        return True
    finally:
        conn.close()
