"""espeak-ng text-to-IPA through ctypes, on the library and data of ``espeakng-loader``.

No system package is needed. espeak-ng keeps global state, so every call holds one
process-wide lock. The library splits text into clauses itself; we recover each
clause's closing punctuation (piper and kokoro keep it as a phoneme) from the
stretch of text the library consumed.
"""

from __future__ import annotations

import ctypes
import re
import threading
from dataclasses import dataclass

from ..errors import NotFound, RuntimeFailure

_AUDIO_OUTPUT_SYNCHRONOUS = 0x02
_INITIALIZE_DONT_EXIT = 0x8000
_CHARS_UTF8 = 1
_PHONEMES_IPA = 0x02

TERMINATORS = ".,?!:;…"
SENTENCE_END = ".?!…"
_CLOSERS = "\"')]}»”’"
_LANG_SWITCH = re.compile(r"\([a-z]{2,3}(?:-[a-z0-9]+)?\)")


@dataclass(frozen=True)
class Clause:
    phonemes: str  # IPA, without the terminator
    terminator: str  # one of TERMINATORS, or "" when the clause ended otherwise

    @property
    def ends_sentence(self) -> bool:
        return bool(self.terminator) and self.terminator in SENTENCE_END


class Espeak:
    _instance: "Espeak | None" = None
    _lock = threading.Lock()

    def __init__(self) -> None:
        try:
            import espeakng_loader
        except ImportError as exc:  # pragma: no cover - a hard dependency
            raise RuntimeFailure("espeakng-loader is not installed", hint="pip install espeakng-loader") from exc
        self.lib = ctypes.CDLL(espeakng_loader.get_library_path())
        lib = self.lib
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_Initialize.restype = ctypes.c_int
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetVoiceByName.restype = ctypes.c_int
        lib.espeak_TextToPhonemes.argtypes = [ctypes.POINTER(ctypes.c_void_p), ctypes.c_int, ctypes.c_int]
        lib.espeak_TextToPhonemes.restype = ctypes.c_char_p
        rate = lib.espeak_Initialize(
            _AUDIO_OUTPUT_SYNCHRONOUS, 0, espeakng_loader.get_data_path().encode(), _INITIALIZE_DONT_EXIT
        )
        if rate <= 0:
            raise RuntimeFailure("espeak-ng failed to initialise", hint="reinstall espeakng-loader")
        self._voice: str | None = None

    @classmethod
    def get(cls) -> "Espeak":
        with cls._lock:
            if cls._instance is None:
                cls._instance = cls()
            return cls._instance

    def _set_voice(self, voice: str) -> None:
        if voice != self._voice:
            if self.lib.espeak_SetVoiceByName(voice.encode()) != 0:
                raise NotFound(f"espeak-ng has no voice {voice!r}", hint="use a language code such as en-us, de, fr")
            self._voice = voice

    def clauses(self, text: str, voice: str) -> list[Clause]:
        """Phonemize ``text`` clause by clause (IPA with stress marks)."""
        raw = text.encode("utf-8", errors="replace")
        if not raw.strip():
            return []
        out: list[Clause] = []
        with self._lock:
            self._set_voice(voice)
            buf = ctypes.create_string_buffer(raw)
            base = ctypes.addressof(buf)
            ptr = ctypes.c_void_p(base)
            while ptr.value:
                start = ptr.value - base
                result = self.lib.espeak_TextToPhonemes(ctypes.byref(ptr), _CHARS_UTF8, _PHONEMES_IPA)
                end = (ptr.value - base) if ptr.value else len(raw)
                consumed = raw[start:end].decode("utf-8", errors="ignore")
                if ptr.value:  # the library reads one character past the clause
                    consumed = consumed[:-1]
                phon = _LANG_SWITCH.sub("", (result or b"").decode("utf-8", errors="ignore")).strip()
                out.append(Clause(phon, _terminator(consumed)))
        return [c for c in out if c.phonemes or c.terminator]


def _terminator(consumed: str) -> str:
    tail = consumed.rstrip().rstrip(_CLOSERS).rstrip()
    if tail.endswith("...") or tail.endswith("…"):
        return "…" if "…" in TERMINATORS else "."
    return tail[-1] if tail and tail[-1] in TERMINATORS else ""


def clauses(text: str, voice: str) -> list[Clause]:
    return Espeak.get().clauses(text, voice)
