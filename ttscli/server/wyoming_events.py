"""Reading Wyoming events with limits: a header line, its extra data and payload, each bounded
in size and time (:class:`Limits`). A malformed or oversized event is a :class:`ProtocolError`,
which closes that connection only (see :mod:`.wyoming`)."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass


@dataclass
class Limits:
    max_chars: int = 4096  # characters of text per request (--max-input)
    max_connections: int = 16
    max_events: int = 4096  # events of one streamed request
    max_line: int = 64 * 1024  # bytes of an event's JSON header line
    max_data: int = 64 * 1024  # bytes of its extra data (grows with max_chars)
    max_payload: int = 64 * 1024  # a TTS server is sent no audio
    idle: float = 120.0  # seconds a connection may stay silent between events
    read: float = 10.0  # seconds for the rest of an event once its header has arrived
    write: float = 30.0  # seconds a client may take to accept one event

    def __post_init__(self) -> None:
        self.max_data = max(self.max_data, 4 * self.max_chars + 16 * 1024)


class ProtocolError(Exception):
    """The client broke the protocol: its connection is closed."""


def _length(header: dict, key: str, limit: int) -> int:
    value = header.get(key) or 0
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ProtocolError(f"{key} is not a byte count")
    if value > limit:
        raise ProtocolError(f"{key} {value} is over the limit of {limit} bytes")
    return value


async def read_event(reader: asyncio.StreamReader, limits: Limits, idle: float):
    """The next event, None at the end of the stream; ProtocolError for a malformed one."""
    from wyoming.event import Event

    try:
        line = await asyncio.wait_for(reader.readline(), idle)
    except (ValueError, asyncio.LimitOverrunError):
        raise ProtocolError(f"an event header is over {limits.max_line} bytes") from None
    if not line or not line.endswith(b"\n"):
        return None
    try:
        header = json.loads(line)
    except (ValueError, UnicodeDecodeError):
        raise ProtocolError("an event header is not JSON") from None
    if not isinstance(header, dict) or not isinstance(header.get("type"), str):
        raise ProtocolError("an event header has no type")
    data = header.get("data") or {}
    if not isinstance(data, dict):
        raise ProtocolError("event data is not an object")
    size = _length(header, "data_length", limits.max_data)
    payload_size = _length(header, "payload_length", limits.max_payload)
    try:
        if size:
            extra = json.loads(await asyncio.wait_for(reader.readexactly(size), limits.read))
            if not isinstance(extra, dict):
                raise ProtocolError("event data is not an object")
            data.update(extra)
        payload = await asyncio.wait_for(reader.readexactly(payload_size), limits.read) if payload_size else None
    except asyncio.IncompleteReadError:
        return None
    except (ValueError, UnicodeDecodeError):
        raise ProtocolError("event data is not JSON") from None
    return Event(type=header["type"], data=data, payload=payload)


def event_text(event, key: str = "text") -> str:
    value = event.data.get(key)
    if not isinstance(value, str):
        raise ProtocolError(f"{event.type} has no text")
    return value


def event_voice(event) -> tuple[str | None, str | None, str | None]:
    voice = event.data.get("voice") or {}
    if not isinstance(voice, dict):
        raise ProtocolError("voice is not an object")
    fields = tuple(voice.get(k) for k in ("name", "language", "speaker"))
    if any(v is not None and (not isinstance(v, str) or len(v) > 200) for v in fields):
        raise ProtocolError("voice fields must be short strings")
    return fields  # type: ignore[return-value]
