"""misaki, Kokoro's own English G2P, used when it is installed (optional).

misaki ≥ 0.9 needs spaCy with the ``en_core_web_sm`` package (and torch); when
that package is missing it tries to download it, so we only use misaki when
both are importable and otherwise stay with espeak-ng plus the respelling in
:mod:`.kokoro_style`. Any failure to build it falls back the same way, once,
with a warning.
"""

from __future__ import annotations

import importlib.util
import logging
import threading
from typing import Any

log = logging.getLogger(__name__)

_lock = threading.Lock()
_g2p: dict[bool, Any] = {}
_failed = False


def available() -> bool:
    return not _failed and all(importlib.util.find_spec(m) is not None for m in ("misaki", "spacy", "en_core_web_sm"))


def phonemize(text: str, british: bool) -> str | None:
    """misaki phonemes for English ``text``, or None when misaki cannot be used."""
    global _failed
    if not available():
        return None
    with _lock:
        try:
            if british not in _g2p:
                from misaki import en, espeak

                _g2p[british] = en.G2P(trf=False, british=british, fallback=espeak.EspeakFallback(british=british))
            phonemes, _ = _g2p[british](text)
        except Exception as exc:  # noqa: BLE001 - an optional third-party stack
            _failed = True
            log.warning("misaki G2P failed (%s); using espeak-ng for English", exc)
            return None
    return " ".join(str(phonemes).split())
