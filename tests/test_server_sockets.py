"""The servers' TCP sockets: every accepted connection has Nagle's algorithm off.

With Nagle on, the last small write of an HTTP answer (the chunked body's terminator) waited for
the client's delayed ACK, about 40 ms per call; the small events of a Wyoming stream waited too.
asyncio turns TCP_NODELAY on only for sockets whose protocol is TCP by number, so these tests
accept real connections through asyncio on the sockets both servers listen on.
"""

from __future__ import annotations

import asyncio
import socket

import pytest

from ttscli.server.sockets import tcp_listener
from ttscli.server.wyoming_serve import bind


async def _nodelay_of_accepted(sock: socket.socket) -> int:
    seen: asyncio.Future = asyncio.get_running_loop().create_future()

    async def accepted(reader, writer):
        seen.set_result(writer.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
        writer.close()

    server = await asyncio.start_server(accepted, sock=sock)
    async with server:
        port = sock.getsockname()[1]
        _reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 10)
        value = await asyncio.wait_for(seen, 10)
        writer.close()
    return value


def test_a_plain_socket_leaves_nagle_on():
    """The premise: asyncio leaves Nagle on for a socket made without the protocol number."""
    plain = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    plain.bind(("127.0.0.1", 0))
    assert asyncio.run(_nodelay_of_accepted(plain)) == 0


@pytest.mark.parametrize("make", [lambda: tcp_listener("127.0.0.1", 0), lambda: bind("tcp://127.0.0.1:0")],
                         ids=["http", "wyoming"])
def test_the_servers_sockets_turn_nagle_off(make):
    sock = make()
    assert sock.proto == socket.IPPROTO_TCP
    assert asyncio.run(_nodelay_of_accepted(sock)) != 0


def test_a_busy_port_is_an_oserror():
    first = tcp_listener("127.0.0.1", 0)
    first.listen(1)
    with pytest.raises(OSError):
        tcp_listener("127.0.0.1", first.getsockname()[1])
    first.close()
