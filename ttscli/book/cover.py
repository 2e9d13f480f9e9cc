"""``--cover IMAGE``: read and check the image before any synthesis.

A file that is not a JPEG or PNG, or one whose bytes ffmpeg cannot decode
(a truncated download, say), fails at once with one line, not at mux time
after hours of speech.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from ..errors import BadInput

_HINT = "give a .jpg or .png file that opens in an image viewer"


def load(path: str | None) -> tuple[bytes | None, str | None]:
    """(image bytes, MIME type), or (None, None) without a path."""
    if not path:
        return None, None
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise BadInput(f"cannot read the cover {path}: {exc.strerror or exc}") from exc
    if data.startswith(b"\x89PNG"):
        mime = "image/png"
    elif data.startswith(b"\xff\xd8"):
        mime = "image/jpeg"
    else:
        raise BadInput(f"cover {path} is not a JPEG or PNG image", hint=_HINT)
    if not decodes(data):
        raise BadInput(f"cover {path} is a broken image (ffmpeg cannot decode it)", hint=_HINT)
    return data, mime


def decodes(data: bytes) -> bool:
    """True when the bundled ffmpeg decodes the image without an error."""
    from ..audio.ffmpeg import exe

    try:
        proc = subprocess.run([exe(), "-nostdin", "-hide_banner", "-loglevel", "error", "-xerror", "-i", "pipe:0",
                               "-frames:v", "1", "-f", "null", "-"], input=data, capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return proc.returncode == 0 and not proc.stderr.strip()
