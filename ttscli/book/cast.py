"""A cast of voices: who speaks which passage of a chapter.

Sources, strongest first:

* inline markup: ``[voice:NAME]…[/voice]`` (TXT/Markdown) or SSML ``<voice name="NAME">…</voice>``
  speaks the passage with the cast's voice NAME (or, if no cast entry has that
  name, with the voice NAME itself: a built-in voice, a blend or a clone);
* quoted speech (``--dialogue-voice`` or ``dialogue`` in the cast file): “curly”
  and "straight" double quotes; a quote inside a quote stays with the outer one;
  a quote that runs over paragraphs (each paragraph opening with a quote mark,
  only the last one closing it) stays dialogue throughout;
* everything else: the chapter's narrator (``[chapters]`` in the cast file), else
  the book's narrator (``--voice``/``--model``).

The cast file is TOML::

    narrator = "joe"              # a name below, or leave it out for --model/--voice
    dialogue = "alice"            # optional: who speaks quoted text

    [voices.joe]
    model = "piper:en_US-joe-medium"

    [voices.alice]
    model = "kokoro:v1.0-int8-ja"
    voice = "jf_alpha"
    lang = "en-us"

    [chapters]
    3 = "alice"                   # chapter 3 (as --list-chapters numbers it) is narrated by alice
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import BadInput

NARRATOR = ""  # the passage's voice name when the narrator speaks it
DIALOGUE = "\x00dialogue"  # quoted speech without markup
_ENTRY_KEYS = {"model", "voice", "lang", "speed"}
_MARKUP = re.compile(r"\[voice:\s*([^\]\n]+?)\s*\]|\[/voice\]|<voice\s+name\s*=\s*[\"']([^\"'\n]+)[\"']\s*/?>"
                     r"|</voice\s*>", re.IGNORECASE)
_OPEN = {"\u201c": "\u201d", "\u201e": "\u201c", "\u00ab": "\u00bb", '"': '"'}


@dataclass(frozen=True)
class Part:
    """A voice entry: model id, voice (name, blend or clone), language, speed (None: the book's)."""

    model: str | None = None
    voice: str | None = None
    lang: str | None = None
    speed: float | None = None


@dataclass
class Cast:
    voices: dict[str, Part] = field(default_factory=dict)
    narrator: str | None = None  # a name in voices (None: the book's --model/--voice)
    dialogue: str | None = None  # a name in voices, for quoted speech
    chapters: dict[int, str] = field(default_factory=dict)  # chapter number → narrator name

    @property
    def active(self) -> bool:
        return bool(self.narrator or self.dialogue or self.chapters or self.voices)

    def part(self, name: str) -> Part:
        """The voice entry of ``name``; an unknown name is taken as a voice of its own."""
        return self.voices.get(name) or Part(voice=name)


_LANG_TAG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")
_NUMBER = re.compile(r"^[0-9]{1,6}$")


def _fail(source: str, what: str, hint: str) -> BadInput:
    return BadInput(f"cast file {source}: {what}", hint=hint)


def _text(value, source: str, where: str, hint: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise _fail(source, f"{where} must be a non-empty string, not {value!r}", hint)
    return value.strip()


def check_lang(lang: str, source: str, where: str) -> None:
    """A language tag of the cast: the shape of a BCP 47 tag, and one the phonemizer knows."""
    hint = 'use a language code such as "en-us" or "de"'
    if not _LANG_TAG.match(lang):
        raise _fail(source, f"{where} {lang!r} is not a language code", hint)
    try:
        from ..phonemize.espeak import check_language
    except ImportError:  # no phonemizer installed: the voice's family checks it when it loads
        return
    from ..errors import NotFound

    try:
        check_language(lang)
    except NotFound as exc:
        raise _fail(source, f"{where} {lang!r} is not a language espeak-ng knows", hint) from exc


def _part(name: str, value, source: str) -> Part:
    where = f"voice {name!r}"
    if isinstance(value, str):
        return Part(voice=_text(value, source, where, 'e.g. joe = "en_US-joe-medium"'))
    if not isinstance(value, dict):
        raise _fail(source, f"{where} must be a string or a table of {', '.join(sorted(_ENTRY_KEYS))}",
                    'e.g. [voices.alice] model = "kokoro:v1.0-int8-ja" voice = "jf_alpha"')
    unknown = sorted(set(value) - _ENTRY_KEYS)
    if unknown:
        from ..suggest import did_you_mean

        raise _fail(source, f"{where} has an unknown key {unknown[0]!r}",
                    did_you_mean(unknown[0], sorted(_ENTRY_KEYS), otherwise=f"use {', '.join(sorted(_ENTRY_KEYS))}"))
    model = _text(value.get("model"), source, f"{where}: model", 'e.g. model = "piper:en_US-joe-medium"')
    voice = _text(value.get("voice"), source, f"{where}: voice", 'e.g. voice = "jf_alpha"')
    lang = _text(value.get("lang"), source, f"{where}: lang", 'e.g. lang = "en-us"')
    if not (model or voice):
        raise _fail(source, f"{where} names neither a model nor a voice", "add model = or voice =")
    if lang:
        check_lang(lang, source, f"{where}: lang")
    speed = value.get("speed")
    if speed is not None and (isinstance(speed, bool) or not isinstance(speed, (int, float))
                              or not 0.1 <= speed <= 5):
        raise _fail(source, f"{where} has speed {speed!r}", "use a number from 0.1 to 5")
    return Part(model, voice, lang, float(speed) if speed is not None else None)


def _chapters(chapters, source: str) -> dict[int, str]:
    if not isinstance(chapters, dict):
        raise _fail(source, "chapters must be a table of NUMBER = \"NAME\"", 'e.g. [chapters] 3 = "alice"')
    out = {}
    for number, name in chapters.items():
        if not _NUMBER.match(str(number)) or not isinstance(name, str) or not name.strip():
            raise _fail(source, f"[chapters] {number} = {name!r} is not NUMBER = \"NAME\" (digits 0-9)",
                        'e.g. 3 = "alice"')
        out[int(number)] = name.strip()
    return out


def _read(path: Path) -> dict:
    import tomllib

    source = str(path)
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BadInput(f"cannot read the cast file {source}: {exc.strerror or exc}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise BadInput(f"cast file {source} is not valid TOML ({exc})", hint="see docs/audiobooks.md") from exc


def load(path: Path | None, dialogue_voice: str | None = None) -> Cast:
    """The cast from ``--cast FILE`` and ``--dialogue-voice`` (either may be missing), validated whole
    (types, keys, languages) before anything is created: BadInput (exit 3) otherwise."""
    cast = Cast()
    if path is not None:
        source = str(path)
        data = _read(path)
        unknown = sorted(set(data) - {"voices", "narrator", "dialogue", "chapters"})
        if unknown:
            from ..suggest import did_you_mean

            raise BadInput(f"cast file {source} has an unknown key {unknown[0]!r}",
                           hint=did_you_mean(unknown[0], ["voices", "narrator", "dialogue", "chapters"],
                                             otherwise="use voices, narrator, dialogue and chapters"))
        voices = data.get("voices", {})
        if not isinstance(voices, dict):
            raise _fail(source, "voices must be a table", "write [voices.NAME] tables")
        cast.voices = {str(name): _part(str(name), value, source) for name, value in voices.items()}
        for key in ("narrator", "dialogue"):
            setattr(cast, key, _text(data.get(key), source, key, f'e.g. {key} = "alice"'))
        cast.chapters = _chapters(data.get("chapters", {}), source)
    if dialogue_voice:
        cast.dialogue = dialogue_voice
    return cast


def _markup_runs(text: str) -> list[tuple[str, str]]:
    """(voice name or NARRATOR, text) runs of a chapter, split at inline voice markup."""
    runs: list[tuple[str, str]] = []
    stack: list[str] = []
    pos = 0
    for match in _MARKUP.finditer(text):
        runs.append((stack[-1] if stack else NARRATOR, text[pos:match.start()]))
        name = match.group(1) or match.group(2)
        if name:
            stack.append(name.strip())
        elif stack:
            stack.pop()
        pos = match.end()
    runs.append((stack[-1] if stack else NARRATOR, text[pos:]))
    return [(name, piece) for name, piece in runs if piece]


def _quotes(text: str) -> list[tuple[bool, str]]:
    """(is dialogue, text) pieces of narration; quote marks themselves are left out."""
    pieces: list[tuple[bool, str]] = []
    buf: list[str] = []
    closer: str | None = None
    i, n = 0, len(text)

    def flush(dialogue: bool) -> None:
        if buf:
            pieces.append((dialogue, "".join(buf)))
            buf.clear()

    while i < n:
        ch = text[i]
        if closer is None and ch in _OPEN and (ch != '"' or i + 1 < n and not text[i + 1].isspace()):
            flush(False)
            closer = _OPEN[ch]
        elif closer is not None and ch == closer:
            flush(True)
            closer = None
        elif closer is not None and ch == "\n" and re.match(r"\n[ \t]*\n", text[i:]):
            gap = re.match(r"\n[ \t]*(?:\n[ \t]*)+", text[i:]).group(0)
            after = text[i + len(gap):i + len(gap) + 1]
            if after in _OPEN:  # the quote goes on in the next paragraph
                buf.append(gap)
                i += len(gap) + 1
                continue
            buf.append(gap)
            flush(True)  # an unclosed quote ends with its paragraph
            closer = None
            i += len(gap)
            continue
        else:
            buf.append(ch)
        i += 1
    flush(closer is not None)
    return [(d, t) for d, t in pieces if t]


def passages(text: str, cast: Cast) -> list[tuple[str, str]]:
    """(voice name, text) in reading order; NARRATOR for the narrator, DIALOGUE for unmarked quotes
    (only with a dialogue voice). Neighbours with the same voice are merged."""
    out: list[tuple[str, str]] = []
    for name, run in _markup_runs(text):
        pieces = _quotes(run) if name == NARRATOR and cast.dialogue else [(False, run)]
        for dialogue, piece in pieces:
            who = DIALOGUE if dialogue else name
            if out and out[-1][0] == who:
                out[-1] = (who, out[-1][1] + piece)
            else:
                out.append((who, piece))
    return [(who, piece) for who, piece in out if re.search(r"\w", piece)]
