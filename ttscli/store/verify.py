"""Checks that a downloaded file is the file the hub describes, and a model file at all.

huggingface_hub only compares sizes, so a body of the right length (a proxy's
error page, a bit flip, a truncated-then-padded file) would be cached as
genuine. Here every file is checked against the hub's metadata before the store
accepts it: the LFS sha256 (large files), or the git blob sha1 (small files
kept in git), plus Piper's md5 where voices.json gives one. On top of that the
first bytes must look like the file type (ONNX protobuf, GGUF magic, JSON, zip,
safetensors), which catches HTML pages and Git LFS pointer files served in
place of a model.
"""

from __future__ import annotations

import hashlib
import json
import queue
import struct
import threading
from pathlib import Path
from typing import BinaryIO

from ..errors import IntegrityError
from ..filetypes import looks_like_html

BLOCK = 1 << 20
_TEXT_SUFFIXES = (".md", ".txt", ".html", ".htm", ".xml", ".yaml", ".yml", ".csv", ".tsv")


class HashingWriter:
    """A writable file for ``http_get`` that appends to ``path`` and hashes on the fly.

    Hashing runs in a helper thread (hashlib releases the GIL), so it overlaps
    with receiving the next chunk instead of adding to the download time.
    Content already in ``path`` (a download resumed after an interruption) is
    hashed first. If the downloader rewinds (a server that ignored Range), the
    running hash is dropped and recomputed from the file at the end.
    """

    def __init__(self, path: Path, algorithms: tuple[str, ...] = ("sha256",)):
        self.path = Path(path)
        self.algorithms = algorithms
        self._hashes = {name: hashlib.new(name) for name in algorithms}
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=16)
        self._thread = threading.Thread(target=self._hash_loop, name="ttscli-hash", daemon=True)
        self._thread.start()
        if self.path.exists():
            with open(self.path, "rb") as reader:
                for block in iter(lambda: reader.read(BLOCK), b""):
                    self._queue.put(block)
        self._file: BinaryIO = open(self.path, "ab")
        self._valid = True

    def _hash_loop(self) -> None:
        while True:
            block = self._queue.get()
            if block is None:
                return
            for h in self._hashes.values():
                h.update(block)

    # --- the file protocol http_get uses
    def write(self, data: bytes) -> int:
        written = self._file.write(data)
        self._queue.put(bytes(data))
        return written

    def tell(self) -> int:
        return self._file.tell()

    def seek(self, offset: int, whence: int = 0) -> int:
        self._valid = False
        return self._file.seek(offset, whence)

    def truncate(self, size: int | None = None) -> int:
        self._valid = False
        return self._file.truncate(size)

    def flush(self) -> None:
        self._file.flush()

    def close(self) -> None:
        if not self._file.closed:
            self._file.flush()
            self._file.close()
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()

    def __enter__(self) -> "HashingWriter":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def digests(self) -> dict[str, str]:
        self.close()
        if self._valid:
            return {name: h.hexdigest() for name, h in self._hashes.items()}
        return file_digests(self.path, self.algorithms)


def file_digests(path: Path, algorithms: tuple[str, ...] = ("sha256",)) -> dict[str, str]:
    hashes = {name: hashlib.new(name) for name in algorithms}
    with open(path, "rb") as reader:
        for block in iter(lambda: reader.read(BLOCK), b""):
            for h in hashes.values():
                h.update(block)
    return {name: h.hexdigest() for name, h in hashes.items()}


def git_blob_sha1(path: Path) -> str:
    """The git object id of a file (what the hub reports for files not stored in LFS)."""
    size = Path(path).stat().st_size
    h = hashlib.sha1(b"blob %d\0" % size)
    with open(path, "rb") as reader:
        for block in iter(lambda: reader.read(BLOCK), b""):
            h.update(block)
    return h.hexdigest()


def _protobuf_start(first: int) -> bool:
    """ONNX files are protobuf ModelProtos: the first byte is a field tag (field 1..20,
    wire type varint or length-delimited). '<', '{' and 'v' (HTML, JSON, LFS pointer) are not."""
    return (first & 7) in (0, 2) and 1 <= (first >> 3) <= 20


def content_problem(path: Path, name: str) -> str | None:
    """Why ``path`` (stored as repo file ``name``) is not a plausible file of its type, or None."""
    path = Path(path)
    size = path.stat().st_size
    lower = name.lower()
    with open(path, "rb") as reader:
        head = reader.read(4096)
    if head.startswith(b"version https://git-lfs.github.com/spec/"):
        return "a Git LFS pointer file, not the file's content"
    if not lower.endswith(_TEXT_SUFFIXES) and looks_like_html(head):
        return "an HTML page, not a model file"
    if size == 0 and lower.endswith((".onnx", ".gguf", ".json", ".npz", ".safetensors", ".bin", ".pt", ".pth")):
        return "empty"
    if lower.endswith(".onnx") and not _protobuf_start(head[0]):
        return "not an ONNX model (bad protobuf header)"
    if lower.endswith(".gguf") and head[:4] != b"GGUF":
        return "not a GGUF file (bad magic)"
    if lower.endswith((".npz", ".pt", ".pth")) and head[:2] != b"PK":
        return "not a zip/npz archive"
    if lower.endswith(".safetensors"):
        if size < 8:
            return "not a safetensors file (too short)"
        (header_len,) = struct.unpack("<Q", head[:8])
        if header_len + 8 > size or head[8:9] != b"{":
            return "not a safetensors file (bad header)"
    if lower.endswith(".json"):
        try:
            json.loads(path.read_bytes().decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError) as exc:
            return f"not valid JSON ({exc})"
    return None


def check_file(path: Path, name: str, *, size: int | None, sha256: str | None = None,
               git_sha1: str | None = None, md5: str | None = None,
               digests: dict[str, str] | None = None) -> dict[str, str]:
    """Verify ``path`` against the expected metadata; return the digests computed.

    Raises IntegrityError (exit 7) naming the file and the mismatch.
    """
    digests = dict(digests or {})
    actual = Path(path).stat().st_size
    hint = "the download was damaged or the server sent something else; run the pull again to re-download it"
    if size is not None and actual != size:
        raise IntegrityError(f"{name}: size mismatch (expected {size} bytes, got {actual})", hint=hint)
    # sha256 always: the install record carries it for every file, cached or downloaded alike
    wanted = tuple(a for a, v in (("sha256", True), ("md5", md5)) if v and a not in digests)
    if wanted:
        digests.update(file_digests(path, wanted))
    if sha256 and digests.get("sha256") != sha256.lower():
        raise IntegrityError(f"{name}: sha256 mismatch (expected {sha256[:16]}…, got {digests['sha256'][:16]}…)",
                             hint=hint)
    if git_sha1:
        got = git_blob_sha1(path)
        if got != git_sha1.lower():
            raise IntegrityError(f"{name}: git blob id mismatch (expected {git_sha1[:12]}…, got {got[:12]}…)",
                                 hint=hint)
        digests["git_sha1"] = got
    if md5 and digests.get("md5") != md5.lower():
        raise IntegrityError(f"{name}: md5 mismatch with voices.json (expected {md5}, got {digests.get('md5')})",
                             hint=hint)
    problem = content_problem(path, name)
    if problem:
        raise IntegrityError(f"{name} is {problem}", hint="the hub or a proxy served the wrong content; "
                             "check HF_ENDPOINT and your proxy, then run the pull again")
    return digests
