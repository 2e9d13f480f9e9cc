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


def _part(name: str, value, source: str) -> Part:
    if isinstance(value, str):
        return Part(voice=value)
    if not isinstance(value, dict) or set(value) - _ENTRY_KEYS:
        raise BadInput(f"{source}: voice {name!r} must be a string or a table of {', '.join(sorted(_ENTRY_KEYS))}",
                       hint='e.g. [voices.alice] model = "kokoro:v1.0-int8-ja" voice = "jf_alpha"')
    if not (value.get("model") or value.get("voice")):
        raise BadInput(f"{source}: voice {name!r} names neither a model nor a voice", hint="add model = or voice =")
    speed = value.get("speed")
    if speed is not None and not (isinstance(speed, (int, float)) and 0.1 <= speed <= 5):
        raise BadInput(f"{source}: voice {name!r} has speed {speed!r}", hint="use a number from 0.1 to 5")
    from .. import langtag

    lang = langtag.check_content(value.get("lang"), f"{source}: voice {name!r} has lang")
    return Part(value.get("model"), value.get("voice"), lang, float(speed) if speed else None)


def load(path: Path | None, dialogue_voice: str | None = None) -> Cast:
    """The cast from ``--cast FILE`` and ``--dialogue-voice`` (either may be missing)."""
    cast = Cast()
    if path is not None:
        import tomllib

        source = str(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise BadInput(f"cannot read the cast file {source}: {exc.strerror or exc}") from exc
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise BadInput(f"cast file {source} is not valid TOML ({exc})", hint="see docs/audiobooks.md") from exc
        unknown = set(data) - {"voices", "narrator", "dialogue", "chapters"}
        if unknown:
            raise BadInput(f"cast file {source} has an unknown key {sorted(unknown)[0]!r}",
                           hint="use voices, narrator, dialogue and chapters")
        voices = data.get("voices", {})
        if not isinstance(voices, dict):
            raise BadInput(f"cast file {source}: voices must be a table", hint="write [voices.NAME] tables")
        cast.voices = {str(name): _part(str(name), value, source) for name, value in voices.items()}
        for key in ("narrator", "dialogue"):
            value = data.get(key)
            if value is not None and not isinstance(value, str):
                raise BadInput(f"cast file {source}: {key} must be a voice name", hint=f'e.g. {key} = "alice"')
            setattr(cast, key, value)
        chapters = data.get("chapters", {})
        for number, name in chapters.items() if isinstance(chapters, dict) else ():
            if not str(number).isdigit() or not isinstance(name, str):
                raise BadInput(f"cast file {source}: [chapters] {number} = {name!r} is not NUMBER = \"NAME\"",
                               hint='e.g. 3 = "alice"')
            cast.chapters[int(number)] = name
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
