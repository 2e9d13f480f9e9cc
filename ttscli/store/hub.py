"""Everything that talks to the Hugging Face hub, through huggingface_hub.

huggingface_hub reads HF_ENDPOINT, HF_HOME/HF_HUB_CACHE, HF_HUB_OFFLINE and
HF_TOKEN from the environment when it is first imported, so ttscli respects them
as any hub tool does. It is imported inside these functions only: `ttscli list`
and `ttscli say` never load it.

Its exceptions are turned into ttscli errors here (one line, a hint, an exit
code): gated/401/403 → NetworkError (6) with how to accept the terms and log in;
unknown repo/revision/file → NotFound (4); offline with nothing cached and
connection failures → NetworkError (6); a size mismatch → IntegrityError (7).
"""

from __future__ import annotations

import contextlib
import errno
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from ..errors import IntegrityError, NetworkError, NotFound, OutputError, TtsError
from ..fsio import atomic_write, sweep_parts
from ..optional import install_command

TIMEOUT = 30.0  # seconds for metadata calls (huggingface_hub has none by default)


def hf():
    from ..optional import require

    return require("huggingface_hub", "pulling models needs huggingface_hub, which is not installed",
                   "reinstall ttscli: " + install_command().replace("pip install", "pip install --force-reinstall -e ."))


def _constants():
    hf()
    from huggingface_hub import constants

    return constants


def is_offline() -> bool:
    constants = _constants()
    probe = getattr(constants, "is_offline_mode", None)
    return bool(probe() if callable(probe) else constants.HF_HUB_OFFLINE)


def endpoint() -> str:
    return _constants().ENDPOINT.rstrip("/")


def hub_cache_dir() -> Path:
    return Path(_constants().HF_HUB_CACHE)


def repo_cache_dir(repo: str) -> Path:
    return hub_cache_dir() / ("models--" + repo.replace("/", "--"))


def is_commit(revision: str) -> bool:
    return len(revision) == 40 and all(c in "0123456789abcdef" for c in revision)


class HubUnreachable(NetworkError):
    """The hub could not be reached or failed (network down, 5xx): the local cache may still serve."""


@dataclass(frozen=True)
class RemoteFile:
    repo: str
    path: str
    size: int
    sha256: str | None  # LFS files
    blob_id: str | None  # git object id (sha1 of "blob <size>\0" + content) for files kept in git


def _auth_hint(repo: str) -> str:
    return (f"accept the model's terms at {endpoint()}/{repo} while logged in, then run `hf auth login` "
            f"or set HF_TOKEN to a token of that account")


@contextlib.contextmanager
def errors(repo: str, revision: str | None = None, path: str | None = None) -> Iterator[None]:
    """Translate huggingface_hub/httpx failures into one-line ttscli errors."""
    try:
        yield
    except TtsError:
        raise
    except Exception as exc:  # noqa: BLE001 - classified below, re-raised if unknown
        raise translate(exc, repo, revision, path) from exc


def translate(exc: BaseException, repo: str, revision: str | None, path: str | None) -> BaseException:
    from huggingface_hub import errors as e

    where = f"{repo}/{path}" if path else repo
    if isinstance(exc, e.GatedRepoError):
        return NetworkError(f"{repo} is a gated repository and this account has no access", hint=_auth_hint(repo))
    if isinstance(exc, e.RevisionNotFoundError):
        return NotFound(f"revision {revision!r} not found in {repo}", hint="check the @revision part of the id")
    if isinstance(exc, e.RepositoryNotFoundError):
        return NotFound(f"repository {repo} not found on {endpoint()}",
                        hint="check the name; for a private repository log in with `hf auth login` or set HF_TOKEN")
    if isinstance(exc, getattr(e, "RemoteEntryNotFoundError", ())) or (
            isinstance(exc, e.EntryNotFoundError) and not isinstance(exc, e.LocalEntryNotFoundError)):
        return NotFound(f"{where} not found at revision {revision}", hint="the repository layout changed; "
                        "update ttscli or pull another variant")
    if isinstance(exc, (e.OfflineModeIsEnabled, e.LocalEntryNotFoundError)) and is_offline():
        return NetworkError(f"offline mode (HF_HUB_OFFLINE=1) and {where} is not in the local cache",
                            hint="unset HF_HUB_OFFLINE to download it")
    if isinstance(exc, e.HfHubHTTPError):
        status = getattr(getattr(exc, "response", None), "status_code", None)
        if status in (401, 403):
            return NetworkError(f"access to {repo} was refused (HTTP {status})", hint=_auth_hint(repo))
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return HubUnreachable(f"the hub failed on {where}: {first}",
                              hint="try again later; run the same pull again to resume")
    if isinstance(exc, e.LocalEntryNotFoundError):
        return HubUnreachable(f"cannot reach {endpoint()} for {where}",
                            hint="check your network, proxy or HF_ENDPOINT; run the pull again to resume")
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return OutputError(f"no space left on the device while downloading {where}",
                           hint="free some space (the partial download is kept) and run the pull again")
    if isinstance(exc, OSError) and "Consistency check failed" in str(exc):
        return IntegrityError(f"{where}: the download has the wrong size", hint="run the pull again")
    try:
        import httpx2 as httpx
    except ImportError:  # huggingface_hub < 2 used httpx
        import httpx  # type: ignore[no-redef]
    if isinstance(exc, (httpx.TransportError, ConnectionError, TimeoutError)):
        return HubUnreachable(f"cannot reach {endpoint()} for {where} ({type(exc).__name__}: {exc})",
                              hint="check your network or HF_ENDPOINT; run the pull again to resume")
    return exc


