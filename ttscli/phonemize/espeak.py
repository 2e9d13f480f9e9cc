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

from ..errors import BadInput, NotFound, RuntimeFailure

_AUDIO_OUTPUT_SYNCHRONOUS = 0x02
_INITIALIZE_DONT_EXIT = 0x8000
_CHARS_UTF8 = 1
_PHONEMES_IPA = 0x02
_PHONEMES_TIE = 0x80  # bits 8-23 then hold a character joining multi-letter phonemes (d^ʒ, a^ɪ)

TERMINATORS = ".,?!:;…"
SENTENCE_END = ".?!…"
_CLOSERS = "\"')]}»”’"
# "(en)" / "(fr)" language-switch flags; with a tie character they read "(^e^n)".
_LANG_SWITCH = re.compile(r"\([a-z^]{2,7}(?:-[a-z0-9^]+)?\)")


class _VoiceSpec(ctypes.Structure):
    """espeak_VOICE from speak_lib.h, used to select a voice by language code."""

    _fields_ = [
        ("name", ctypes.c_char_p),
        ("languages", ctypes.c_char_p),
        ("identifier", ctypes.c_char_p),
        ("gender", ctypes.c_ubyte),
        ("age", ctypes.c_ubyte),
        ("variant", ctypes.c_ubyte),
        ("xx1", ctypes.c_ubyte),
        ("score", ctypes.c_int),
        ("spare", ctypes.c_void_p),
    ]


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
        lib.espeak_SetVoiceByProperties.argtypes = [ctypes.POINTER(_VoiceSpec)]
        lib.espeak_SetVoiceByProperties.restype = ctypes.c_int
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
        """Select a voice by file name (``en-us``) or, failing that, by language code.

        Some languages have no voice file of that name (British English is the
        file ``en`` with language ``en-gb``), so the language lookup is needed
        for the codes Kokoro's voices use.
        """
        if voice != self._voice:
            from .. import langtag

            langtag.check(voice, "language", BadInput)  # never a path: espeak-ng opens voices by file name
            if self.lib.espeak_SetVoiceByName(voice.encode()) != 0:
                spec = _VoiceSpec(languages=voice.encode())
                if self.lib.espeak_SetVoiceByProperties(ctypes.byref(spec)) != 0:
                    raise NotFound(f"espeak-ng has no voice {voice!r}",
                                   hint="use a language code such as en-us, de, fr")
            self._voice = voice

    def clauses(self, text: str, voice: str, tie: str | None = None) -> list[Clause]:
        """Phonemize ``text`` clause by clause (IPA with stress marks).

        ``tie`` (one character, e.g. ``^``) is put between the letters of
        multi-letter phonemes, so a converter can tell the diphthong ``a^ɪ``
        from ``a`` followed by ``ɪ``.
        """
        raw = text.encode("utf-8", errors="replace")
        if not raw.strip():
            return []
        mode = _PHONEMES_IPA
        if tie:
            mode |= _PHONEMES_TIE | (ord(tie) << 8)
        out: list[Clause] = []
        with self._lock:
            self._set_voice(voice)
            buf = ctypes.create_string_buffer(raw)
            base = ctypes.addressof(buf)
            ptr = ctypes.c_void_p(base)
            while ptr.value:
                start = ptr.value - base
                result = self.lib.espeak_TextToPhonemes(ctypes.byref(ptr), _CHARS_UTF8, mode)
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


def check_language(voice: str) -> None:
    """NotFound (exit 4) when espeak-ng has no voice for the language code ``voice``."""
    engine = Espeak.get()
    with engine._lock:
        engine._set_voice(voice)


def clauses(text: str, voice: str, tie: str | None = None) -> list[Clause]:
    return Espeak.get().clauses(text, voice, tie)


def phonemize(text: str, voice: str, tie: str | None = None) -> str:
    """One IPA string for ``text`` with each clause's punctuation kept.

    ``"Hello world, this is a test."`` → ``"həlˈoʊ wˈɜːld, ðɪs ɪz ɐ tˈɛst."``:
    the form StyleTTS2-style models (Kokoro, Kitten) were trained on, where
    commas and full stops are tokens that shape the prosody.
    """
    parts = [c.phonemes + c.terminator for c in clauses(text, voice, tie)]
    return " ".join(p for p in parts if p.strip())
