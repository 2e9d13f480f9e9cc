"""`ttscli pull`: make a model complete and verified on disk, then record it.

Order of work, for one model id:
1. take the model's lock (concurrent pulls of one model wait, then find it installed);
2. if a record exists and its files are intact and still current, stop;
3. plan the files (online: hub metadata; offline: the hub cache only);
4. check free space for what is missing;
5. fetch each file (resumable, verified before it enters the cache);
6. write the record — only now is the model "installed".
"""

from __future__ import annotations

import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .. import catalog
from ..catalog import Entry
from ..errors import NotFound, TtsError
from ..families.piper import index as piper_index
from . import hub, manifest, space
from .download import Fetched, PlanItem, fetch, pointer_path
from ..locking import FileLock
from .plan import hf_entry, plan_offline, plan_online, resolve_commits
from .progress import PullProgress

WORKERS = 8  # parallel file transfers, as huggingface_hub's snapshot_download


@dataclass
class PullResult:
    record: manifest.Record | None  # None when only the Piper voice index was fetched
    already: bool = False
    index_voices: int = 0
    downloaded: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


def pull(model_id: str, variant: str | None = None, progress: PullProgress | None = None) -> PullResult:
    progress = progress or PullProgress()
    started = time.monotonic()
    try:
        if catalog.split_id(model_id.strip()) == (piper_index.BASE, None) and not variant:
            count = len(refresh_piper_index(progress))
            return PullResult(None, index_voices=count, seconds=time.monotonic() - started)
        if model_id.startswith("hf:"):
            entry, commits, _ = hf_entry(model_id)
        else:
            entry, commits = _catalog_entry(model_id, variant, progress), None
        result = _pull_entry(entry, commits, progress)
    finally:
        progress.end()
    result.seconds = time.monotonic() - started
    return result


def refresh_piper_index(progress: PullProgress) -> dict[str, Any]:
    """Fetch voices.json at the catalog's pinned revision (verified), keep a copy, return it."""
    table = catalog.model_table(piper_index.BASE)
    repo, revision = table["repo"], table["revision"]
    spec = catalog.FileSpec("index", repo, revision, table.get("index", "voices.json"))
    entry = Entry(id="piper:voices.json", base="piper", tag=None, family="piper", runtime="onnxruntime",
                  repo=repo, revision=revision, files={"index": spec})
    items, commits = _plan(entry, None, progress)
    fetched = fetch(items[0], progress)
    voices = piper_index.parse_voices(Path(fetched.local).read_bytes())
    piper_index.save(voices, repo, revision, commits[(repo, revision)])
    return voices


def _catalog_entry(model_id: str, variant: str | None, progress: PullProgress) -> Entry:
    base, tag = catalog.split_id(model_id)
    if base != piper_index.BASE:
        return catalog.lookup(model_id, variant)
    tag = variant or tag
    indexed = {e.id: e for e in piper_index.entries()}
    if f"piper:{tag}" not in indexed:
        refresh_piper_index(progress)
        indexed = {e.id: e for e in piper_index.entries()}
    if f"piper:{tag}" in indexed:
        return indexed[f"piper:{tag}"]
    raise NotFound(f"unknown Piper voice {tag!r}", hint=catalog.suggest(f"piper:{tag}", indexed.values()))


def _current(record: manifest.Record, entry: Entry, commits: dict | None) -> bool:
    if record.missing_files():
        return False
    if hub.is_offline():
        return True
    pinned = {f"{repo}@{rev}": rev for repo, rev in entry.repos()}
    recorded = record.data.get("commits", {})
    if all(hub.is_commit(rev) and recorded.get(key) == rev for key, rev in pinned.items()):
        return True
    try:
        commits = commits or resolve_commits(entry)
    except hub.HubUnreachable:
        return True  # an intact installed copy beats a failed update check
    return all(recorded.get(f"{repo}@{rev}") == c for (repo, rev), c in commits.items())


def _plan(entry: Entry, commits: dict | None, progress: PullProgress) -> tuple[list[PlanItem], dict]:
    """Files to fetch: from the hub, or from the local cache when offline or the hub is unreachable."""
    if hub.is_offline():
        return plan_offline(entry)
    try:
        commits = commits or resolve_commits(entry)
        return plan_online(entry, commits), commits
    except hub.HubUnreachable as exc:
        try:
            items, commits = plan_offline(entry)
        except TtsError:
            raise exc from None
        progress.note(f"{exc.message}; using the copies in the local cache")
        return items, commits


