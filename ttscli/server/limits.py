"""Limits on connections, for any asyncio server of ttscli (standard library only).

* :class:`Connections` — a cap on open connections, kept below the process's file limit so
  the server never runs out of descriptors; a connection over the cap is closed at once.
* :class:`Timer` — a deadline per connection: a connection that has not finished sending a
  request (headers and body) within ``header_timeout`` of connecting, or of the end of its
  previous response, is closed. Idle, trickling and half-sent connections cannot be held.
* :class:`OneLine` — one log line per event, at most one per second per kind of event, with a
  count of the lines left out: a flood (descriptor exhaustion, a scan) cannot fill the disk.
* :func:`quiet_loop` — the event loop's own error reports as such single lines (no
  tracebacks), and :func:`quiet_threads` the same for exceptions that end a thread.
* :func:`guarded_http` — uvicorn's HTTP protocol class with the cap and the deadline.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
import time

BODY_TIMEOUT = 30.0  # seconds to read a request body (the app's own bound)
SEND_TIMEOUT = 300.0  # seconds one part of a response may wait for its reader (a real-time player reads slowly)
MAX_CONNECTIONS = 256
FD_RESERVE = 64  # descriptors kept free for models, ffmpeg pipes, logs


def connection_cap(wanted: int = MAX_CONNECTIONS) -> tuple[int, int]:
    """(cap, accept backlog): ``wanted`` lowered so that open connections, plus one backlog of
    connections accepted at once, stay below the soft descriptor limit."""
    import os

    try:
        import resource

        soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    except (ImportError, OSError, ValueError):
        return wanted, 128
    if soft == resource.RLIM_INFINITY:
        return wanted, 128
    try:
        used = len(os.listdir("/proc/self/fd"))
    except OSError:
        used = 32
    free = max(8, soft - used - FD_RESERVE if soft - used > 2 * FD_RESERVE else (soft - used) // 2)
    backlog = max(2, min(128, free // 4))
    return max(2, min(wanted, free - backlog)), backlog


class OneLine:
    """Log ``message`` for an event of kind ``key`` at most once per ``every`` seconds; the
    next line says how many were left out."""

    def __init__(self, logger: logging.Logger, every: float = 1.0):
        self.logger = logger
        self.every = every
        self._last: dict[str, float] = {}
        self._skipped: dict[str, int] = {}
        self._lock = threading.Lock()

    def __call__(self, key: str, message: str, level: int = logging.WARNING) -> None:
        now = time.monotonic()
        with self._lock:
            if now - self._last.get(key, -1e9) < self.every:
                self._skipped[key] = self._skipped.get(key, 0) + 1
                return
            self._last[key] = now
            skipped = self._skipped.pop(key, 0)
        if skipped:
            message += f" ({skipped} more like this since the last such line)"
        try:
            self.logger.log(level, "%s", " ".join(str(message).split()))
        except Exception:  # noqa: BLE001 - a log line must never become a new failure
            pass


def describe(exc: BaseException | None) -> str:
    if exc is None:
        return ""
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def quiet_loop(loop: asyncio.AbstractEventLoop, note: OneLine) -> None:
    """Report the loop's errors (``socket.accept() out of system resource``, a failed callback)
    as one line each, rate-limited, instead of a traceback each."""

    def handler(_loop, context: dict) -> None:
        exc = context.get("exception")
        message = context.get("message") or "event loop error"
        note(f"loop:{message}:{type(exc).__name__}", f"{message}: {describe(exc)}" if exc else message)

    loop.set_exception_handler(handler)


def quiet_threads(note: OneLine) -> None:
    """An exception that ends a thread (or is raised where nobody can catch it) is one line."""

    def on_thread(args) -> None:
        if args.exc_type is SystemExit:
            return
        note(f"thread:{args.exc_type.__name__}", f"thread {getattr(args.thread, 'name', '?')} ended: "
             f"{describe(args.exc_value)}")

    def on_unraisable(args) -> None:
        note(f"unraisable:{type(args.exc_value).__name__}", f"ignored: {describe(args.exc_value)}")

    threading.excepthook = on_thread
    sys.unraisablehook = on_unraisable


class Connections:
    """Open connections, at most ``cap`` of them. When full, the connection idle the longest
    (one with no request in progress: a held or trickling one) is closed for the new one;
    when none is idle, the new connection is closed."""

    def __init__(self, cap: int, note: OneLine):
        self.cap = cap
        self.members: dict = {}  # connection -> (opened at, is_idle())
        self.refused = 0
        self.note = note

    @property
    def open(self) -> int:
        return len(self.members)

    def admit(self, member, is_idle, close) -> bool:
        if len(self.members) >= self.cap:
            idle = [(opened, m) for m, (opened, idle_now, _) in self.members.items() if idle_now()]
            if not idle:
                self.refused += 1
                self.note("cap", f"connection refused: {self.open} connections open, all busy (limit {self.cap})")
                return False
            _, oldest = min(idle, key=lambda pair: pair[0])
            self.note("evict", f"closed an idle connection for a new one ({self.open} open, limit {self.cap})")
            self.members.pop(oldest)[2]()
        self.members[member] = (time.monotonic(), is_idle, close)
        return True

    def leave(self, member) -> None:
        self.members.pop(member, None)


class Timer:
    """One deadline at a time on the loop; ``expired()`` runs when it passes."""

    def __init__(self, loop: asyncio.AbstractEventLoop, seconds: float, expired):
        self.loop = loop
        self.seconds = seconds
        self.expired = expired
        self._handle: asyncio.TimerHandle | None = None

    def start(self) -> None:
        self.stop()
        self._handle = self.loop.call_later(self.seconds, self.expired)

    def stop(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None


def guarded_http(base: type, connections: Connections, header_timeout: float, note: OneLine) -> type:
    """A subclass of uvicorn's HTTP protocol ``base`` that applies ``connections`` and closes a
    connection that has no request in progress ``header_timeout`` seconds after it connected
    or finished its last response."""

    class Guarded(base):
        _admitted = False
        _timer: Timer | None = None

        def connection_made(self, transport) -> None:
            if not connections.admit(self, self._idle, transport.abort):
                transport.abort()
                return
            self._admitted = True
            super().connection_made(transport)
            self._timer = Timer(self.loop, header_timeout, self._deadline)
            self._timer.start()

        def _idle(self) -> bool:
            cycle = getattr(self, "cycle", None)
            return cycle is None or cycle.response_complete

        def _deadline(self) -> None:
            if not self._idle():
                return  # a request is being answered: its own bounds apply
            client = self.client[0] if getattr(self, "client", None) else "-"
            note("timeout", f"{client}: closed a connection that sent no complete request in {header_timeout:g}s")
            if not self.transport.is_closing():
                self.transport.close()

        def data_received(self, data: bytes) -> None:
            if self._admitted:
                super().data_received(data)

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if self._timer is not None and not self.transport.is_closing():
                self._timer.start()

        def connection_lost(self, exc) -> None:
            if not self._admitted:
                return
            self._admitted = False
            if self._timer is not None:
                self._timer.stop()
            connections.leave(self)
            super().connection_lost(exc)

    Guarded.__name__ = f"Guarded{base.__name__}"
    return Guarded


class SendTimeout:
    """ASGI middleware: a response part the client does not take within ``seconds`` (a reader
    that stopped reading) ends the request, so a held response cannot keep a model busy."""

    def __init__(self, app, seconds: float = SEND_TIMEOUT):
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def bounded(message):
            await asyncio.wait_for(send(message), self.seconds)

        return await self.app(scope, receive, bounded)
