"""Run the CLI in this process (ttscli.cli.app.main), for tests where process behaviour is not
under test; and rebuild the family registry around a change to it."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass


@dataclass
class Result:
    code: int
    out: str
    err: str


def cli(capsys, *args: str) -> Result:
    import logging
    import os

    from ttscli.cli.app import main

    saved = dict(os.environ)  # the CLI exports its global options (--runtime, --device) here
    logger = logging.getLogger("ttscli")  # and sets up its own stderr logging
    state = (logger.handlers[:], logger.level, logger.propagate)
    capsys.readouterr()
    try:
        code = main(list(args))
    finally:
        os.environ.clear()
        os.environ.update(saved)
        logger.handlers[:], logger.level, logger.propagate = state
    captured = capsys.readouterr()
    return Result(code, captured.out, captured.err)


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
