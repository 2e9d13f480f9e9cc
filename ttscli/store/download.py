"""Fetch one file into the Hugging Face cache, resumably and verified.

huggingface_hub (2.4) resumes a dropped connection within one run, but deletes
its partial file on any failure, so an interrupted pull restarts from byte 0.
ttscli keeps its own partial file (``<cache>/downloads/<repo>/<etag>.part``),
appends to it with huggingface_hub's own ``http_get`` (Range requests, retries,
progress), verifies the finished file (size, sha256 or git blob id, md5, file
type) and only then moves it into the hub cache as ``blobs/<etag>`` and links it
into ``snapshots/<commit>/`` as huggingface_hub does. A corrupt file therefore
never enters the cache, and the cache stays a normal huggingface_hub cache that
`hf` and other tools can use. What a killed run left in the cache (a temporary
link or file) is removed by the next run that takes the blob's lock.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

from ..errors import IntegrityError
from ..fsio import atomic_copy, sweep_parts
from . import hub, verify
from ..locking import FileLock
from .manifest import partial_dir
from .progress import PullProgress, tqdm_adapter

CHUNK = 1 << 20  # finer progress and resume points than huggingface_hub's 10 MiB default


@dataclass(frozen=True)
class PlanItem:
    """One file a pull needs: where it is on the hub and what it must hash to."""

    role: str
    remote: hub.RemoteFile
    commit: str
    revision: str  # what the catalog asked for (branch, tag or commit)
    md5: str | None = None

    @property
    def name(self) -> str:
        return self.remote.path

    def expected(self) -> dict:
        r = self.remote
        return {"size": r.size, "sha256": r.sha256, "git_sha1": None if r.sha256 else r.blob_id, "md5": self.md5}


@dataclass(frozen=True)
class Fetched:
    item: PlanItem
    local: Path  # snapshots/<commit>/<path> in the hub cache
    digests: dict[str, str]
    downloaded: int  # bytes transferred by this run


def pointer_path(item: PlanItem) -> Path:
    return hub.snapshot_dir(item.remote.repo, item.commit) / item.remote.path


def partial_path(repo: str, etag: str) -> Path:
    return partial_dir() / ("models--" + repo.replace("/", "--")) / f"{etag}.part"


def _verify(path: Path, item: PlanItem) -> dict[str, str]:
    return verify.check_file(path, item.name, **item.expected())


def _drop_cached(pointer: Path) -> None:
    """Remove a damaged cached file (its snapshot link and blob) so it is fetched again."""
    blob = pointer.resolve()
    for p in {pointer, blob}:
        try:
            p.unlink()
        except FileNotFoundError:
            pass


def _move_into(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.replace(src, dst)
    except OSError:  # another filesystem: copy beside the target, then rename
        atomic_copy(src, dst)
        src.unlink()


def cached(item: PlanItem, progress: PullProgress) -> Fetched | None:
    """The file if it is already in the hub cache and verifies; a damaged copy is removed."""
    pointer = pointer_path(item)
    if not pointer.exists():
        return None
    try:
        digests = _verify(pointer, item)
    except IntegrityError as exc:
        progress.note(f"cached copy of {item.name} is damaged ({exc.message}); downloading it again")
        _drop_cached(pointer)
        return None
    progress.file_end(item.name, item.remote.size, "cached")
    return Fetched(item, pointer, digests, 0)


def _link(blob: Path, item: PlanItem) -> Path | None:
    """Link ``snapshots/<commit>/<path>`` to the blob as huggingface_hub does (relative symlink),
    through a temporary link renamed into place. Called under the blob's lock, so any other
    temporary link beside the pointer was left by a killed run and is removed first. None where
    symlinks are not available."""
    pointer = pointer_path(item)
    pointer.parent.mkdir(parents=True, exist_ok=True)
    prefix = f".{pointer.name}."
    for old in pointer.parent.iterdir():
        if old.name.startswith(prefix) and old.name.endswith(".tmp") and old.is_symlink():
            old.unlink(missing_ok=True)
    tmp = pointer.with_name(f"{prefix}{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        os.symlink(os.path.relpath(blob, pointer.parent), tmp)
        os.replace(tmp, pointer)
    except OSError:
        tmp.unlink(missing_ok=True)
        return None
    return pointer


def fetch(item: PlanItem, progress: PullProgress, cancel: threading.Event | None = None) -> Fetched:
    """Make ``item`` present and verified in the hub cache; download what is missing.

    The blob is named after the hub's id of the file (the LFS sha256, else the git
    blob id), exactly as huggingface_hub names it, and only once it matches.
    """
    found = cached(item, progress)
    if found is not None:
        return found
    repo = item.remote.repo
    etag = item.remote.sha256 or item.remote.blob_id or hub.head_etag(repo, item.name, item.commit)
    if not etag or "/" in etag or etag.startswith("."):
        raise IntegrityError(f"{item.name}: the hub gave no usable file id ({etag!r})", hint="check HF_ENDPOINT")
    blob = hub.repo_cache_dir(repo) / "blobs" / etag
    part = partial_path(repo, etag)
    downloaded = 0
    # huggingface_hub's own per-blob lock file (flock, like filelock): our download and a
    # concurrent `hf download` / hf_hub_download of the same blob exclude each other.
    lock = hub.hub_cache_dir() / ".locks" / ("models--" + repo.replace("/", "--")) / f"{etag}.lock"
    with FileLock(lock, item.name, on_wait=progress.note):
        digests = None
        if blob.exists():  # e.g. the same file under another commit, or another process finished it
            try:
                digests = _verify(blob, item)
            except IntegrityError:
                blob.unlink()
        sweep_parts(blob.parent)  # what a copy across file systems left when killed
        if digests is None:
            digests, downloaded = _download(item, part, progress, cancel)
            _move_into(part, blob)
        local = _link(blob, item)
    if local is None:  # huggingface_hub places it (it copies); it takes the same lock itself
        local = hub.place(item.remote.repo, item.name, item.commit)
    if local.stat().st_size != item.remote.size:
        raise IntegrityError(f"{item.name}: the hub cache holds another file than the one verified",
                             hint="run the pull again")
    progress.file_end(item.name, item.remote.size, "downloaded" if downloaded else "cached")
    return Fetched(item, pointer_path(item), digests, downloaded)


def _download(item: PlanItem, part: Path, progress: PullProgress,
              cancel: threading.Event | None) -> tuple[dict, int]:
    from huggingface_hub import constants, hf_hub_url
    from huggingface_hub.file_download import http_get
    from huggingface_hub.utils import build_hf_headers

    part.parent.mkdir(parents=True, exist_ok=True)
    size = item.remote.size
    resume = part.stat().st_size if part.exists() else 0
    if resume > size:
        part.unlink()
        resume = 0
    if resume:
        progress.note(f"resuming {item.name} at {resume} of {size} bytes")
    algorithms = ("sha256", "md5") if item.md5 else ("sha256",)
    # GET the resolve URL; httpx follows the hub's redirect to its CDN and drops the
    # Authorization header when the redirect leaves the hub's origin.
    url = hf_hub_url(item.remote.repo, item.name, revision=item.commit)
    constants.DOWNLOAD_CHUNK_SIZE = CHUNK  # read at call time by http_get
    writer = verify.HashingWriter(part, algorithms)
    try:
        with hub.errors(item.remote.repo, item.commit, item.name):
            http_get(url, writer, resume_size=resume, headers=build_hf_headers(), expected_size=size,
                     displayed_filename=item.name, tqdm_class=tqdm_adapter(progress, item.name, cancel))
    except IntegrityError:  # the server sent a body of the wrong size: nothing worth resuming
        writer.close()
        part.unlink(missing_ok=True)
        raise
    finally:
        writer.close()
    digests = writer.digests()
    try:
        digests = verify.check_file(part, item.name, digests=digests, **item.expected())
    except IntegrityError:
        part.unlink(missing_ok=True)  # never resume from bytes that failed verification
        raise
    return digests, size - resume
