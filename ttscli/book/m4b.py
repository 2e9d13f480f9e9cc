"""One .m4b for the whole book: AAC (ffmpeg's encoder), chapter markers, tags and cover.

Chapter times come from the chapter WAVs' sample counts (TIMEBASE 1/rate), so
the markers line up with the per-chapter files exactly.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from .assemble import encode
from .tags import Tags

DEFAULT_BITRATE = "64k"


def _escape(value: str) -> str:
    return re.sub(r"([=;#\\\n])", r"\\\1", value)


def ffmetadata(tags: Tags, chapters: list[tuple[str, int]], rate: int) -> str:
    """The ffmetadata text: global tags, then one [CHAPTER] per (title, frames)."""
    lines = [";FFMETADATA1", f"title={_escape(tags.album)}", f"album={_escape(tags.album)}", "genre=Audiobook"]
    if tags.author:
        lines += [f"artist={_escape(tags.author)}", f"album_artist={_escape(tags.author)}"]
    if tags.narrator:
        lines.append(f"composer={_escape(tags.narrator)}")
    start = 0
    for title, frames in chapters:
        lines += ["", "[CHAPTER]", f"TIMEBASE=1/{rate}", f"START={start}", f"END={start + frames}",
                  f"title={_escape(title)}"]
        start += frames
    return "\n".join(lines) + "\n"


def bytes_needed(seconds: float, bitrate: str, cover: bytes | None) -> int:
    kbps = float(bitrate.rstrip("kK")) if bitrate[-1:] in "kK" else float(bitrate) / 1000
    return int(seconds * kbps * 1000 / 8 * 1.1) + len(cover or b"") + (1 << 20)


def write(target: Path, chapters: list[tuple[str, Path, int]], rate: int, tags: Tags,
          bitrate: str = DEFAULT_BITRATE, scratch: Path | None = None) -> None:
    """Mux the chapter WAVs (title, path, frames) into ``target``; ``scratch`` holds the
    metadata and cover files meanwhile (a folder the caller clears after a kill)."""
    with tempfile.TemporaryDirectory(prefix="m4b-", dir=scratch or target.parent) as tmp:
        meta = Path(tmp) / "chapters.txt"
        meta.write_text(ffmetadata(tags, [(t, f) for t, _, f in chapters], rate), encoding="utf-8")
        inputs = [["-f", "ffmetadata", "-i", str(meta)]]
        args = ["-map_metadata", "1", "-map_chapters", "1"]
        if tags.cover:
            ext = ".png" if tags.cover_type == "image/png" else ".jpg"
            cover = Path(tmp) / f"cover{ext}"
            cover.write_bytes(tags.cover)
            inputs.append(["-i", str(cover)])
            args += ["-map", "2:v", "-c:v", "copy", "-disposition:v", "attached_pic"]
        encode([p for _, p, _ in chapters], rate, target, "m4b", bitrate=bitrate, extra_inputs=inputs,
               extra_args=args)
