"""A safe reader for the SSML subset ttscli speaks.

Supported: <speak>, <p>, <s>, <break time|strength>, <say-as interpret-as
[format]> (characters, spell-out, cardinal, ordinal, digits, date, telephone),
<sub alias>, <phoneme alphabet="ipa" ph> (``alph`` is accepted too). Any other
tag draws one warning naming it, and its text is spoken. ``[pause:1.5]`` works
inside SSML text as well.

Parsing uses expat directly with every declaration refused: a DOCTYPE, an
entity declaration or an external entity reference is an error, so no entity
expansion ("billion laughs") and no file or network access can happen. Only
the five predefined XML entities and character references are understood.
Errors name the line and column (1-based) and exit with code 3.
"""

from __future__ import annotations

import logging
import re
from xml.parsers import expat

from ..errors import BadInput
from ..held_warnings import held
from .segments import without_brackets
from .document import MAX_PAUSE, Paragraph, Pause, Phonemes, SayAs, SentenceBreak, Span, cap, duration, with_pauses

log = logging.getLogger(__name__)

STRENGTHS = {"none": 0.0, "x-weak": 0.1, "weak": 0.25, "medium": 0.5, "strong": 0.75, "x-strong": 1.0}
SAY_AS = {"characters", "spell-out", "verbatim", "cardinal", "number", "ordinal", "digits", "date", "telephone"}
KNOWN = {"speak", "p", "paragraph", "s", "sentence", "break", "say-as", "sub", "phoneme"}
MAX_DEPTH = 256
_START = re.compile(r"<speak[\s>/]|<\?xml[\s?]|<!doctype\s", re.I)


def looks_like_ssml(text: str) -> bool:
    """SSML is recognised by its start: <speak>, an XML declaration or a DOCTYPE."""
    return _START.match(text[:64].lstrip()) is not None


