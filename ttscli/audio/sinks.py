"""Where audio goes: a file (atomically), stdout (WAV or raw PCM), or a speaker.

A sink is created before synthesis starts, so bad output paths fail before any
model is loaded; ``start()`` is called once the sample rate is known.
"""

from __future__ import annotations

import errno
import sys
from pathlib import Path

import numpy as np

from ..errors import OutputError, PipeClosed
from ..fsio import AtomicFile, output_target, write_error, write_failure
from . import wavstream
from .chunk import to_pcm16
from .formats import Format


class Sink:
    """Base class. Subclasses implement _start/_write/_commit/_discard."""

    sample_rate: int = 0
    samples_written: int = 0

    def start(self, sample_rate: int) -> None:
        self.sample_rate = sample_rate
        self._start()

    def write(self, samples: np.ndarray) -> None:
        if len(samples):
            self._write(samples)
            self.samples_written += len(samples)

    def close(self) -> None:
        self._commit()

    def abort(self) -> None:
        self._discard()

    # --- hooks
    def _start(self) -> None: ...
    def _write(self, samples: np.ndarray) -> None: ...
    def _commit(self) -> None: ...
    def _discard(self) -> None: ...

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, _tb):
        if exc_type is None:
            self.close()
        else:
            self.abort()
        return False


class FileSink(Sink):
    """Encode into a temp file, renamed into place on close: with libsndfile when the format
    names it (``Format.soundfile``), else with its own encoder, else with ffmpeg."""

    def __init__(self, path: Path | str, fmt: Format, *, inputs: tuple = ()):
        self.path, self._special = output_target(path, inputs=inputs)  # a symlink's target is written
        self.fmt = fmt
        if self._special and fmt.name != "wav":
            raise OutputError(f"{path} is not a regular file", hint="only WAV can be streamed to a device or pipe")
        self._atomic: AtomicFile | None = None
        self._sf = None
        self._stream: StreamSink | None = None
        self._encoder = None  # ffmpeg, or the format's own encoder
        self._fh = None  # the temp file the format's own encoder writes into
        self._resampler = None

    def _start(self) -> None:
        if self._special:
            try:
                fh = open(self.path, "wb", buffering=0)
            except OSError as exc:
                raise write_error(exc, self.path) from exc
            self._stream = StreamSink(fh, raw=False, label=str(self.path))
            self._stream.start(self.sample_rate)
            return
        if self.fmt.soundfile is None:
            self._start_encoder()
            return
        import soundfile as sf

        rate = self.fmt.rate_for(self.sample_rate)
        if rate != self.sample_rate:
            from .resample import StreamResampler

            self._resampler = StreamResampler(self.sample_rate, rate)
        try:
            self._atomic = AtomicFile(self.path, user_output=True)
            self._sf = sf.SoundFile(
                str(self._atomic.tmp), "w", samplerate=rate, channels=1,
                format=self.fmt.soundfile[0], subtype=self.fmt.soundfile[1],
            )
        except OSError as exc:
            self._discard()
            raise write_error(exc, self.path) from exc
        except sf.LibsndfileError as exc:
            self._discard()
            raise OutputError(f"cannot encode {self.fmt.name} at {rate} Hz: {exc}") from exc

    def _start_encoder(self) -> None:
        """The format's own encoder, or ffmpeg in bit-exact mode (Ogg Vorbis and Opus:
        libsndfile gives every Ogg stream a random serial number, so two runs would differ)."""
        from .encode import Encoder

        try:
            self._atomic = AtomicFile(self.path, user_output=True)
            if self.fmt.encoder is not None:
                self._fh = open(self._atomic.tmp, "wb")
                self._encoder = self.fmt.open_encoder(self.sample_rate, self._fh.write)
            else:  # ffmpeg resamples to a rate its encoder takes
                self._encoder = Encoder(self._atomic.tmp, self.fmt.name, self.sample_rate, 1)
        except OSError as exc:
            self._discard()
            raise write_error(exc, self.path) from exc
        except BaseException:
            self._discard()
            raise

    def _write(self, samples: np.ndarray) -> None:
        if self._stream is not None:
            self._stream.write(samples)
            return
        if self._encoder is not None:
            self._encoder.write(np.clip(np.nan_to_num(samples), -1.0, 1.0).astype(np.float32))
            return
        if self._resampler is not None:
            samples = self._resampler.process(samples)
        self._sf_write(samples)

    def _sf_write(self, samples: np.ndarray) -> None:
        import soundfile as sf

        try:  # 16-bit PCM: the same float→int16 conversion as the stdout stream (to_pcm16)
            self._sf.write(to_pcm16(samples) if self.fmt.soundfile[1] == "PCM_16"
                           else np.clip(np.nan_to_num(samples), -1.0, 1.0))
        except (OSError, RuntimeError, sf.LibsndfileError) as exc:
            failure = write_failure(exc, self.path)
            raise (failure if failure is not exc else write_error(OSError(errno.EIO, str(exc)), self.path)) from exc

    def _commit(self) -> None:
        if self._stream is not None:
            self._stream.close()
            return
        if self._encoder is not None:
            try:
                self._encoder.close()
                if self._fh is not None:
                    self._fh.close()
            except BaseException as exc:
                own = self._fh is not None
                self._encoder = None
                self._discard()
                if own and isinstance(exc, OSError):
                    raise write_failure(exc, self.path) from exc
                raise
            self._encoder = None
            self._atomic.commit()
            return
        if self._sf is None:
            return
        try:
            if self._resampler is not None:
                self._sf_write(self._resampler.flush())
            self._sf.close()
        except BaseException as exc:
            self._discard()
            raise write_failure(exc, self.path) from exc
        self._sf = None
        self._atomic.commit()

    def _discard(self) -> None:
        if self._stream is not None:
            self._stream.abort()
        if self._encoder is not None:
            self._encoder.kill()
            self._encoder = None
        if self._fh is not None:
            self._fh.close()
            self._fh = None
        if self._sf is not None:
            try:
                self._sf.close()
            except Exception:  # noqa: BLE001 - already failing; the temp file goes anyway
                pass
            self._sf = None
        if self._atomic is not None:
            self._atomic.discard()


class StreamSink(Sink):
    """WAV (streaming header) or raw s16le PCM into a binary stream, flushed per chunk."""

    def __init__(self, stream=None, *, raw: bool = False, label: str = "stdout"):
        self.stream = stream if stream is not None else sys.stdout.buffer
        self.raw = raw
        self.label = label
        self._data_bytes = 0

    def _emit(self, data: bytes) -> None:
        try:
            self.stream.write(data)
            self.stream.flush()
        except BrokenPipeError as exc:
            raise PipeClosed() from exc
        except OSError as exc:
            if exc.errno == errno.EPIPE:
                raise PipeClosed() from exc
            raise write_error(exc, Path(self.label)) from exc

    def _start(self) -> None:
        if not self.raw:
            self._emit(wavstream.header(self.sample_rate))

    def _write(self, samples: np.ndarray) -> None:
        data = to_pcm16(samples).tobytes()
        self._data_bytes += len(data)
        self._emit(data)

    def _commit(self) -> None:
        if not self.raw and self.sample_rate:
            wavstream.finalize(self.stream, self.sample_rate, self._data_bytes)
        try:
            self.stream.flush()
        except BrokenPipeError as exc:
            raise PipeClosed() from exc
