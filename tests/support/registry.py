"""Rebuild the family registry (and the catalog read through it) around a change to it: a
plugin registered, a family's package made unimportable."""

from __future__ import annotations

from contextlib import contextmanager


def _forget() -> None:
    from ttscli import catalog
    from ttscli.backends import registry

    registry._families = None
    catalog.families.cache_clear()
    catalog.static_entries.cache_clear()


@contextmanager
def fresh_registry():
    """The registry (and the catalog read through it) rebuilt on entry and on exit."""
    _forget()
    try:
        yield
    finally:
        _forget()
