"""Audio bytes for a response: one encoder per ``response_format``, and :class:`Job`, which runs
synthesis in its own thread and hands the bytes to the event loop through a bounded queue.

Which formats the server speaks, their media types and codecs come from the format table
(:mod:`ttscli.audio.formats`, those with ``serve`` in ``uses``). wav, pcm and f32 are written
here (the same float→int16 conversion as every other ttscli sink,
:func:`ttscli.audio.chunk.to_pcm16`); a format with an encoder of its own uses it; the others
stream through the bundled ffmpeg with its bit-exact flags.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import subprocess
import threading
from collections.abc import AsyncIterator, Callable, Iterable
from typing import Any

import numpy as np

from ..audio import formats, wavstream
from ..audio.chunk import to_pcm16
from ..errors import RunStopped
from . import FILE_PREFIX, STREAM_PREFIX

FILE_FORMATS = tuple(FILE_PREFIX + ext for ext in ("wav", "flac", "ogg", "opus", "mp3"))  # `say -o`'s files
STREAM_FORMATS = (STREAM_PREFIX + "wav", STREAM_PREFIX + "raw")  # `say`'s stdout: WAV or --raw
SAY_FORMATS = FILE_FORMATS + STREAM_FORMATS  # ttscli's own, for `say`'s fast client
PCM_RATE = formats.FORMATS["pcm"].rates[0]  # OpenAI's `pcm` is 24 kHz 16-bit mono little-endian


def served(name: str) -> formats.Format | None:
    """The format ``response_format`` names, when the server speaks it."""
    fmt = formats.get(name)
    return fmt if fmt is not None and formats.SERVE in fmt.uses else None


class Cancelled(Exception):
    """The client went away (or the server stops): synthesis ends between chunks."""


class _Encoder:
    def __init__(self, rate: int, emit: Callable[[bytes], None]):
        self.rate = rate
        self.emit = emit

    def write(self, samples: np.ndarray) -> None:
        self.emit(to_pcm16(samples).tobytes())

    def close(self) -> None: ...
    def kill(self) -> None: ...


class _F32(_Encoder):
    """ttscli's own format for `say`: the float chunks themselves, each framed by its sample count
    (u32 LE), so `say` feeds its sinks the same chunks and writes the same bytes as in-process."""

    def write(self, samples: np.ndarray) -> None:
        data = np.ascontiguousarray(samples, dtype="<f4")
        self.emit(len(data).to_bytes(4, "little") + data.tobytes())


class _Wav(_Encoder):
    """The header goes out with the first audio (sizes unknown: "read to end of stream"), so a
    request that fails before any audio is still answered with a JSON error."""

    _header_sent = False

    def _header(self) -> None:
        if not self._header_sent:
            self._header_sent = True
            self.emit(wavstream.header(self.rate))

    def write(self, samples):
        self._header()
        super().write(samples)

    def close(self):
        self._header()


class _Pcm(_Encoder):
    def __init__(self, rate, emit):
        super().__init__(rate, emit)
        from ..audio.resample import StreamResampler

        self._rs = StreamResampler(rate, PCM_RATE) if rate != PCM_RATE else None

    def write(self, samples):
        super().write(self._rs.process(samples) if self._rs else samples)

    def close(self):
        if self._rs:
            super().write(self._rs.flush())


class _Ffmpeg(_Encoder):
    def __init__(self, fmt: formats.Format, rate: int, emit):
        from ..audio.encode import BITEXACT, PcmPipe
        from ..audio.ffmpeg import exe

        super().__init__(rate, emit)
        cmd = [exe(), "-nostdin", "-hide_banner", "-loglevel", "error", "-f", "f32le", "-ar", str(rate),
               "-ac", "1", "-i", "pipe:0", "-ar", str(fmt.rate_for(rate)), *fmt.ffmpeg, *BITEXACT, "pipe:1"]
        self._pipe = PcmPipe(cmd, stdout=subprocess.PIPE)
        self._error: BaseException | None = None
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        fd = self._pipe._proc.stdout.fileno()
        try:
            while data := os.read(fd, 1 << 16):
                self.emit(data)
        except BaseException as exc:  # noqa: BLE001 - reported by close()
            self._error = exc
            self._pipe.kill()

    def write(self, samples):
        self._pipe.write(np.asarray(samples, dtype=np.float32))

    def close(self):
        code, text = self._pipe.finish()
        self._reader.join()
        if self._error is not None:
            raise self._error
        if code != 0:
            from ..errors import RuntimeFailure

            raise RuntimeFailure(f"ffmpeg failed: {' '.join(text.split())[-300:] or f'exit {code}'}")

    def kill(self):
        self._pipe.kill()
        self._reader.join(timeout=5)


class _File(_Encoder):
    """The finished file `say -o NAME.EXT` writes (the same FileSink, so the same bytes), for
    `say`'s fast client. Framed: u32 LE byte count, then the bytes; a zero count (sent for
    each chunk synthesized) says the work goes on."""

    BLOCK = 1 << 20

    def __init__(self, fmt: str, rate: int, emit):
        import tempfile

        from pathlib import Path

        from ..audio.sinks import FileSink

        super().__init__(rate, emit)
        self._dir = tempfile.TemporaryDirectory(prefix="ttscli-serve-")
        self._path = os.path.join(self._dir.name, f"audio.{fmt}")
        self._sink = FileSink(self._path, formats.format_for(Path(self._path), None))  # as `say -o audio.EXT`
        self._sink.start(rate)

    def write(self, samples):
        self._sink.write(samples)
        self.emit(b"\0\0\0\0")

    def close(self):
        try:
            self._sink.close()
            with open(self._path, "rb") as fh:
                while block := fh.read(self.BLOCK):
                    self.emit(len(block).to_bytes(4, "little") + block)
        finally:
            self._dir.cleanup()

    def kill(self):
        self._sink.abort()
        self._dir.cleanup()


class _Framed:
    """A binary stream for a sink whose writes leave as frames (u32 LE byte count, then the bytes)."""

    def __init__(self, emit: Callable[[bytes], None]):
        self.emit = emit

    def write(self, data: bytes) -> int:
        if data:
            self.emit(len(data).to_bytes(4, "little") + bytes(data))
        return len(data)

    def flush(self) -> None: ...

    def seekable(self) -> bool:
        return False  # the client patches the WAV sizes in if its stdout can seek


class _Stdout(_Encoder):
    """What `say --raw` (or `say` with WAV on stdout) writes, for `say`'s fast client: the same
    StreamSink, so the same bytes, its writes framed as they happen. The sink starts (the WAV
    header) with the first audio, so a request that fails before it is a JSON error."""

    def __init__(self, kind: str, rate: int, emit):
        from ..audio.sinks import StreamSink

        super().__init__(rate, emit)
        self._sink = StreamSink(_Framed(emit), raw=kind == "raw", label="the response")

    def _started(self) -> None:
        if not self._sink.sample_rate:
            self._sink.start(self.rate)

    def write(self, samples):
        self._started()
        self._sink.write(samples)

    def close(self):
        self._started()
        self._sink.close()


def encoder_for(name: str, rate: int, emit: Callable[[bytes], None]) -> Any:
    """An encoder with write(float32 samples), close() and kill() for the served format ``name``."""
    simple = {"f32": _F32, "wav": _Wav, "pcm": _Pcm}
    if name.startswith(FILE_PREFIX):
        return _File(name[len(FILE_PREFIX):], rate, emit)
    if name.startswith(STREAM_PREFIX):
        return _Stdout(name[len(STREAM_PREFIX):], rate, emit)
    if name in simple:
        return simple[name](rate, emit)
    fmt = formats.FORMATS[name]
    if fmt.encoder is not None:
        return fmt.open_encoder(rate, emit)
    return _Ffmpeg(fmt, rate, emit)


class Job:
    """One synthesis in a thread of its own. ``emit`` (thread side) blocks while the queue is
    full, which bounds memory per request; :meth:`cancel` ends the work between chunks."""

    def __init__(self, depth: int = 8, interrupt: Callable[[], None] | None = None):
        self.loop = asyncio.get_running_loop()
        self._interrupt = interrupt  # stops the model runs in progress (Backend.interrupt)
        self.queue: asyncio.Queue = asyncio.Queue(depth)
        self.done = self.loop.create_future()
        self._cancel = threading.Event()
        self.segments = 0  # segments taken by the synthesizer so far
        self.bytes = 0
        self.thread: threading.Thread | None = None

    def cancel(self) -> None:
        """End the work: between chunks, and the model runs in progress at once (their
        RunStopped becomes Cancelled), so the model is free for the next request sooner."""
        if self._cancel.is_set():
            return
        self._cancel.set()
        if self._interrupt is not None and self.thread is not None and self.thread.is_alive():
            self._interrupt()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def emit(self, data: bytes) -> None:
        if not data:
            return
        if self._cancel.is_set():
            raise Cancelled()
        try:
            fut = asyncio.run_coroutine_threadsafe(self.queue.put(data), self.loop)
        except RuntimeError:  # the loop has closed
            raise Cancelled() from None
        while True:
            try:
                fut.result(timeout=0.2)
                return
            except concurrent.futures.TimeoutError:
                if self._cancel.is_set():
                    fut.cancel()
                    raise Cancelled() from None

    def counted(self, segments: Iterable) -> Iterable:
        for seg in segments:
            if self._cancel.is_set():
                raise Cancelled()
            self.segments += 1
            yield seg

    def start(self, work: Callable[[Job], Any], on_exit: Callable[[BaseException | None], None]) -> None:
        """Run ``work(job)`` in a thread; ``on_exit(error or None)`` then runs on the loop."""

        def main() -> None:
            outcome: BaseException | None = None
            try:
                work(self)
            except RunStopped as exc:  # the runs this job's cancel() stopped: a cancellation
                outcome = Cancelled() if self.cancelled else exc
            except BaseException as exc:  # noqa: BLE001 - handed to the loop
                outcome = exc
            try:
                self.loop.call_soon_threadsafe(self._finish, outcome, on_exit)
            except RuntimeError:  # the loop has closed (the server stopped): nobody waits any more
                pass

        self.thread = threading.Thread(target=main, name="ttscli-synth", daemon=True)
        self.thread.start()

    def _finish(self, outcome, on_exit) -> None:
        on_exit(outcome)
        if not self.done.done():
            self.done.set_result(outcome)

    async def next(self) -> bytes | None:
        """The next bytes in order; None at the end; raises what the synthesis raised
        (after the bytes before it)."""
        while True:
            if not self.queue.empty():
                data = self.queue.get_nowait()
                self.bytes += len(data)
                return data
            if self.done.done():
                outcome = self.done.result()
                if outcome is not None:
                    raise outcome
                return None
            getter = asyncio.ensure_future(self.queue.get())
            try:
                await asyncio.wait({getter, self.done}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                if not getter.done():
                    getter.cancel()
            if getter.done() and not getter.cancelled():
                data = getter.result()
                self.bytes += len(data)
                return data

    async def chunks(self, first: bytes | None = None) -> AsyncIterator[bytes]:
        """The bytes in order (``first``: already taken with :meth:`next`)."""
        if first is not None:
            yield first
        while (data := await self.next()) is not None:
            yield data
