"""espeak-ng IPA → the phoneme spelling Kokoro v1.0 was trained on.

Kokoro's English voices learned misaki's phoneme set, which writes the
diphthongs and affricates as single symbols (``I`` for aɪ, ``O`` for oʊ, ``ʤ``
for dʒ...) and American r-coloured vowels as ``əɹ``. espeak-ng writes the same
sounds as letter sequences. Feeding the raw espeak string works, but some of
its letters then mean something else to the model (``e``, ``r``, ``ɐ``), so
we respell it. espeak is asked for a tie character (``^``) between the parts
of one phoneme, which makes the diphthong ``a^ɪ`` unambiguous.

This is the respelling misaki itself applies when it falls back to espeak for
out-of-dictionary words; Whisper round trips in the README measure its effect.
"""

from __future__ import annotations

import re

TIE = "^"

# Ordered longest first when applied; (espeak, kokoro).
_COMMON: tuple[tuple[str, str], ...] = (
    ("ʔˌn\u0329", "tᵊn"),
    ("ʔn\u0329", "tᵊn"),
    ("a^ɪ", "I"),
    ("a^ʊ", "W"),
    ("e^ɪ", "A"),
    ("ɔ^ɪ", "Y"),
    ("d^ʒ", "ʤ"),
    ("t^ʃ", "ʧ"),
    ("ə^l", "ᵊl"),
    ("ʲO", "jO"),
    ("ʲQ", "jQ"),
    ("ʔn", "tᵊn"),
    ("\u0303", ""),
    ("e", "A"),
    ("r", "ɹ"),
    ("x", "k"),
    ("ç", "k"),
    ("ɐ", "ə"),
    ("ɚ", "əɹ"),
    ("ɬ", "l"),
    ("ʔ", "t"),
    ("ʲ", ""),
)
_US: tuple[tuple[str, str], ...] = (
    ("o^ʊ", "O"),
    ("ɜːɹ", "ɜɹ"),
    ("ɜː", "ɜɹ"),
    ("ɪə", "iə"),
)
_GB: tuple[tuple[str, str], ...] = (
    ("e^ə", "ɛː"),
    ("iə", "ɪə"),
    ("ə^ʊ", "Q"),
)
# Other languages (espeak voices such as es, fr-fr, hi, it, pt-br): only the
# affricates have single symbols in Kokoro's table.
_AFFRICATES: tuple[tuple[str, str], ...] = (
    ("d^ʒ", "ʤ"),
    ("t^ʃ", "ʧ"),
    ("d^z", "ʣ"),
    ("t^s", "ʦ"),
    ("d^ʑ", "ʥ"),
    ("t^ɕ", "ʨ"),
)
_SYLLABIC = re.compile(r"(\S)\u0329")


def _ordered(pairs: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
    return sorted(pairs, key=lambda kv: -len(kv[0]))


_COMMON_ORDERED = _ordered(_COMMON)


def from_espeak(ipa: str, lang: str) -> str:
    """Respell espeak-ng IPA (produced with ``tie='^'``) in Kokoro's phoneme set."""
    if is_english(lang):
        return english_from_espeak(ipa, british=is_british(lang))
    for old, new in _AFFRICATES:
        ipa = ipa.replace(old, new)
    return ipa.replace(TIE, "")


def english_from_espeak(ipa: str, british: bool = False) -> str:
    """English: misaki's spelling of diphthongs, affricates and r-coloured vowels.

    The accent's own rules go first: they contain letters (``e`` in the
    British ``e^ə``) that the shared rules would otherwise respell away.
    American English has no length mark in misaki's set, so ``ː`` goes last.
    """
    for old, new in _ordered(_GB if british else _US):
        ipa = ipa.replace(old, new)
    for old, new in _COMMON_ORDERED:
        ipa = ipa.replace(old, new)
    ipa = _SYLLABIC.sub(r"ᵊ\1", ipa).replace("\u0329", "")
    if not british:
        ipa = ipa.replace("ː", "")
    return ipa.replace(TIE, "")


def is_english(lang: str) -> bool:
    return lang.lower().startswith("en")


def is_british(lang: str) -> bool:
    return lang.lower() in ("en-gb", "en-gb-x-rp", "en-gb-scotland", "en-gb-x-gbclan", "en-gb-x-gbcwmd")
