"""What a caller asks of the text front end, built once per request and passed on.

`say`, `batch` (and any server) turn their command-line or request options into one
:class:`TextOptions`; :func:`ttscli.engine.segments_for` turns it, together with the model's
:class:`~ttscli.text.segments.TextProfile`, into the front end's own
:class:`~ttscli.text.frontend.FrontEndOptions`.
"""

from __future__ import annotations

from dataclasses import dataclass

from .lexicon import Lexicon


@dataclass(frozen=True)
class TextOptions:
    sentence_silence: float = 0.0  # seconds after each sentence
    paragraph_silence: float | None = None  # None: max(sentence_silence, 0.5)
    lang: str | None = None  # None: the voice's, else the model's language
    date_order: str | None = None  # mdy | dmy | ymd; None: from the language
    lexicon: Lexicon | None = None

    @classmethod
    def from_user(cls, *, sentence_silence: float = 0.0, paragraph_silence: float | None = None,
                  lang: str | None = None, date_order: str | None = None,
                  lexicon: str | None = None) -> TextOptions:
        """Options as a user gives them: ``lexicon`` is a file path (the config directory's
        lexicon.toml applies in any case), ``date_order`` a string or an enum member."""
        from .. import langtag
        from . import lexicon as lexicon_files

        langtag.check(lang)  # before anything reads it: a language code becomes a file name in espeak-ng
        return cls(sentence_silence=sentence_silence, paragraph_silence=paragraph_silence, lang=lang,
                   date_order=getattr(date_order, "value", date_order), lexicon=lexicon_files.load(lexicon))
