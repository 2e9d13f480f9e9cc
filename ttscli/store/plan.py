"""Turn a catalog entry into the exact list of files to fetch, with their hub hashes.

Online: each (repo, revision) is resolved to a commit, exact paths are looked up
with one paths-info call per repo, globs with a tree listing under their fixed
prefix. Offline (HF_HUB_OFFLINE=1): the same files are looked up in the hub
cache only; the expected hashes then come from the cached blob names (the
sha256 for LFS files, the git blob id otherwise), so even an offline pull
verifies every byte.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from ..catalog import Entry, FileSpec
from ..errors import BadInput, NetworkError, NotFound
from . import hub
from .download import PlanItem

_REPO_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$")
_SHOWN = 12


def _listing(files: list[str]) -> str:
    names = sorted(files)
    more = f", … ({len(names) - _SHOWN} more)" if len(names) > _SHOWN else ""
    return ", ".join(names[:_SHOWN]) + more if names else "none"


def _missing(entry: Entry, spec: FileSpec, available: list[str]) -> NotFound:
    return NotFound(f"{entry.id}: no file for {spec.role!r} ({spec.pattern}) in {spec.repo}@{spec.revision}",
                    hint=f"files there: {_listing(available)}")


def resolve_commits(entry: Entry) -> dict[tuple[str, str], str]:
    return {(repo, rev): hub.resolve_commit(repo, rev) for repo, rev in entry.repos()}


def plan_online(entry: Entry, commits: dict[tuple[str, str], str]) -> list[PlanItem]:
    exact: dict[tuple[str, str], list[FileSpec]] = {}
    items: list[PlanItem] = []
    trees: dict[tuple[str, str, str], list[hub.RemoteFile]] = {}
    for spec in entry.files.values():
        commit = commits[(spec.repo, spec.revision)]
        if not spec.is_glob:
            exact.setdefault((spec.repo, commit), []).append(spec)
            continue
        key = (spec.repo, commit, spec.prefix())
        if key not in trees:
            trees[key] = hub.list_files(spec.repo, commit, spec.prefix())
        hits = [f for f in trees[key] if spec.matches(f.path)]
        if not hits and spec.role not in entry.optional:
            raise _missing(entry, spec, [f.path for f in trees[key]])
        items += [PlanItem(spec.role, f, commit, spec.revision, _md5(entry, f.path)) for f in hits]
    for (repo, commit), specs in exact.items():
        found = hub.paths_info(repo, commit, [s.pattern for s in specs])
        for spec in specs:
            remote = found.get(spec.pattern)
            if remote is None:
                if spec.role in entry.optional:
                    continue
                prefix = spec.pattern.rsplit("/", 1)[0] if "/" in spec.pattern else ""
                raise _missing(entry, spec, [f.path for f in hub.list_files(repo, commit, prefix or None)])
            items.append(PlanItem(spec.role, remote, commit, spec.revision, _md5(entry, spec.pattern)))
    return _dedupe(items)


def _md5(entry: Entry, path: str) -> str | None:
    return (entry.checksums.get(path) or {}).get("md5")


def _dedupe(items: list[PlanItem]) -> list[PlanItem]:
    seen: dict[tuple[str, str], PlanItem] = {}
    for item in items:
        seen.setdefault((item.remote.repo, item.name), item)
    return list(seen.values())


def _cached_remote(repo: str, path: str, pointer: Path) -> hub.RemoteFile:
    """Expected hashes of a cached file from its blob name (sha256 = LFS, sha1 = git blob)."""
    size = pointer.stat().st_size
    etag = os.path.basename(os.path.realpath(pointer)) if os.path.islink(pointer) else ""
    if len(etag) == 64:
        return hub.RemoteFile(repo, path, size, etag, None)
    if len(etag) == 40:
        return hub.RemoteFile(repo, path, size, None, etag)
    return hub.RemoteFile(repo, path, size, None, None)


def plan_offline(entry: Entry) -> tuple[list[PlanItem], dict[tuple[str, str], str]]:
    commits: dict[tuple[str, str], str] = {}
    for repo, rev in entry.repos():
        commit = hub.cached_commit(repo, rev)
        if commit is None or not hub.snapshot_dir(repo, commit).is_dir():
            raise NetworkError(f"offline mode (HF_HUB_OFFLINE=1) and {repo}@{rev} is not in the local cache",
                               hint="unset HF_HUB_OFFLINE to download it")
        commits[(repo, rev)] = commit
    items: list[PlanItem] = []
    for spec in entry.files.values():
        commit = commits[(spec.repo, spec.revision)]
        root = hub.snapshot_dir(spec.repo, commit)
        present = [p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()]
        hits = [p for p in present if spec.matches(p)]
        if not hits and spec.role not in entry.optional:
            raise NetworkError(f"offline mode (HF_HUB_OFFLINE=1) and {spec.repo}/{spec.pattern} is not in the "
                               f"local cache", hint="unset HF_HUB_OFFLINE to download it")
        for path in hits:
            remote = _cached_remote(spec.repo, path, root / path)
            items.append(PlanItem(spec.role, remote, commit, spec.revision, _md5(entry, path)))
    return _dedupe(items), commits


def _cached_paths(repo: str, revision: str, unreachable: Exception | None) -> list[str]:
    """Files of a repo snapshot in the local cache (offline, or the hub is unreachable)."""
    commit = hub.cached_commit(repo, revision)
    root = hub.snapshot_dir(repo, commit) if commit else None
    if root is None or not root.is_dir():
        if unreachable is not None:
            raise unreachable
        raise NetworkError(f"offline mode (HF_HUB_OFFLINE=1) and {repo}@{revision} is not in the local cache",
                           hint="unset HF_HUB_OFFLINE to download it")
    return [p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()]


def parse_hf_id(text: str) -> tuple[str, str | None]:
    """``hf:owner/repo[@rev]`` → (repo, revision or None)."""
    body = text[3:] if text.startswith("hf:") else text
    repo, _, rev = body.partition("@")
    if not _REPO_RE.match(repo) or ".." in repo:
        raise BadInput(f"invalid hub repository {repo!r}", hint="write it as hf:owner/name[@revision]")
    return repo, (rev or None)


def hf_entry(text: str) -> tuple[Entry, dict[tuple[str, str], str] | None, list[hub.RemoteFile] | None]:
    """An ad-hoc entry for any hub repo; the family is detected from the file names."""
    from ..backends import registry
    from ..catalog import detect_roles

    repo, rev = parse_hf_id(text)
    revision = rev or "main"
    remote = commits = None
    if hub.is_offline():
        paths = _cached_paths(repo, revision, None)
    else:
        try:
            commit = hub.resolve_commit(repo, revision)
            remote = [f for f in hub.list_files(repo, commit) if f.path != ".gitattributes"]
            paths = [f.path for f in remote]
            commits = {(repo, revision): commit}
        except hub.HubUnreachable as exc:
            paths = _cached_paths(repo, revision, exc)
    spec = registry.detect_family(paths)
    if spec is None:
        raise NotFound(f"cannot tell which model family {repo} holds (files: {_listing(paths)})",
                       hint=f"ttscli recognises: {', '.join(sorted(registry.families()))}; "
                       "pull a catalog id (`ttscli list --available`) instead")
    roles = detect_roles(spec.name, paths)
    files = {role: FileSpec(role, repo, revision, hits[0]) for role, hits in roles.items()}
    # everything else in the repo comes along too (configs, voices, licence), as `hf download` would
    for path in paths:
        if not any(s.pattern == path for s in files.values()):
            files[f"file:{path}"] = FileSpec(f"file:{path}", repo, revision, path)
    entry = Entry(
        id=f"hf:{repo}" + (f"@{rev}" if rev else ""), base=f"hf:{repo}", tag=None, family=spec.name,
        runtime=spec.runtime, repo=repo, revision=revision, files=files,
        description=f"{spec.description or spec.name} from hub repository {repo}",
        license={"code": spec.code_license,
                 "weights": "see the repository's model card"},
        can_clone=spec.clone is not None, source="hf",
    )
    return entry, commits, remote
