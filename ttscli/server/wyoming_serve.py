"""Running the Wyoming server: beside the HTTP API (in its lifespan, on the same Pool) or alone.

Alone (``ttscli serve --wyoming --no-http``) it owns the event loop: a Pool with its reaper,
SIGINT/SIGTERM stop listening, requests in progress get ``grace`` seconds, then models are
unloaded and the process exits 0. ``--zeroconf`` advertises the TCP port to Home Assistant
on the local network (mDNS, the ``zeroconf`` package).
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from dataclasses import dataclass

from .models import Pool
from .wyoming import Server
from .wyoming_events import Limits

log = logging.getLogger("ttscli.server")


@dataclass
class WyomingConfig:
    sock: object  # a listening socket (bind)
    limits: Limits
    zeroconf: bool = False
    grace: float = 10.0


class Companion:
    """The Wyoming server started and stopped with another server's lifespan."""

    def __init__(self, config: WyomingConfig):
        self.config = config
        self.server: Server | None = None
        self._zeroconf = None

    async def start(self, pool: Pool) -> None:
        self.server = Server(pool, self.config.limits)
        await self.server.start(self.config.sock)
        bound = address(self.config.sock)
        log.info("serving Wyoming on %s", bound)
        if self.config.zeroconf:
            self._zeroconf = await _advertise(int(bound.rpartition(":")[2]))

    async def stop(self, grace: float | None = None) -> None:
        if self._zeroconf is not None:
            try:
                await self._zeroconf.async_close()
            except Exception as exc:  # noqa: BLE001 - leaving the network must not block shutdown
                log.warning("zeroconf: %s", exc)
        if self.server is not None:
            await self.server.stop(self.config.grace if grace is None else grace)


async def _advertise(port: int):
    from wyoming.zeroconf import HomeAssistantZeroconf

    advert = HomeAssistantZeroconf(port=port)
    await advert.register_server()
    log.info("zeroconf: advertised %s._wyoming._tcp.local. at %s:%d", advert.name, advert.host, port)
    return advert._aiozc


def run_alone(companion: Companion, pool_options: dict) -> None:
    """Serve Wyoming without HTTP until SIGINT/SIGTERM (a second one stops at once)."""
    asyncio.run(_alone(companion, pool_options))


async def _alone(companion: Companion, pool_options: dict) -> None:
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, _on_signal, stop)
    pool = Pool(**pool_options)
    reaper = asyncio.create_task(pool.reaper())
    try:
        await companion.start(pool)
        await stop.wait()
        log.info("stopping (requests in progress get %gs)", companion.config.grace)
    finally:
        await companion.stop()
        reaper.cancel()
        pool.close()
        log.info("stopped")


def _on_signal(stop: asyncio.Event) -> None:
    if stop.is_set():
        raise SystemExit(130)  # a second Ctrl-C: at once
    stop.set()


def parse_uri(uri: str) -> tuple[str, str, int]:
    """(scheme, host or path, port) of ``tcp://HOST:PORT`` or ``unix://PATH`` (ValueError otherwise)."""
    scheme, sep, rest = uri.partition("://")
    if scheme == "unix" and sep and rest:
        return "unix", rest, 0
    if scheme == "tcp" and sep:
        host, colon, port = rest.rpartition(":")
        if colon and host and port.isdigit() and int(port) < 65536:
            return "tcp", host.strip("[]"), int(port)
    raise ValueError(f"{uri!r} is not tcp://HOST:PORT or unix://PATH")


def bind(uri: str):
    """A listening socket for ``uri``; OSError (with the reason) if it cannot be had. A unix
    socket file left by an earlier server is replaced; any other file there is not."""
    import socket
    import stat

    from .sockets import tcp_listener

    scheme, where, port = parse_uri(uri)
    if scheme == "unix":
        if os.path.lexists(where):
            if not stat.S_ISSOCK(os.lstat(where).st_mode):
                raise OSError(f"{where} exists and is not a socket")
            os.unlink(where)
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.bind(where)
            os.chmod(where, 0o660)  # the owner and its group (Home Assistant's user may join it)
        except OSError:
            sock.close()
            raise
    else:
        sock = tcp_listener(where, port)
    sock.listen(128)
    sock.setblocking(False)
    return sock


def address(sock) -> str:
    """The URI a bound socket serves."""
    name = sock.getsockname()
    if isinstance(name, str):
        return f"unix://{name}"
    host = f"[{name[0]}]" if ":" in name[0] else name[0]
    return f"tcp://{host}:{name[1]}"
