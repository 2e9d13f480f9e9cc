"""Tags for per-chapter files with mutagen, as the format table says (``Format.tags``): ID3
(mp3) or Vorbis comments (flac, ogg, opus).

Written into the temporary file before it is renamed into place, so a tagged
file appears whole or not at all.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Tags:
    title: str  # the chapter's (or the book's, for an .m4b)
    album: str  # the book's title
    author: str | None = None
    narrator: str | None = None
    track: int | None = None
    tracks: int | None = None
    cover: bytes | None = None
    cover_type: str | None = None


def _picture(tags: Tags):
    from mutagen.flac import Picture

    pic = Picture()
    pic.type = 3  # front cover
    pic.mime = tags.cover_type or "image/jpeg"
    pic.data = tags.cover
    return pic


def _id3(path: Path, tags: Tags) -> None:
    from mutagen.id3 import APIC, ID3, TALB, TCOM, TCON, TIT2, TPE1, TRCK, TXXX

    id3 = ID3()
    id3.add(TIT2(encoding=3, text=tags.title))
    id3.add(TALB(encoding=3, text=tags.album))
    id3.add(TCON(encoding=3, text="Audiobook"))
    if tags.author:
        id3.add(TPE1(encoding=3, text=tags.author))
    if tags.narrator:
        id3.add(TCOM(encoding=3, text=tags.narrator))
        id3.add(TXXX(encoding=3, desc="NARRATOR", text=tags.narrator))
    if tags.track:
        id3.add(TRCK(encoding=3, text=f"{tags.track}/{tags.tracks}" if tags.tracks else str(tags.track)))
    if tags.cover:
        id3.add(APIC(encoding=3, mime=tags.cover_type or "image/jpeg", type=3, desc="Cover", data=tags.cover))
    id3.save(str(path), v2_version=4, padding=lambda info: 0)


def _vorbis(audio, tags: Tags, flac: bool) -> None:
    audio["TITLE"] = tags.title
    audio["ALBUM"] = tags.album
    audio["GENRE"] = "Audiobook"
    if tags.author:
        audio["ARTIST"] = tags.author
    if tags.narrator:
        audio["COMPOSER"] = tags.narrator
        audio["NARRATOR"] = tags.narrator
    if tags.track:
        audio["TRACKNUMBER"] = str(tags.track)
    if tags.tracks:
        audio["TRACKTOTAL"] = str(tags.tracks)
    if tags.cover:
        if flac:
            audio.add_picture(_picture(tags))
        else:
            audio["METADATA_BLOCK_PICTURE"] = base64.b64encode(_picture(tags).write()).decode("ascii")
    audio.save(padding=lambda info: 0)


def write(path: Path, fmt: str, tags: Tags) -> None:
    """Tag ``path`` (a finished ``fmt`` file); wav and m4a/m4b get their tags elsewhere."""
    from ..audio.formats import FORMATS

    spec = FORMATS.get(fmt)
    kind = spec.tags if spec is not None else None
    if kind == "id3":
        _id3(path, tags)
    elif kind == "vorbis":
        import mutagen
        from mutagen.flac import FLAC

        audio = mutagen.File(str(path))  # FLAC, OggVorbis or OggOpus, from the file's own header
        _vorbis(audio, tags, flac=isinstance(audio, FLAC))
