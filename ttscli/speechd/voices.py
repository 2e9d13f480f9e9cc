"""Voices for speech-dispatcher, its SET parameters as ttscli options, and the warm models.

Every installed model's voices and every stored voice (clones, blends) are listed by name;
``synthesis_voice`` picks one, else the first voice of the requested ``language``, else the
configured default. speech-dispatcher's -100…100 scales map to: rate → speed 3^(rate/100)
(0.33× to 3×), pitch → a factor 2^(pitch/200) (half an octave either way; the audio is
resampled and synthesized at the compensating speed), volume → gain (volume+100)/200.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from typing import Any

MIN_SPEED, MAX_SPEED = 0.25, 4.0


@dataclass(frozen=True)
class SpdVoice:
    name: str  # what speech-dispatcher lists and sends back as synthesis_voice
    language: str  # e.g. en-US
    model: str  # ttscli model id
    voice: str | None  # the voice's name for ttscli (None: the model's own)


@dataclass
class Settings:
    rate: int = 0
    pitch: int = 0
    volume: int = 100
    language: str | None = None
    voice: str | None = None  # synthesis_voice
    other: dict[str, str] = field(default_factory=dict)  # punctuation_mode, spelling_mode, ...

    def update(self, name: str, value: str) -> bool:
        """Apply one ``name=value`` line; False when the value is out of range."""
        if name in ("rate", "pitch", "volume", "pitch_range"):
            try:
                number = int(value)
            except ValueError:
                return False
            if not -100 <= number <= 100:
                return False
            if name != "pitch_range":
                setattr(self, name, number)
            return True
        text = None if value == "NULL" else value
        if name == "language":
            self.language = text
        elif name == "synthesis_voice":
            self.voice = text
        else:
            self.other[name] = value
        return True

    @property
    def speed(self) -> float:
        return min(MAX_SPEED, max(MIN_SPEED, 3.0 ** (self.rate / 100.0)))

    @property
    def pitch_factor(self) -> float:
        return 2.0 ** (self.pitch / 200.0)

    @property
    def gain(self) -> float:
        return max(0.0, (self.volume + 100) / 200.0)


def _language(languages: list[str]) -> str:
    if not languages:
        return "none"
    code = languages[0].replace("_", "-")
    main, _, region = code.partition("-")
    return f"{main.lower()}-{region.upper()}" if region else main.lower()


def list_voices() -> list[SpdVoice]:
    """Installed models' voices, then stored voices; names unique (a clash gets model/voice)."""
    from ..models.rows import cloned_voices, installed_refs, ref_row

    out: list[SpdVoice] = []
    seen: set[str] = set()
    languages: dict[str, str] = {}
    for ref in installed_refs():
        row = ref_row(ref)
        lang = languages[row["id"]] = _language(row["languages"])
        for voice in row["voices"] or [None]:
            name = voice or row["id"]
            if name in seen or any(c.isspace() for c in name):
                name = f"{row['id']}/{voice}"
            seen.add(name)
            model_voice = None if voice == row["id"].split(":", 1)[-1] else voice
            out.append(SpdVoice(name, lang, row["id"], model_voice))
    for stored in cloned_voices():
        if "error" in stored or not stored.get("id") or stored["id"] in seen:
            continue
        seen.add(stored["id"])
        out.append(SpdVoice(stored["id"], languages.get(stored.get("model") or "", "none"),
                            stored.get("model") or "", stored["id"]))
    return out


def matching(voices: list[SpdVoice], language: str | None) -> list[SpdVoice]:
    """LIST VOICES [language]: voices whose language is it or starts with it."""
    if not language:
        return voices
    want = language.lower()
    return [v for v in voices if v.language.lower() == want or v.language.lower().split("-")[0] == want.split("-")[0]]


@dataclass(frozen=True)
class Choice:
    model: str | None
    voice: str | None


def choose(settings: Settings, default: Choice, voices_of) -> Choice:
    """The model and voice for the next message. ``voices_of()`` lists voices (called only
    when the settings name a voice or a language the default does not speak)."""
    if settings.voice:
        for v in voices_of():
            if v.name == settings.voice:
                return Choice(v.model or None, v.voice)
    if settings.language and (default.model is None and default.voice is None):
        found = matching(voices_of(), settings.language)
        if found:
            return Choice(found[0].model or None, found[0].voice)
    return default


class Warm:
    """Models loaded once and kept: one ``engine.Loaded`` per model id, voices resolved once.
    Synthesis runs under one lock (one utterance at a time, as speech-dispatcher sends them)."""

    def __init__(self):
        self._loaded: dict[str, Any] = {}
        self._voices: dict[tuple[str, str | None], Any] = {}
        self.lock = threading.Lock()

    def get(self, choice: Choice):
        """An ``engine.Loaded`` for the choice (loading the model on first use)."""
        from .. import engine
        from ..server.models import Pool, resolve_voice

        model_id, _ = Pool.model_id(choice.model, choice.voice)
        loaded = self._loaded.get(model_id)
        if loaded is None:
            loaded = self._loaded[model_id] = engine.load(model_id, None)
            self._voices[(model_id, None)] = loaded.voice
        key = (model_id, choice.voice)
        if key not in self._voices:
            self._voices[key] = resolve_voice(loaded.backend, choice.voice)
        return replace(loaded, voice=self._voices[key], voice_name=choice.voice)

    def close(self) -> None:
        for loaded in self._loaded.values():
            try:
                loaded.backend.close()
            except Exception:  # noqa: BLE001 - closing at exit must not fail the exit
                pass
        self._loaded.clear()
