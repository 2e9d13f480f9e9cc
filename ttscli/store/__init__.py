"""The model store: models pulled from the hub (or imported) and recorded as installed.

A ModelRef from the store has ``path`` = the local snapshot directory of the
model's main repository and ``info`` = its catalog entry, where ``info["files"]``
maps each file ROLE (``model``, ``config``, ``voices``, ``backbone``,
``codec_decoder``, ``tokens``…) to the absolute path of its file, or to a list of
paths for roles given by a glob (Kokoro's ``voices/*.bin``). Files may live in
several repositories (NeuTTS backbone + codec), which is why roles are absolute.

This package imports no runtime and no huggingface_hub at import time: listing
installed models reads small JSON records only.
"""

from __future__ import annotations

from ..models.ref import ModelRef
from . import manifest


def installed_refs() -> dict[str, ModelRef]:
    """Complete, intact store models by id and alias (a resolve.SOURCES provider)."""
    found: dict[str, ModelRef] = {}
    for record in manifest.all_records():
        if record.missing_files():
            continue
        ref = record.to_ref()
        found.setdefault(record.id, ref)
        for alias in record.aliases:
            found.setdefault(alias, ref)
    return found


def pull_hint(model_id: str) -> str | None:
    """For an id that is not installed: how to get it (or None if the catalog lacks it too)."""
    from .. import catalog
    from ..errors import NotFound

    try:
        entry = catalog.lookup(model_id)
    except NotFound:
        return None
    except Exception:  # noqa: BLE001 - a hint must never break the error it decorates
        return None
    return f"{entry.id} is in the catalog but not installed: run `ttscli pull {entry.id}`"
