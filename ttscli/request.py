"""What to say and how: one typed, frozen :class:`Request` per synthesis.

``say``, ``batch``, ``convert``'s speech, the servers and the Python API build a Request and hand
it to the engine; nothing travels as a dict. The language is given once (``lang``) and reaches
both the text front end and the phonemizer from here. Options of one family only (Piper's noise,
a speech LM's sampling) are the family's own typed dataclass (``FamilySpec.options``) in
``family``; an object of another family's type is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .backends.base import SynthesisOptions
from .text.options import TextOptions

if TYPE_CHECKING:
    from .text.lexicon import Lexicon


@dataclass(frozen=True)
class Request:
    text: str = ""
    speed: float = 1.0  # 2.0 = twice as fast
    volume: float = 1.0  # linear gain
    seed: int | None = None
    lang: str | None = None  # None: the voice's language, else the model's
    sentence_silence: float = 0.0  # seconds after each sentence
    paragraph_silence: float | None = None  # None: max(sentence_silence, 0.5)
    date_order: str | None = None  # mdy | dmy | ymd; None: from the language
    lexicon: Lexicon | None = None  # the config directory's lexicon.toml when built by from_user
    family: Any = None  # the family's own options (FamilySpec.options), or None: its defaults

    @classmethod
    def from_user(cls, text: str = "", *, lexicon: str | None = None, date_order: Any = None,
                  **values: Any) -> Request:
        """A request as a user gives it: ``lexicon`` a file path (the config directory's
        lexicon.toml applies in any case), ``date_order`` a string or an enum member."""
        from .text import lexicon as lexicon_files

        return cls(text=text, lexicon=lexicon_files.load(lexicon), date_order=getattr(date_order, "value", date_order),
                   **values)

    @property
    def text_options(self) -> TextOptions:
        return TextOptions(sentence_silence=self.sentence_silence, paragraph_silence=self.paragraph_silence,
                           lang=self.lang, date_order=self.date_order, lexicon=self.lexicon)

    @property
    def synthesis_options(self) -> SynthesisOptions:
        return SynthesisOptions(speed=self.speed, volume=self.volume, seed=self.seed, lang=self.lang,
                                family=self.family)

