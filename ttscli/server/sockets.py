"""The servers' TCP listening sockets (HTTP and Wyoming).

A socket made as ``socket.socket(AF_INET, SOCK_STREAM)`` has protocol number 0, and asyncio
turns Nagle's algorithm off (``TCP_NODELAY``) only on connections whose protocol is TCP by
number. With Nagle on, a small write that follows a large one can wait for the client's delayed
ACK, about 40 ms: at the end of an HTTP answer, between the small events of a Wyoming stream.
So the protocol is named here.
"""

from __future__ import annotations

import socket


def tcp_listener(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host:port`` (not yet listening); OSError if it cannot be had."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError:
        sock.close()
        raise
    return sock
