"""OpenAI's speech request: validation, and the mapping of its model and voice names.

``tts-1``, ``tts-1-hd`` and ``gpt-4o-mini-tts`` name configurable ttscli models
(default: the embedded Piper joe voice); OpenAI's voice names (alloy, echo, ...)
map to a configured voice, else to a voice of the model whose name ends in
``_<name>`` (Kokoro's ``af_alloy``, ``am_echo``...), else to the model's default
voice. Any installed model id and any stored voice works as well; file paths never do.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from .. import langtag
from ..models.resolve import declared_default
from . import F32
from .errors import bad_request, too_large
from .stream import SAY_FORMATS, served

OPENAI_MODELS = ("tts-1", "tts-1-hd", "gpt-4o-mini-tts")
OPENAI_VOICES = ("alloy", "ash", "ballad", "coral", "echo", "fable", "nova", "onyx", "sage", "shimmer",
                 "verse", "marin", "cedar")
DATE_ORDERS = ("mdy", "dmy", "ymd")
NAME_MAX = 200


@dataclass
class Mapping:
    """OpenAI names → ttscli names (``--map`` on `ttscli serve`)."""

    models: dict[str, str] = field(default_factory=lambda: {name: declared_default() for name in OPENAI_MODELS})
    voices: dict[str, str] = field(default_factory=dict)

    def add(self, pair: str) -> None:
        """``NAME=TARGET``: an OpenAI model name (or any alias) → model id, or an OpenAI voice → voice."""
        name, sep, target = pair.partition("=")
        name, target = name.strip(), target.strip()
        if not sep or not name or not target:
            from ..errors import UsageError

            raise UsageError(f"--map {pair!r}: expected NAME=TARGET", hint="e.g. --map tts-1-hd=kokoro:v1.0")
        (self.voices if name in OPENAI_VOICES else self.models)[name] = target

    def model(self, name: str | None) -> str | None:
        return self.models.get(name, name) if name else None

    def pick_voice(self, backend, name: str | None) -> str | None:
        """The voice ``backend`` should use for the requested ``name`` (None: its default).

        An OpenAI voice name becomes its ``--map`` target when this model has that voice (or it
        is a stored voice of this model's family), else the model's voice of that name or one
        ending in ``_<name>``, else the model's default voice. Other names pass unchanged.
        """
        if name not in OPENAI_VOICES:
            return name
        known = [v.name for v in backend.voices()]
        target = self.voices.get(name)
        if target and (target in known or _stored_for(target, backend.family)):
            return target
        if name in known:
            return name
        return next((v for v in known if v.endswith("_" + name)), None)


def _stored_for(name: str, family: str) -> bool:
    from ..voices import cache

    try:
        return cache.exists(name) and cache.read_meta(cache.path_for(name)).get("family") == family
    except Exception:  # noqa: BLE001 - an unreadable stored voice is not a match
        return False


@dataclass
class Limits:
    max_input: int = 4096  # characters of `input` (OpenAI's own limit)
    max_say_input: int = 1_000_000  # in ttscli's own formats (`say`'s requests: a chapter through the warm model)
    max_body: int = 64 * 1024  # bytes of the JSON body


@dataclass
class SpeechRequest:
    input: str
    model: str | None = None
    voice: str | None = None
    response_format: str = "mp3"
    stream_format: str = "audio"
    speed: float = 1.0
    # ttscli's extensions (what `say` sends so the audio matches in-process synthesis)
    seed: int | None = None
    lang: str | None = None
    volume: float = 1.0
    sentence_silence: float = 0.0
    paragraph_silence: float | None = None
    date_order: str | None = None
    keep_alive: float | None = None
    openai_names: bool = True  # False (what `say` sends): names mean what they mean to the CLI


def safe_name(value: Any, param: str) -> str | None:
    """A model or voice name from a request: a name, never a path (400 otherwise)."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise bad_request(f"{param} must be a string", param)
    if len(value) > NAME_MAX or any(ord(c) < 32 for c in value):
        raise bad_request(f"{param} is not a valid name", param)
    body = value.removeprefix("hf:")  # hub ids are owner/repo
    if (value.startswith((".", "~", "/", "local:")) or "\\" in value or ".." in value
            or ("/" in body and not value.startswith("hf:")) or value.endswith(".onnx")):
        raise bad_request(f"{param} {value!r} looks like a file path; name an installed model or stored voice",
                          param)
    return value


def _finite(value: Any) -> float | None:
    """``value`` as a finite float, or None (a bool, a string, NaN, infinity, or an integer
    too large for a float, such as one of 400 digits, is not a number here)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(value, int) and abs(value) > 2**63:
        return None
    return float(value) if math.isfinite(value) else None


def _number(body: dict, key: str, default, low: float, high: float, kind=float):
    value = body.get(key, default)
    if value is None:
        return default
    number = _finite(value)
    if number is None and (isinstance(value, bool) or not isinstance(value, (int, float))):
        raise bad_request(f"{key} must be a number", key)
    if kind is int and not isinstance(value, int):
        raise bad_request(f"{key} must be a whole number", key)
    if number is None or not low <= number <= high:
        raise bad_request(f"{key} must be between {low:g} and {high:g}", key)
    return kind(value)


KEEP_ALIVE_MAX = 366 * 24 * 3600.0  # a year; any negative value means forever


def parse_keep_alive(value: Any) -> float | None:
    """Seconds: a number, or "30s", "5m", "1h"; negative = forever, 0 = unload after the request.
    NaN, infinity and values over a year are refused (they would break `/v1/status` and `ps`)."""
    if value is None or value == "":
        return None
    seconds = _finite(value)
    if seconds is None and isinstance(value, str) and len(value) <= 32:
        text = value.strip().lower()
        units = {"s": 1, "m": 60, "h": 3600}
        scale = units.get(text[-1:], None)
        number = text[:-1] if scale else text
        if number and all(c in "0123456789.-+e" for c in number):  # ASCII only: no "nan", "inf", "١"
            try:
                seconds = _finite(float(number) * (scale or 1))
            except ValueError:
                seconds = None
    if seconds is not None and seconds <= KEEP_ALIVE_MAX:
        return -1.0 if seconds < 0 else seconds
    raise bad_request("keep_alive must be seconds (at most a year) or a duration such as 30s, 5m, 1h (-1: forever)",
                      "keep_alive")


def parse(body: Any, limits: Limits, mapping: Mapping, header_keep_alive: str | None = None) -> SpeechRequest:
    if not isinstance(body, dict):
        raise bad_request("the request body must be a JSON object")
    text = body.get("input")
    if not isinstance(text, str) or not text.strip():
        raise bad_request("input must be a non-empty string", "input")
    fmt = body.get("response_format") or "mp3"
    if not isinstance(fmt, str) or (served(fmt) is None and fmt not in SAY_FORMATS):
        from ..audio.formats import SERVE, names

        raise bad_request(f"response_format must be one of {', '.join(names(SERVE))}", "response_format")
    most = limits.max_say_input if fmt in SAY_FORMATS or fmt == F32 else limits.max_input
    if len(text) > most:
        raise too_large(f"input has {len(text)} characters; this server takes at most {most}", "input")
    stream_format = body.get("stream_format") or "audio"
    if stream_format not in ("audio", "sse") or (stream_format == "sse" and fmt in SAY_FORMATS):
        raise bad_request("stream_format must be audio or sse", "stream_format")
    date_order = body.get("date_order")
    if date_order is not None and date_order not in DATE_ORDERS:
        raise bad_request(f"date_order must be one of {', '.join(DATE_ORDERS)}", "date_order")
    lang = body.get("lang") or None
    if lang is not None and (why := langtag.problem(lang)):
        raise bad_request(f"lang {why}", "lang")
    names = body.get("openai_names", True) is not False
    model = safe_name(body.get("model"), "model")
    voice = safe_name(body.get("voice"), "voice")
    if names:
        model = mapping.model(model)
        if model is None and voice in OPENAI_VOICES:
            model = mapping.model(OPENAI_MODELS[0])
    keep = body.get("keep_alive", header_keep_alive)
    return SpeechRequest(
        input=text, model=model, voice=voice, response_format=fmt, stream_format=stream_format,
        speed=_number(body, "speed", 1.0, 0.25, 4.0),
        seed=_number(body, "seed", None, 0, 2**32 - 1, int),
        lang=lang,
        volume=_number(body, "volume", 1.0, 0.0, 4.0),
        sentence_silence=_number(body, "sentence_silence", 0.0, 0.0, 10.0),
        paragraph_silence=_number(body, "paragraph_silence", None, 0.0, 10.0),
        date_order=date_order, keep_alive=parse_keep_alive(keep), openai_names=names,
    )
