"""Browser-origin requests: the Host and Origin rules of a local HTTP server (standard library only).

A web page in the user's browser can send requests to a server on 127.0.0.1: a "simple"
cross-site POST (``text/plain``) needs no preflight, and after DNS rebinding a page on the
attacker's domain reads the loopback server as if it were its own. The rules, as Ollama
applies them after its rebinding fix:

* **Host** — a server bound to a loopback address answers only requests whose ``Host`` is a
  local name: ``localhost``, ``*.localhost``, a loopback address, or this machine's host name
  (with any port). Anything else is 403: a rebinding page sends its own domain name.
* **Origin** — a request that carries ``Origin`` (every cross-origin POST and every CORS
  request does) is answered only when the origin matches the allow-list; the answer then
  carries ``Access-Control-Allow-Origin`` for it. Other origins get 403 before the request is
  read, and a preflight (``OPTIONS``) from them is refused too. Without ``Origin``, a
  ``Sec-Fetch-Site: cross-site`` request (a browser's no-CORS fetch) is refused as well.
  Clients that are not browsers (curl, the OpenAI SDK, `say`) send no ``Origin``.

The default allow-list is the loopback origins on any port (``http://localhost:*``,
``http://127.0.0.1:*``, ``http://[::1]:*`` and their https forms); ``serve --allow-origin``
and ``TTSCLI_ORIGINS`` (comma-separated) add patterns, where ``*`` matches any run of
characters (a lone ``*`` allows every origin).

:class:`BrowserGuard` is the ASGI middleware; :func:`host_allowed` and :func:`origin_allowed`
are the rules themselves, for any other front end.
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
import socket
from collections.abc import Callable, Iterable

ORIGINS_ENV = "TTSCLI_ORIGINS"
DEFAULT_ORIGINS = tuple(f"{scheme}://{host}{port}" for scheme in ("http", "https")
                        for host in ("localhost", "127.0.0.1", "[::1]") for port in ("", ":*"))
ALLOW_HEADERS = "Authorization, Content-Type, X-Keep-Alive"
ALLOW_METHODS = "GET, POST, OPTIONS"


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback addresses (a name that may resolve anywhere is not)."""
    host = host.strip().strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _host_name(header: str) -> str | None:
    """The name in a Host header (``name``, ``name:port``, ``[v6]:port``), or None if malformed."""
    header = header.strip().lower()
    if header.startswith("["):
        end = header.find("]")
        name, rest = header[1:end], header[end + 1:]
        if end < 0 or (rest and not re.fullmatch(r":\d{1,5}", rest)):
            return None
        return name
    name, _, port = header.partition(":")
    if port and not re.fullmatch(r"\d{1,5}", port):
        return None
    return name


def host_allowed(header: str | None) -> bool:
    """May a server bound to loopback answer a request with this Host header?"""
    if not header:  # HTTP/1.0 without Host: no browser sends that
        return True
    name = _host_name(header)
    if name is None:
        return False
    return is_loopback(name) or name.rstrip(".") == socket.gethostname().lower()


def _pattern(origin: str) -> re.Pattern:
    parts = (re.escape(part) for part in origin.strip().rstrip("/").lower().split("*"))
    return re.compile("[^/]*".join(parts) if origin.strip() != "*" else ".*")


class Origins:
    """The CORS allow-list: exact origins and ``*`` patterns."""

    def __init__(self, extra: Iterable[str] = (), env: str | None = None):
        env = os.environ.get(ORIGINS_ENV, "") if env is None else env
        self.listed = [*DEFAULT_ORIGINS, *(o.strip() for o in extra if o.strip()),
                       *(o.strip() for o in env.split(",") if o.strip())]
        self._patterns = [_pattern(o) for o in self.listed]

    def allows(self, origin: str) -> bool:
        return origin_allowed(origin, self._patterns)


def origin_allowed(origin: str, patterns: Iterable[re.Pattern]) -> bool:
    """Does ``origin`` match one of ``patterns``? (``null``, sent by sandboxed pages and files,
    only matches ``*`` or an explicit ``null``.)"""
    origin = origin.strip().rstrip("/").lower()
    if not origin or any(ord(c) < 33 or ord(c) > 126 for c in origin):
        return False
    return any(p.fullmatch(origin) for p in patterns)


def _forbidden(message: str, code: str) -> tuple[int, list, bytes]:
    body = json.dumps({"error": {"message": message, "type": "invalid_request_error", "param": None,
                                 "code": code}}).encode()
    return 403, [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())], body


class BrowserGuard:
    """ASGI middleware applying the Host rule (when ``loopback``) and the Origin allow-list.
    ``refused(scope, status, reason)`` is called for each refusal (the server's access log)."""

    def __init__(self, app, *, loopback: bool, origins: Origins,
                 refused: Callable[[dict, int, str], None] | None = None):
        self.app = app
        self.loopback = loopback
        self.origins = origins
        self.refused = refused

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        host, origin = headers.get("host"), headers.get("origin")
        if self.loopback and not host_allowed(host):
            return await self._refuse(scope, send, f"host {host!r} is not a local name; this server answers "
                                      "localhost and loopback addresses only", "forbidden_host")
        if origin is None:
            if headers.get("sec-fetch-site") == "cross-site":
                return await self._refuse(scope, send, "cross-site browser requests are refused",
                                          "forbidden_origin")
            return await self.app(scope, receive, send)
        if not self.origins.allows(origin):
            return await self._refuse(scope, send, f"origin {origin[:100]!r} is not allowed; start the server "
                                      "with --allow-origin ORIGIN to allow it", "forbidden_origin")
        cors = [(b"access-control-allow-origin", origin.encode("latin-1")), (b"vary", b"Origin")]
        if scope["method"] == "OPTIONS" and "access-control-request-method" in headers:
            await send({"type": "http.response.start", "status": 204, "headers": [
                *cors, (b"access-control-allow-methods", ALLOW_METHODS.encode()),
                (b"access-control-allow-headers", ALLOW_HEADERS.encode()), (b"access-control-max-age", b"600"),
                (b"content-length", b"0")]})
            await send({"type": "http.response.body", "body": b""})
            return None

        async def with_cors(message):
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *cors,
                                                  (b"access-control-expose-headers",
                                                   b"X-Sample-Rate, X-Model, X-Voice")]}
            await send(message)

        return await self.app(scope, receive, with_cors)

    async def _refuse(self, scope, send, message: str, code: str):
        status, headers, body = _forbidden(message, code)
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
        if self.refused is not None:
            self.refused(scope, status, code)
