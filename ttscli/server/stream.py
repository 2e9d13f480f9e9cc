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
    def __init__(self, rate, emit):
        super().__init__(rate, emit)
        emit(wavstream.header(rate))  # sizes unknown: "read to end of stream"


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


def encoder_for(name: str, rate: int, emit: Callable[[bytes], None]) -> Any:
    """An encoder with write(float32 samples), close() and kill() for the served format ``name``."""
    simple = {"f32": _F32, "wav": _Wav, "pcm": _Pcm}
    if name in simple:
        return simple[name](rate, emit)
    fmt = formats.FORMATS[name]
    if fmt.encoder is not None:
        return fmt.open_encoder(rate, emit)
    return _Ffmpeg(fmt, rate, emit)


class Job:
    """One synthesis in a thread of its own. ``emit`` (thread side) blocks while the queue is
    full, which bounds memory per request; :meth:`cancel` ends the work between chunks."""

    def __init__(self, depth: int = 8):
        self.loop = asyncio.get_running_loop()
        self.queue: asyncio.Queue = asyncio.Queue(depth)
        self.done = self.loop.create_future()
        self._cancel = threading.Event()
        self.segments = 0  # segments taken by the synthesizer so far
        self.bytes = 0

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def emit(self, data: bytes) -> None:
        if not data:
            return
        if self._cancel.is_set():
            raise Cancelled()
        fut = asyncio.run_coroutine_threadsafe(self.queue.put(data), self.loop)
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
            except BaseException as exc:  # noqa: BLE001 - handed to the loop
                outcome = exc
            self.loop.call_soon_threadsafe(self._finish, outcome, on_exit)

        threading.Thread(target=main, name="ttscli-synth", daemon=True).start()

    def _finish(self, outcome, on_exit) -> None:
        on_exit(outcome)
        if not self.done.done():
            self.done.set_result(outcome)

    async def chunks(self) -> AsyncIterator[bytes]:
        """The bytes in order; raises what the synthesis raised (after the bytes before it)."""
        while True:
            getter = asyncio.ensure_future(self.queue.get())
            await asyncio.wait({getter, self.done}, return_when=asyncio.FIRST_COMPLETED)
            if getter.done():
                data = getter.result()
                self.bytes += len(data)
                yield data
                continue
            getter.cancel()
            while not self.queue.empty():
                data = self.queue.get_nowait()
                self.bytes += len(data)
                yield data
            outcome = self.done.result()
            if outcome is not None:
                raise outcome
            return
