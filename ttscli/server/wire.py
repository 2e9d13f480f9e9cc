"""A minimal HTTP/1.1 client over a plain socket, for `say`'s exchanges with a local server.

`say` through a warm server is one short process: http.client pulls in the e-mail parser and
ssl (9 ms of a 0.15 s call). This speaks just what ttscli's own server sends: a status line,
headers, then a body by Content-Length, chunked transfer coding, or to the end of the
connection. Every read waits at most the socket's timeout; a status line, header block or
chunk size out of bounds is a :class:`ProtocolError`. ``https://`` servers still go through
http.client (the client module picks).

The interface is the part of http.client's that :mod:`.client` uses: ``request``,
``getresponse``, ``sock``, ``close``; ``status``, ``getheader`` and ``read(n)``.
"""

from __future__ import annotations

import socket

MAX_LINE = 8192  # bytes in a status or header line (as http.client's _MAXLINE)
MAX_HEADERS = 100
_BLOCK = 65536


class ProtocolError(ValueError):
    """The answer is not HTTP/1.x as expected (a ValueError, as http.client's errors are handled)."""


class Response:
    def __init__(self, reader: "_Reader", head_only: bool):
        line = reader.line()
        version, _, rest = line.partition(b" ")
        code = rest[:3]
        if not version.startswith(b"HTTP/1.") or len(code) != 3 or not code.isdigit():
            raise ProtocolError(f"not an HTTP status line: {line[:40]!r}")
        self.status = int(code)
        self._headers: dict[str, str] = {}
        for _ in range(MAX_HEADERS + 1):
            line = reader.line()
            if not line:
                break
            name, colon, value = line.decode("latin-1").partition(":")
            if not colon or not name or name != name.strip():
                raise ProtocolError(f"not a header line: {line[:40]!r}")
            key = name.lower()
            value = value.strip()
            self._headers[key] = f"{self._headers[key]}, {value}" if key in self._headers else value
        else:
            raise ProtocolError(f"more than {MAX_HEADERS} headers")
        self._reader = reader
        coding = self._headers.get("transfer-encoding", "").lower()
        self._chunked = coding.endswith("chunked")
        length = self._headers.get("content-length")
        self._left: int | None = None  # bytes left of a known length (of the body, or of the chunk)
        if head_only or self.status in (204, 304) or 100 <= self.status < 200:
            self._left = 0
        elif not self._chunked and length is not None:
            if not length.isascii() or not length.strip().isdigit():
                raise ProtocolError(f"bad Content-Length {length[:20]!r}")
            self._left = int(length)
        self._done = self._left == 0

    def getheader(self, name: str, default: str | None = None) -> str | None:
        return self._headers.get(name.lower(), default)

    def read(self, n: int | None = None) -> bytes:
        """Up to ``n`` bytes of the body (all of it with None); fewer only at its end."""
        parts: list[bytes] = []
        want = n if n is not None else -1
        while want and not self._done:
            got = self._chunk_part(want) if self._chunked else self._plain_part(want)
            if not got:
                break
            parts.append(got)
            if want > 0:
                want -= len(got)
        return b"".join(parts)

    def _plain_part(self, want: int) -> bytes:
        if self._left is None:  # to the end of the connection
            got = self._reader.some(want if want > 0 else _BLOCK)
            self._done = not got
            return got
        size = self._left if want < 0 else min(want, self._left)
        got = self._reader.upto(size)
        self._left -= len(got)
        self._done = self._left == 0 or len(got) < size  # a body cut short ends here: the caller counts
        return got

    def _chunk_part(self, want: int) -> bytes:
        if not self._left:
            size_line = self._reader.line().split(b";", 1)[0].strip()
            if not size_line or len(size_line) > 16 or any(c not in b"0123456789abcdefABCDEF" for c in size_line):
                raise ProtocolError(f"bad chunk size {size_line[:20]!r}")
            self._left = int(size_line, 16)
            if self._left == 0:  # the last chunk; then trailers up to an empty line
                for _ in range(MAX_HEADERS + 1):
                    if not self._reader.line():
                        break
                self._done = True
                return b""
        size = self._left if want < 0 else min(want, self._left)
        got = self._reader.exactly(size)
        self._left -= len(got)
        if self._left == 0 and self._reader.line():  # each chunk ends with CRLF
            raise ProtocolError("a chunk did not end where its size said")
        return got


class _Reader:
    """Buffered reads from the socket (a bytearray, so a large body costs one copy per byte)."""

    def __init__(self, sock: socket.socket):
        self.sock = sock
        self.buf = bytearray()

    def _fill(self) -> bool:
        data = self.sock.recv(_BLOCK)
        self.buf += data
        return bool(data)

    def _take(self, n: int) -> bytes:
        data = bytes(self.buf[:n])
        del self.buf[:n]
        return data

    def line(self) -> bytes:
        """The next line without its CRLF (or LF)."""
        start = 0
        while True:
            end = self.buf.find(b"\n", start)
            if end > MAX_LINE or (end < 0 and len(self.buf) > MAX_LINE):
                raise ProtocolError(f"a line longer than {MAX_LINE} bytes")
            if end >= 0:
                line = self._take(end + 1)[:-1]
                return line[:-1] if line.endswith(b"\r") else line
            start = len(self.buf)
            if not self._fill():
                raise ProtocolError("the connection closed in the middle of the answer")

    def exactly(self, n: int) -> bytes:
        data = self.upto(n)
        if len(data) < n:
            raise ProtocolError("the connection closed in the middle of the answer")
        return data

    def upto(self, n: int) -> bytes:
        """``n`` bytes, or fewer if the connection ends first."""
        if len(self.buf) >= n:
            return self._take(n)
        out = bytearray(n)
        have = len(self.buf)
        out[:have] = self.buf
        self.buf.clear()
        with memoryview(out) as view:
            while have < n:
                got = self.sock.recv_into(view[have:], n - have)
                if not got:
                    break
                have += got
        return bytes(out[:have]) if have < n else bytes(out)

    def some(self, n: int) -> bytes:
        if not self.buf:
            self._fill()
        return self._take(n)


class Connection:
    """One plain-HTTP connection on an already connected socket."""

    def __init__(self, host: str, port: int, sock: socket.socket):
        shown = f"[{host}]" if ":" in host else host
        self.host = shown if port == 80 else f"{shown}:{port}"
        self.sock = sock
        self._reader = _Reader(sock)
        self._head = False

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None) -> None:
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}", "Accept-Encoding: identity"]
        for name, value in (headers or {}).items():
            lines.append(f"{name}: {value}")
        if body is not None or method in ("POST", "PUT", "PATCH"):
            lines.append(f"Content-Length: {len(body or b'')}")
        if any(c in line for line in lines for c in "\r\n\0"):
            raise ProtocolError("a request line or header holds a line break")
        data = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        self.sock.sendall(data + (body or b""))
        self._head = method == "HEAD"

    def getresponse(self) -> Response:
        return Response(self._reader, self._head)

    def close(self) -> None:
        sock, self.sock = self.sock, None
        if sock is not None:
            sock.close()
