"""Cover images for audiobooks: read with a size limit and decoded once before any work."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from ..errors import BadInput

KINDS = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"))


def image_type(data: bytes) -> str | None:
    return next((kind for magic, kind in KINDS if data.startswith(magic)), None)


def decodes(data: bytes, kind: str) -> bool:
    """True when ffmpeg decodes the image without an error (a truncated or damaged image
    would otherwise fail the final mux, after the whole book was synthesized)."""
    from .ffmpeg import exe

    suffix = ".png" if kind == "image/png" else ".jpg"
    with tempfile.NamedTemporaryFile(suffix=suffix) as tmp:
        tmp.write(data)
        tmp.flush()
        proc = subprocess.run([exe(), "-nostdin", "-v", "error", "-xerror", "-i", tmp.name, "-frames:v", "1",
                               "-f", "null", "-"], stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
    return proc.returncode == 0 and not proc.stderr.strip()


def read_cover(path: str) -> tuple[bytes, str]:
    """(bytes, MIME type) of a JPEG or PNG cover; BadInput (exit 3) for anything else."""
    from ..bounded import read_bounded

    data = read_bounded(Path(path).expanduser(), "cover", what=f"the cover {path}")
    kind = image_type(data)
    if kind is None:
        raise BadInput(f"cover {path} is not a JPEG or PNG image", hint="give a .jpg or .png file")
    if not decodes(data, kind):
        raise BadInput(f"cover {path} is a broken image (a damaged {kind.split('/')[1].upper()}: ffmpeg cannot "
                       "decode it)",
                       hint="re-export the image, or leave --cover out")
    return data, kind
