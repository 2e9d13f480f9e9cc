"""The fast client's HTTP/1.1 exchange (ttscli.server.wire) against raw answers on a real socket:
bodies by length, chunked and to the close; cut bodies; malformed answers are one error type."""

from __future__ import annotations

import socket
import threading

import pytest

from ttscli.server.wire import MAX_HEADERS, MAX_LINE, Connection, ProtocolError


def _exchange(answer: bytes, method: str = "GET", body: bytes | None = None, headers: dict | None = None):
    """(the request the server saw, the response object) for a server that sends ``answer`` and closes."""
    ours, theirs = socket.socketpair()
    ours.settimeout(10)
    seen: list[bytes] = []
    heard = threading.Event()

    def serve():
        with theirs:
            seen.append(theirs.recv(65536))
            heard.set()
            theirs.sendall(answer)  # while the client reads (a large answer fills the socket's buffer)

    threading.Thread(target=serve, daemon=True).start()
    conn = Connection("127.0.0.1", 8870, ours)
    conn.request(method, "/v1/audio/speech", body=body, headers=headers)
    assert heard.wait(10)
    return seen[0], conn.getresponse()


def _chunked(data: bytes, size: int) -> bytes:
    parts = [b"%x\r\n%s\r\n" % (len(data[i:i + size]), data[i:i + size]) for i in range(0, len(data), size)]
    return b"".join(parts) + b"0\r\n\r\n"


def test_request_carries_host_length_and_headers():
    sent, resp = _exchange(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", "POST", b'{"a": 1}',
                           {"Content-Type": "application/json"})
    head, _, body = sent.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    assert lines[0] == b"POST /v1/audio/speech HTTP/1.1"
    assert b"Host: 127.0.0.1:8870" in lines and b"Content-Length: 8" in lines
    assert b"Content-Type: application/json" in lines and body == b'{"a": 1}'
    assert resp.status == 200 and resp.read() == b"ok"


def test_body_by_length_in_pieces_and_headers_any_case():
    _, resp = _exchange(b"HTTP/1.1 200 OK\r\ncontent-length: 11\r\nX-Sample-Rate: 22050\r\n\r\nhello world")
    assert resp.getheader("x-sample-rate") == "22050" and resp.getheader("X-SAMPLE-RATE") == "22050"
    assert resp.getheader("missing") is None
    assert [resp.read(4), resp.read(4), resp.read(10), resp.read(1)] == [b"hell", b"o wo", b"rld", b""]


@pytest.mark.parametrize("size", [1, 7, 4096, 70000])
def test_chunked_body_read_whole_and_in_frames(size):
    data = bytes(range(256)) * (2000 if size > 7 else 100)
    _, resp = _exchange(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + _chunked(data, size))
    assert resp.read() == data
    _, resp = _exchange(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + _chunked(data, size))
    got = b""
    while piece := resp.read(3000):  # frame-sized reads across chunk borders
        got += piece
    assert got == data


def test_body_to_the_close_and_no_body_for_204():
    _, resp = _exchange(b"HTTP/1.1 404 Not Found\r\n\r\nno such thing")
    assert resp.status == 404 and resp.read() == b"no such thing"
    _, resp = _exchange(b"HTTP/1.1 204 No Content\r\n\r\n")
    assert resp.read() == b""


def test_a_body_cut_short_reads_short_and_a_cut_chunk_is_an_error():
    _, resp = _exchange(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc")
    assert resp.read(100) == b"abc" and resp.read(1) == b""  # the caller sees fewer bytes than it asked for
    _, resp = _exchange(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nabc")
    with pytest.raises(ProtocolError):
        resp.read(16)


@pytest.mark.parametrize("answer", [
    b"garbage\r\n\r\n",
    b"HTTP/2 200 OK\r\n\r\n",
    b"HTTP/1.1 2x0 OK\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\n",
    b"HTTP/1.1 200 OK\r\n" + b"X-A: b\r\n" * (MAX_HEADERS + 1) + b"\r\n",
    b"HTTP/1.1 200 OK\r\nX-Long: " + b"a" * (MAX_LINE + 10) + b"\r\n\r\n",
    b"HTTP/1.1 200 OK\r\n",  # closed before the end of the headers
    b"",
])
def test_malformed_answers_are_protocol_errors(answer):
    with pytest.raises(ProtocolError):
        _, resp = _exchange(answer)
        if resp.getheader("transfer-encoding"):
            resp.read()


def test_bad_chunk_size_is_a_protocol_error():
    _, resp = _exchange(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n")
    with pytest.raises(ProtocolError):
        resp.read()


@pytest.mark.parametrize("value", ["a\r\nX-Injected: 1", "a\nb", "a\0b"])
def test_a_header_with_a_line_break_is_refused_before_sending(value):
    ours, theirs = socket.socketpair()
    with ours, theirs:
        conn = Connection("127.0.0.1", 8870, ours)
        with pytest.raises(ProtocolError):
            conn.request("GET", "/health", headers={"Authorization": value})
        theirs.setblocking(False)
        with pytest.raises(BlockingIOError):
            theirs.recv(10)  # nothing went out


def test_ipv6_host_header_is_bracketed():
    ours, theirs = socket.socketpair()
    with ours, theirs:
        Connection("::1", 9000, ours).request("GET", "/health")
        assert b"Host: [::1]:9000\r\n" in theirs.recv(65536)