class _Reader:
    def __init__(self) -> None:
        self.parser = expat.ParserCreate()
        p = self.parser
        p.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        p.StartDoctypeDeclHandler = self._forbidden("a DOCTYPE")
        p.EntityDeclHandler = self._forbidden("an entity declaration")
        p.ExternalEntityRefHandler = self._forbidden("an external entity")
        p.StartElementHandler = self._start
        p.EndElementHandler = self._end
        p.CharacterDataHandler = self._text
        self.paragraphs: list[Paragraph] = []
        self.current = Paragraph()
        self.stack: list[str] = []
        # Depth of the <sub alias>/<phoneme ph> whose content is replaced, and of the
        # open <say-as> whose text is collected; None when not inside one.
        self.mute: int | None = None
        self.capture_depth: int | None = None
        self.capture: list[str] = []
        self.say_as: tuple[str, str | None] = ("", None)
        self.warned: set[str] = set()

    # --- errors and positions
    def where(self) -> str:
        return f"at line {self.parser.CurrentLineNumber}, column {self.parser.CurrentColumnNumber + 1}"

    def _forbidden(self, what: str):
        def handler(*_args):
            raise BadInput(f"SSML must not contain {what} ({self.where()})",
                           hint="remove the <!DOCTYPE>/<!ENTITY> declarations; ttscli expands no entities")
        return handler

    def warn_once(self, key: str, message: str) -> None:
        if key not in self.warned:
            self.warned.add(key)
            log.warning("%s", message)

    # --- structure
    def flush(self) -> None:
        if self.current.items:
            self.paragraphs.append(self.current)
        self.current = Paragraph()

    def add(self, item) -> None:
        self.current.items.append(item)

    def _start(self, tag: str, attrs: dict[str, str]) -> None:
        name = tag.rsplit(":", 1)[-1].lower()
        self.stack.append(name)
        if len(self.stack) > MAX_DEPTH:
            raise BadInput(f"SSML is nested more than {MAX_DEPTH} levels deep ({self.where()})")
        if self.mute is not None or self.capture_depth is not None:
            return  # content replaced, or tags inside <say-as> that contribute their text only
        if len(self.stack) == 1 and name != "speak":
            raise BadInput(f"SSML root element is <{name}>, not <speak> ({self.where()})",
                           hint="wrap the document in <speak>…</speak>")
        if name in ("p", "paragraph"):
            self.flush()
        elif name in ("s", "sentence"):
            self.add(SentenceBreak())
        elif name == "break":
            self.add(Pause(self._break(attrs)))
        elif name == "say-as":
            self._open_say_as(attrs)
        elif name == "sub":
            if "alias" in attrs:
                self.add(Span(attrs["alias"]))
                self.mute = len(self.stack)
            else:
                self.warn_once("sub", f"<sub> without alias {self.where()}: its text is spoken")
        elif name == "phoneme":
            self._phoneme(attrs)
        elif name == "speak" and len(self.stack) > 1:
            self.warn_once("speak", f"nested <speak> {self.where()} ignored")
        elif name not in KNOWN:
            self.warn_once(name, f"SSML tag <{name}> is not supported: its text is spoken as is")

    def _end(self, tag: str) -> None:
        name = self.stack.pop()
        depth = len(self.stack) + 1
        if self.mute is not None:
            if depth == self.mute:
                self.mute = None
            return
        if self.capture_depth is not None:
            if depth == self.capture_depth:
                kind, fmt = self.say_as
                self.add(SayAs(kind, " ".join("".join(self.capture).split()), fmt))
                self.capture_depth, self.capture = None, []
            return
        if name in ("p", "paragraph"):
            self.flush()
        elif name in ("s", "sentence"):
            self.add(SentenceBreak())

    def _text(self, data: str) -> None:
        if self.mute is not None:
            return
        if self.capture_depth is not None:
            self.capture.append(data)
            return
        for item in with_pauses(data, f" {self.where()}"):
            if isinstance(item, Span) and self.current.items and isinstance(self.current.items[-1], Span):
                self.current.items[-1] = Span(self.current.items[-1].text + item.text)
            else:
                self.add(item)

    # --- elements
    def _break(self, attrs: dict[str, str]) -> float:
        if "time" in attrs:
            return duration(attrs["time"], self.where())
        strength = attrs.get("strength", "medium").strip().lower()
        if strength not in STRENGTHS:
            raise BadInput(f"unknown <break strength={strength!r}> {self.where()}",
                           hint="use none, x-weak, weak, medium, strong or x-strong")
        return cap(STRENGTHS[strength])

    def _open_say_as(self, attrs: dict[str, str]) -> None:
        kind = (attrs.get("interpret-as") or "").strip().lower()
        if kind not in SAY_AS:
            self.warn_once(f"say-as:{kind}", f"<say-as interpret-as={kind!r}> is not supported "
                                             f"{self.where()}: the text is read normally")
            return
        self.capture_depth, self.capture = len(self.stack), []
        self.say_as = (kind, attrs.get("format") or attrs.get("detail"))

    def _phoneme(self, attrs: dict[str, str]) -> None:
        alphabet = (attrs.get("alphabet") or attrs.get("alph") or "ipa").strip().lower()
        ph = attrs.get("ph", "").strip()
        if alphabet != "ipa" or not ph:
            what = f"alphabet {alphabet!r}" if alphabet != "ipa" else "no ph attribute"
            self.warn_once(f"phoneme:{alphabet}", f"<phoneme> with {what} {self.where()}: its text is spoken")
            return
        self.add(Phonemes(without_brackets(ph)))
        self.mute = len(self.stack)

    def parse(self, text: str) -> list[Paragraph]:
        with held():  # a malformed document gives its error line alone
            return self._parse(text)

    def _parse(self, text: str) -> list[Paragraph]:
        try:
            self.parser.Parse(text, True)
        except expat.ExpatError as exc:
            message = expat.ErrorString(exc.code) if exc.code else str(exc)
            raise BadInput(f"malformed SSML at line {exc.lineno}, column {exc.offset + 1}: {message}",
                           hint="fix the markup there (text that does not start with <speak> is read as plain text)"
                           ) from None
        self.flush()
        return self.paragraphs


def parse(text: str) -> list[Paragraph]:
    """Paragraphs of an SSML document (BadInput with line and column when malformed)."""
    stripped = text.lstrip()
    if not stripped.startswith("<?xml"):
        return _Reader().parse(text)
    # An XML declaration must come first: drop the blank lines before it and
    # add them back to the line numbers of errors.
    skipped = text[: len(text) - len(stripped)].count("\n")
    try:
        return _Reader().parse(stripped)
    except BadInput as exc:
        raise _shift(exc, skipped) from None


def _shift(exc: BadInput, lines: int) -> BadInput:
    if not lines:
        return exc
    message = re.sub(r"line (\d+)", lambda m: f"line {int(m.group(1)) + lines}", exc.message, count=1)
    return BadInput(message, hint=exc.hint)


__all__ = ["parse", "looks_like_ssml", "MAX_PAUSE"]
