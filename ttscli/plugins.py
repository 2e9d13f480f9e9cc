"""Objects third-party packages declare through entry points (families, output formats).

:func:`declared` loads the objects of one entry-point group. It first checks, cheaply, that some
installed distribution can name the group at all: the places importlib.metadata reads
(``*.dist-info`` and ``*.egg-info`` on sys.path, an ``.egg``'s EGG-INFO) are scanned for
entry_points.txt files mentioning it, which is cheaper than importing importlib.metadata and
parsing every distribution (10-20 ms per `say`). A plugin that fails to load is logged and
skipped: it must not break ttscli.
"""

from __future__ import annotations

import logging
from typing import Any

from .errors import raise_interrupt_cause

log = logging.getLogger(__name__)


def _may_declare(group: str) -> bool:
    import os
    import sys
    from importlib.machinery import PathFinder

    if any(hasattr(f, "find_distributions") and f is not PathFinder for f in sys.meta_path):
        return True  # another finder may list distributions of its own
    needle = group.encode()
    for entry in sys.path:
        root = entry or "."
        try:
            names = os.listdir(root)
        except NotADirectoryError:  # a zip file (an egg): let importlib.metadata look
            return True
        except OSError:
            continue
        egg = root.lower().endswith(".egg")
        for name in names:
            low = name.lower()
            if low.endswith((".dist-info", ".egg-info")) or (egg and low == "egg-info"):
                try:
                    with open(os.path.join(root, name, "entry_points.txt"), "rb") as fh:
                        if needle in fh.read():
                            return True
                except OSError:
                    continue
    return False


def declared(group: str) -> list[tuple[str, Any]]:
    """(entry-point name, loaded object) for every entry point of ``group``."""
    if not _may_declare(group):
        return []
    from importlib.metadata import entry_points

    found = []
    for ep in entry_points(group=group):
        try:
            found.append((ep.name, ep.load()))
        except Exception as exc:  # noqa: BLE001 - a broken plugin must not break ttscli
            raise_interrupt_cause(exc)
            log.warning("plugin %s failed to load: %s", ep.name, exc)
    return found
