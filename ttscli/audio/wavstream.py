"""A WAV header for streams whose length is not known in advance.

Both the RIFF size and the ``data`` size are written as 0xFFFFFFFF, the value
ffmpeg and libsndfile (soundfile) treat as "read to end of stream"; sox reads the
audio too and warns about a premature EOF at the end. When the destination turns
out to be seekable (``> file.wav``), :func:`finalize` patches the real sizes in.
"""

from __future__ import annotations

import struct

UNKNOWN = 0xFFFFFFFF
HEADER_SIZE = 44


def header(sample_rate: int, channels: int = 1, bits: int = 16, data_size: int = UNKNOWN) -> bytes:
    block = channels * bits // 8
    riff_size = UNKNOWN if data_size == UNKNOWN else min(UNKNOWN, 36 + data_size)
    return (
        b"RIFF"
        + struct.pack("<I", riff_size)
        + b"WAVE"
        + b"fmt "
        + struct.pack("<IHHIIHH", 16, 1, channels, sample_rate, sample_rate * block, block, bits)
        + b"data"
        + struct.pack("<I", min(UNKNOWN, data_size))
    )


def finalize(stream, sample_rate: int, data_size: int, channels: int = 1) -> bool:
    """Rewrite the header with real sizes if ``stream`` is seekable; True if done."""
    try:
        if not stream.seekable():
            return False
        end = stream.tell()
        stream.seek(end - data_size - HEADER_SIZE)
        stream.write(header(sample_rate, channels, data_size=data_size))
        stream.seek(end)
        return True
    except (OSError, ValueError):
        return False