def _pull_entry(entry: Entry, commits: dict | None, progress: PullProgress) -> PullResult:
    with FileLock(manifest.lock_path(entry.id), entry.id, on_wait=progress.note):
        record = manifest.read(entry.id)
        if record is not None and _current(record, entry, commits):
            return PullResult(record, already=True)
        items, commits = _plan(entry, commits, progress)
        _check_space(items)
        progress.begin(entry.id, [(i.name, i.remote.size) for i in items], _missing_bytes(items))
        fetched = _fetch_all(items, progress)
        for (repo, rev), commit in commits.items():
            hub.write_ref(repo, rev, commit)
        record = manifest.write(_record(entry, commits, fetched))
        return PullResult(record, downloaded=sum(f.downloaded for f in fetched))


def _fetch_all(items: list[PlanItem], progress: PullProgress) -> list[Fetched]:
    """Fetch files in parallel (like `hf download`): latency per file dominates on the real hub.

    On the first failure or Ctrl-C the other transfers stop at their next chunk,
    keeping their partial files for the next pull to resume.
    """
    if len(items) <= 1:
        return [fetch(item, progress) for item in items]
    cancel = threading.Event()
    with ThreadPoolExecutor(max_workers=min(WORKERS, len(items)), thread_name_prefix="ttscli-pull") as pool:
        futures = [pool.submit(fetch, item, progress, cancel) for item in items]
        try:
            return [f.result() for f in futures]
        except BaseException:
            cancel.set()
            for f in futures:
                f.cancel()
            raise


def _missing_bytes(items: list[PlanItem]) -> int:
    return sum(i.remote.size for i in items if not pointer_path(i).exists())


def _check_space(items: list[PlanItem]) -> None:
    """Missing files are written to the partial directory, then moved into the hub cache
    (a rename when both are on one filesystem, which space.check accounts for)."""
    missing = sum(i.remote.size for i in items if not pointer_path(i).exists())
    if missing > 0:
        space.check({hub.hub_cache_dir(): missing, manifest.partial_dir(): missing})


def _card_license(fetched: list[Fetched]) -> str | None:
    """The dataset licence line of a Piper MODEL_CARD, if one was pulled."""
    for f in fetched:
        if f.item.role == "card":
            try:
                text = Path(f.local).read_text(encoding="utf-8", errors="replace")
            except OSError:
                return None
            match = re.search(r"^\W*License:\s*(.+?)\s*$", text, re.I | re.M)
            return match.group(1) if match else None
    return None


def _record(entry: Entry, commits: dict[tuple[str, str], str], fetched: list[Fetched]) -> dict[str, Any]:
    files = []
    for f in fetched:
        item = f.item
        files.append({"role": item.role, "repo": item.remote.repo, "commit": item.commit, "path": item.name,
                      "local": str(f.local), "size": item.remote.size, "sha256": f.digests.get("sha256"),
                      "git_sha1": f.digests.get("git_sha1"), "md5": f.digests.get("md5")})
    roles: dict[str, Any] = {}
    for role, spec in entry.files.items():
        hits = [f["local"] for f in files if f["role"] == role]
        if hits:
            roles[role] = hits if spec.is_glob else hits[0]
    main_commit = commits[(entry.repo, entry.revision)] if (entry.repo, entry.revision) in commits else None
    path = hub.snapshot_dir(entry.repo, main_commit) if main_commit else Path(files[0]["local"]).parent
    info = entry.to_json(installed=True)
    for key in ("installed", "files", "optional", "aliases"):
        info.pop(key, None)
    info["size_bytes"] = sum(f["size"] for f in files)
    info["size_note"] = ""
    card = _card_license(fetched)
    if card:
        info["license"] = {**info.get("license", {}), "weights": f"{card} (from the voice's MODEL_CARD)"}
    return {
        "id": entry.id,
        "aliases": list(entry.aliases),
        "family": entry.family,
        "runtime": entry.runtime,
        "source": "hub",
        "repo": entry.repo,
        "revision": entry.revision,
        "commit": main_commit,
        "commits": {f"{repo}@{rev}": c for (repo, rev), c in commits.items()},
        "path": str(path),
        "files": files,
        "roles": roles,
        "info": info,
        "installed_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


__all__ = ["PullResult", "pull", "refresh_piper_index"]
