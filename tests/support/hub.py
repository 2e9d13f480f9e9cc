"""The loopback hub as a pytest fixture: one factory for every test module that serves repos.

    hub = hub_fixture(lambda tmp: {"someone/joe-voice": Repo(files)})   # module-scoped fixture

then ``hub.session_env(tmp_path)`` gives a fresh log and faults and the environment for a CLI
that talks to it.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Mapping

import pytest

from .hfserver import HubServer


@dataclass
class Repo:
    files: Mapping[str, Path | bytes]
    refs: tuple[str, ...] = ("main",)
    gated: bool = False
    commits: tuple[str, ...] = field(default_factory=tuple)


@contextlib.contextmanager
def serving(repos: Mapping[str, Repo | Mapping[str, Path | bytes]]) -> Iterator[HubServer]:
    """A started :class:`HubServer` serving ``repos`` (a Repo, or just its files), stopped after."""
    server = HubServer()
    for name, repo in repos.items():
        repo = repo if isinstance(repo, Repo) else Repo(repo)
        server.add_repo(name, dict(repo.files), refs=repo.refs, gated=repo.gated, commits=repo.commits)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def hub_fixture(build: Callable[[pytest.TempPathFactory], Mapping[str, Repo | Mapping]]):
    """A module-scoped ``hub`` fixture serving what ``build(tmp_path_factory)`` returns."""

    @pytest.fixture(scope="module")
    def hub(tmp_path_factory):
        with serving(build(tmp_path_factory)) as server:
            yield server

    return hub


def files_of(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` by its relative path, as a repo's files."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