@functools.lru_cache(maxsize=64)
def resolve_commit(repo: str, revision: str) -> str:
    """The commit a branch/tag points at (a full commit is returned unchanged after a check).
    Cached for the process: one pull asks once per repository and revision."""
    with errors(repo, revision):
        info = hf().HfApi().model_info(repo, revision=revision, timeout=TIMEOUT)
    if not info.sha or not is_commit(info.sha):
        raise NetworkError(f"the hub did not report a valid commit for {repo}@{revision}", hint="check HF_ENDPOINT")
    return info.sha


_HEX = frozenset("0123456789abcdef")


def _hex(value: str | None, length: int) -> str | None:
    return value if value and len(value) == length and set(value) <= _HEX else None


def _remote(repo: str, item) -> RemoteFile:
    """A listing entry, checked: hub paths and hashes become local file names."""
    path = str(item.path)
    parts = path.split("/")
    if not path or path.startswith("/") or "\\" in path or any(p in ("", ".", "..") for p in parts):
        raise IntegrityError(f"{repo} lists an unsafe file path {path!r}", hint="check HF_ENDPOINT")
    lfs = getattr(item, "lfs", None)
    sha = (lfs.get("sha256") if isinstance(lfs, dict) else getattr(lfs, "sha256", None)) if lfs else None
    if sha is not None and _hex(sha, 64) is None:
        raise IntegrityError(f"{repo} lists {path} with an invalid sha256 {sha!r}", hint="check HF_ENDPOINT")
    return RemoteFile(repo=repo, path=path, size=int(item.size), sha256=sha,
                      blob_id=None if sha else _hex(getattr(item, "blob_id", None), 40))


def list_files(repo: str, commit: str, prefix: str | None = None) -> list[RemoteFile]:
    """All files of ``repo`` at ``commit`` (under ``prefix`` if given), with sizes and hashes."""
    from huggingface_hub import errors as e

    api = hf().HfApi()
    try:
        with errors(repo, commit):
            items = list(api.list_repo_tree(repo, path_in_repo=prefix or None, revision=commit, recursive=True))
    except NotFound as exc:
        if prefix and isinstance(exc.__cause__, (e.EntryNotFoundError,)):
            return []
        raise
    return [_remote(repo, item) for item in items if type(item).__name__ == "RepoFile"]


def paths_info(repo: str, commit: str, paths: list[str]) -> dict[str, RemoteFile]:
    if not paths:
        return {}
    with errors(repo, commit):
        items = hf().HfApi().get_paths_info(repo, paths, revision=commit)
    return {item.path: _remote(repo, item) for item in items if type(item).__name__ == "RepoFile"}


def head_etag(repo: str, path: str, commit: str) -> str:
    """The hub's id of a file (its blob name in the cache), asked with a HEAD request.
    Only needed when a listing gave neither an LFS sha256 nor a git blob id."""
    h = hf()
    with errors(repo, commit, path):
        meta = h.get_hf_file_metadata(h.hf_hub_url(repo, path, revision=commit), timeout=TIMEOUT)
    if not meta.etag or not meta.commit_hash:
        raise NetworkError(f"{endpoint()} did not answer like a Hugging Face hub for {repo}/{path}",
                           hint="check HF_ENDPOINT and your proxy")
    return meta.etag


def cached_commit(repo: str, revision: str) -> str | None:
    """The commit a ref pointed at when last seen (offline use)."""
    if is_commit(revision):
        return revision
    ref = repo_cache_dir(repo) / "refs" / revision
    try:
        commit = ref.read_text().strip()
    except OSError:
        return None
    return commit if is_commit(commit) else None


def snapshot_dir(repo: str, commit: str) -> Path:
    return repo_cache_dir(repo) / "snapshots" / commit


def write_ref(repo: str, revision: str, commit: str) -> None:
    """Record which commit a branch/tag resolved to, as huggingface_hub does, so later
    offline pulls by tag find the snapshot."""
    if is_commit(revision) or revision == commit:
        return
    ref = repo_cache_dir(repo) / "refs" / revision
    ref.parent.mkdir(parents=True, exist_ok=True)
    sweep_parts(ref.parent)  # what a killed run's write left
    atomic_write(ref, commit)


def place(repo: str, path: str, commit: str) -> Path:
    """Link an already-present blob into snapshots/<commit>/ (huggingface_hub makes the link)."""
    with errors(repo, commit, path):
        pointer = Path(hf().hf_hub_download(repo, path, revision=commit))
    return pointer
