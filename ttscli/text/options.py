"""What a caller asks of the text front end: the text half of a :class:`ttscli.request.Request`.

:func:`ttscli.engine.segments` adds the model's part (its language, tags it reads itself) to
make the front end's own :class:`~ttscli.text.frontend.FrontEndOptions`, which extends this.
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
