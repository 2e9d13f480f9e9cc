"""Chapter text + a cast → chunks, each with the voice that speaks it.

Every voice of the cast is resolved once (no runtime is loaded: the catalog
gives its model id, text profile and sample rate). When a book uses more than
one voice, all of them are written at the narrator's rate and their chunks are
brought to one speech level (``LEVEL_DBFS``), so a switch of voice is not a
jump in loudness; chapter normalization then works on an even book. A chunk's
key includes its voice (and that rate and level), so resume finds exactly the
chunks whose voice did not change.
"""

from __future__ import annotations

import dataclasses
import re

from typing import TYPE_CHECKING

from ..errors import BadInput
from ..text.segments import Segment
from . import cast as casting
from .chunks import Chunk, Voice, group

if TYPE_CHECKING:
    from ..request import Request
    from ..selection import Selection

LEVEL_DBFS = -20.0  # speech level every voice of a multi-voice book is brought to
SWITCH_PAUSE = 0.15  # s between two voices inside a paragraph


class Voicing:
    """Resolves cast names to voices and cuts chapters into voiced chunks."""

    def __init__(self, base: Voice, base_selection: Selection, cast: casting.Cast, speech: Request):
        self.base = base
        self.cast = cast
        self.speech = speech  # how every passage is read (its text is unused)
        self._resolved: dict[casting.Part, tuple[Voice, Selection]] = {}
        self.rate: int | None = None  # set by prepare() for multi-voice books
        self._base_selection = base_selection

    # --- voices
    def _resolve(self, part: casting.Part) -> tuple[Voice, Selection]:
        from ..selection import select

        if part not in self._resolved:
            if part.voice and not part.model:
                from ..voices import cache as voice_cache
                from ..voices.locate import model_for_voice

                if not voice_cache.exists(part.voice) and model_for_voice(part.voice) is None:
                    raise BadInput(f"voice {part.voice!r} is neither in the cast nor in an installed model",
                                   hint="add it under [voices] in the --cast file, or see `ttscli voice list`")
            lang = part.lang or self.base.lang
            selection = select(part.model, part.voice, lang)
            ref = selection.ref
            voice = dataclasses.replace(self.base, model=part.model or ref.id, model_id=ref.id,
                                        revision=ref.revision, voice=part.voice,
                                        speed=part.speed or self.base.speed, lang=lang)
            self._resolved[part] = (voice, selection)
        return self._resolved[part]

    def _named(self, name: str, number: int) -> tuple[Voice, Selection]:
        if name == casting.NARRATOR:
            name = self.cast.chapters.get(number) or self.cast.narrator or ""
            if not name:
                return self.base, self._base_selection
        elif name == casting.DIALOGUE:
            name = self.cast.dialogue or ""
        return self._resolve(self.cast.part(name))

    def _rate_of(self, voice: Voice) -> int | None:
        from ..models import resolve

        try:
            return int(resolve.resolve(voice.model_id).info.get("sample_rate") or 0) or None
        except Exception:  # noqa: BLE001 - an unknown rate is found at synthesis time
            return None

    # --- chapters
    def chapter_passages(self, text: str, number: int) -> list[tuple[Voice, object, str]]:
        return [(*self._named(name, number), piece) for name, piece in casting.passages(text, self.cast)]

    def plan(self, chapters: list[tuple[int, str]]) -> list[list[tuple[Voice, object, str]]]:
        """Passages of every chapter; with more than one voice, fix the output rate and level."""
        planned = [self.chapter_passages(text, number) for number, text in chapters]
        voices = {v for passages in planned for v, _, _ in passages}
        if len({(v.model_id, v.voice) for v in voices}) > 1:
            narrator = self._named(casting.NARRATOR, 0)[0]
            self.rate = self._rate_of(narrator) or max(filter(None, map(self._rate_of, voices)), default=None)
            fixed = {v: dataclasses.replace(v, rate=self.rate, level=LEVEL_DBFS) for v in voices}
            planned = [[(fixed[v], p, t) for v, p, t in passages] for passages in planned]
        return planned

    def chunks(self, passages: list[tuple[Voice, object, str]]) -> list[Chunk]:
        from .. import engine

        out: list[Chunk] = []
        for k, (voice, selection, text) in enumerate(passages):
            ends_paragraph = (k + 1 == len(passages) or bool(re.search(r"\n[ \t]*\n\s*$", text))
                              or bool(re.match(r"\s*\n[ \t]*\n", passages[k + 1][2])))
            try:
                segments = list(engine.segments(dataclasses.replace(self.speech, text=text, lang=voice.lang),
                                                selection))
            except BadInput:
                continue  # a passage of punctuation only
            if not ends_paragraph and segments:
                last = segments[-1]
                pause = max(self.speech.sentence_silence, SWITCH_PAUSE)
                segments[-1] = Segment(last.text, pause, False, last.phonemes)
            multi = voice != self.base
            out.extend(dataclasses.replace(c, voice=voice) if multi else c for c in group(segments, voice))
        if not out:
            raise BadInput("nothing to speak")
        return out


def speech_level(samples) -> float:
    """dBFS of the louder half of 20 ms frames (the speech, not the pauses); -inf for silence."""
    import numpy as np

    x = np.asarray(samples, dtype=np.float32)
    frame = 480
    if len(x) < frame:
        return float("-inf")
    frames = x[: len(x) // frame * frame].reshape(-1, frame)
    energy = np.mean(frames.astype(np.float64) ** 2, axis=1)
    loud = np.sort(energy)[len(energy) // 2:]
    mean = float(np.mean(loud))
    return 10 * np.log10(mean) if mean > 0 else float("-inf")
