"""`ttscli serve --wyoming`: the Wyoming protocol (Home Assistant's voice services) for every model.

Events (``describe`` → ``info``, ``synthesize``, ``synthesize-start`` / ``-chunk`` /
``-stop`` → ``audio-start`` / ``audio-chunk`` / ``audio-stop`` and ``synthesize-stopped``,
``ping`` → ``pong``) are read with limits (:mod:`.wyoming_events`): a malformed or oversized
event closes its connection only, with one log line; a refused request is an ``error``
event and the connection stays open. Each connection reads in one task and speaks in
another, so text streamed in is spoken while more arrives, and a slow or vanished client
holds up nobody else. The models come from the server's :class:`~.models.Pool`, the same
one the HTTP API uses when both run in one process.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from dataclasses import dataclass, field

from .. import __version__
from ..errors import RuntimeFailure, TtsError
from .errors import ApiError
from .models import Pool
from .wyoming_events import Limits, ProtocolError, event_text, event_voice, read_event
from .wyoming_speech import Request, RequestError, speak
from .wyoming_voices import Voices

log = logging.getLogger("ttscli.server")
access = logging.getLogger("ttscli.server.access")


@dataclass
class Server:
    """The Wyoming side of `ttscli serve`: its listener, connections and limits."""

    pool: Pool
    limits: Limits = field(default_factory=Limits)
    voices: Voices = field(default_factory=Voices)
    connections: set = field(default_factory=set)
    _listener: asyncio.AbstractServer | None = None

    async def start(self, sock) -> None:
        """Serve on a listening socket (see :func:`bind`)."""
        import socket

        limit = self.limits.max_line
        if sock.family == getattr(socket, "AF_UNIX", None):
            self._listener = await asyncio.start_unix_server(self._connected, sock=sock, limit=limit)
        else:
            self._listener = await asyncio.start_server(self._connected, sock=sock, limit=limit)

    async def stop(self, grace: float = 0.0) -> None:
        """Stop listening; requests in progress get ``grace`` seconds, then end."""
        if self._listener is not None:
            self._listener.close()
        if self.connections and grace > 0:
            await asyncio.wait(list(self.connections), timeout=grace)
        for task in list(self.connections):
            task.cancel()
        if self.connections:
            await asyncio.wait(list(self.connections), timeout=5)

    async def _connected(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        self.connections.add(task)
        try:
            await Connection(self, reader, writer).run()
        finally:
            self.connections.discard(task)


class Connection:
    """One client: a reader loop (this task) and a worker that speaks its requests in order."""

    def __init__(self, server: Server, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.server = server
        self.limits = server.limits
        self.reader = reader
        self.writer = writer
        peer = writer.get_extra_info("peername")
        self.client = f"{peer[0]}:{peer[1]}" if isinstance(peer, tuple) else "unix"
        self.requests: asyncio.Queue = asyncio.Queue()
        self.streaming: Request | None = None
        self.events = 0  # events of the streamed request
        self.worker: asyncio.Task | None = None

    async def run(self) -> None:
        reading = None
        try:
            if len(self.server.connections) > self.limits.max_connections:
                await self._error(f"too many connections (limit {self.limits.max_connections}); try again later",
                                  "busy")
                return
            self.worker = asyncio.create_task(self._work())
            reading = asyncio.create_task(self._read_loop())
            done, _ = await asyncio.wait({reading, self.worker}, return_when=asyncio.FIRST_EXCEPTION)
            for task in done:
                task.result()  # raises what ended the connection
        except ProtocolError as exc:
            log.warning("wyoming client %s: %s; connection closed", self.client, exc)
            with contextlib.suppress(Exception):
                await self._error(f"{exc}; closing the connection", "protocol")
        except (ConnectionError, asyncio.TimeoutError, OSError) as exc:
            log.info("wyoming client %s: connection ended (%s)", self.client, exc or type(exc).__name__)
        except Exception as exc:  # noqa: BLE001 - one connection's failure is logged, the server goes on
            log.error("wyoming client %s: %s: %s; connection closed", self.client, type(exc).__name__, exc)
        finally:
            for task in (reading, self.worker):
                if task is not None and not task.done():
                    task.cancel()
                    with contextlib.suppress(BaseException):
                        await task
            self.writer.close()

    async def _read_loop(self) -> None:
        while True:
            event = await read_event(self.reader, self.limits, self.limits.idle)
            if event is None:  # the client closed its side
                if self.streaming is not None:
                    raise ConnectionResetError("the client left in the middle of a stream")
                self.requests.put_nowait(None)  # what it asked for before is still answered
                return
            await self._dispatch(event)

    async def _dispatch(self, event) -> None:
        kind = event.type
        if kind == "describe":
            await self._write(await asyncio.to_thread(self.server.voices.info, __version__))
        elif kind == "ping":
            from wyoming.ping import Pong

            await self._write(Pong(text=event.data.get("text")).event())
        elif kind == "synthesize":
            if self.streaming is None:  # inside a stream it repeats the whole text for older servers: ignored
                request = await self._open(event, streaming=False)
                if request is not None:
                    await self._add(request, event_text(event))
                    request.finish()
        elif kind == "synthesize-start":
            if self.streaming is not None:
                raise ProtocolError("synthesize-start inside a stream")
            self.streaming = await self._open(event, streaming=True)
            self.events = 0
        elif kind in ("synthesize-chunk", "synthesize-stop"):
            await self._stream_event(event)

    async def _stream_event(self, event) -> None:
        request = self.streaming
        if request is None:
            raise ProtocolError(f"{event.type} outside a stream (send synthesize-start first)")
        self.events += 1
        if self.events > self.limits.max_events:
            raise ProtocolError(f"over {self.limits.max_events} events in one stream")
        if event.type == "synthesize-chunk":
            await self._add(request, event_text(event))
            return
        self.streaming = None
        request.finish()

    async def _open(self, event, streaming: bool) -> Request | None:
        """A new request with its voice; an unknown voice is an error event (the request is
        still queued when streaming, so its end gets synthesize-stopped)."""
        name, language, speaker = event_voice(event)
        request = Request(None, streaming, max_chars=self.limits.max_chars)  # type: ignore[arg-type]
        try:
            request.choice = await asyncio.to_thread(self.server.voices.choose, name, language, speaker)
            request.lang = await asyncio.to_thread(_language, request.choice)
        except (TtsError, ApiError) as exc:
            await self._refuse(request, exc)
            if not streaming:
                return None
        self.requests.put_nowait(request)
        return request

    async def _add(self, request: Request, text: str) -> None:
        try:
            request.add(text)
        except RequestError as exc:
            request.failed = True
            await self._error(str(exc), exc.code)

    async def _refuse(self, request: Request, exc: Exception) -> None:
        request.failed = True
        if isinstance(exc, TtsError):
            await self._error(exc.one_line(), f"exit_{exc.exit_code}")
        else:
            await self._error(str(exc), getattr(exc, "code", None) or "error")

    async def _work(self) -> None:
        """Speak the requests in order: audio-start, chunks, audio-stop (+ synthesize-stopped)."""
        while (request := await self.requests.get()) is not None:
            started = False

            async def send(data: bytes, rate: int) -> None:
                nonlocal started
                from wyoming.audio import AudioChunk, AudioStart

                if not started:
                    started = True
                    await self._write(AudioStart(rate=rate, width=2, channels=1).event())
                await self._write(AudioChunk(rate=rate, width=2, channels=1, audio=data).event())

            outcome = None
            try:
                outcome = await speak(self.server.pool, request, send)
            except (ConnectionError, asyncio.TimeoutError):
                raise  # the client is gone or stopped reading: the connection ends
            except Exception as exc:  # noqa: BLE001 - a failed synthesis ends this request only
                if not isinstance(exc, (TtsError, ApiError)):
                    log.error("wyoming client %s: synthesis failed: %s", self.client, exc)
                    exc = RuntimeFailure(f"synthesis failed: {exc}")
                await self._refuse(request, exc)
                while await request.pieces.get() is not None:  # the rest of its text is not spoken
                    pass
            await self._finish(request, started, outcome)

    async def _finish(self, request: Request, started: bool, outcome) -> None:
        from wyoming.audio import AudioStop

        if started or (not request.failed and not request.streaming):
            await self._write(AudioStop().event())
        if request.streaming:
            from wyoming.tts import SynthesizeStopped

            await self._write(SynthesizeStopped().event())
        first = outcome.first_audio if outcome else None
        record = {"time": round(time.time(), 3), "client": self.client, "method": "wyoming",
                  "path": "stream" if request.streaming else "synthesize", "status": "error" if request.failed else "ok",
                  "seconds": round(time.perf_counter() - request.started, 4),
                  "voice": request.choice.name if request.choice else None, "chars": request.chars,
                  "audio": round(outcome.samples / outcome.rate, 3) if outcome and outcome.rate else 0.0,
                  "first_audio": round(first, 4) if first is not None else None}
        access.info("%s", json.dumps(record, separators=(",", ":")), extra={"record": record})

    async def _error(self, text: str, code: str) -> None:
        from wyoming.error import Error

        await self._write(Error(text=text, code=code).event())

    async def _write(self, event) -> None:
        from wyoming.event import async_write_event

        await asyncio.wait_for(async_write_event(event, self.writer), self.limits.write)


def _language(choice) -> str | None:
    from ..selection import select

    return select(choice.model, choice.voice).language
