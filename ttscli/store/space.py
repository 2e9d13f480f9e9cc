"""Free-space check before a pull starts, so a download never dies at 95% on a full disk."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from ..errors import OutputError

HEADROOM = 16 * 1024 * 1024  # keep a little room for the manifest, locks and temp files


def _existing(path: Path) -> Path:
    path = Path(path).absolute()
    while not path.exists() and path.parent != path:
        path = path.parent
    return path


def free_bytes(path: Path) -> int:
    """Bytes available to this user on the filesystem that will hold ``path``."""
    return shutil.disk_usage(_existing(path)).free


def device(path: Path) -> int:
    return os.stat(_existing(path)).st_dev


def human(n: float) -> str:
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if abs(n) < 1000 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000.0
    return f"{n:.1f} TB"


def check(needs: dict[Path, int], what: str = "the pull",
          hint: str = "free some space, or point HF_HOME (model files) / TTSCLI_HOME at a bigger disk") -> None:
    """Raise OutputError (exit 8) unless every directory's filesystem has room.

    ``needs`` maps a directory to the bytes that pass through it. The same bytes
    go through each directory in turn (downloaded to one, moved to the next), so
    directories on one filesystem need the largest amount, not the sum.
    """
    per_device: dict[int, tuple[Path, int]] = {}
    for directory, nbytes in needs.items():
        if nbytes <= 0:
            continue
        dev = device(directory)
        first, most = per_device.get(dev, (directory, 0))
        per_device[dev] = (first, max(most, nbytes))
    for directory, total in per_device.values():
        free = free_bytes(directory)
        if free < total + HEADROOM:
            raise OutputError(
                f"not enough disk space in {directory}: {what} needs {human(total)}, {human(free)} free",
                hint=hint,
            )
