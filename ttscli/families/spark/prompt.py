"""Spark-TTS prompts: the special tokens, voice design attributes and the two prompt layouts.

Spark-TTS is one Qwen2.5-0.5B whose vocabulary was extended with BiCodec's codes
(``<|bicodec_global_N|>``, 4,096 speaker codes; ``<|bicodec_semantic_N|>``, 8,192
content codes at 50 per second) and with task, delimiter and attribute tokens. The
upstream inference code (SparkAudio/Spark-TTS ``cli/SparkTTS.py``) builds two prompts
by concatenating strings with nothing in between:

voice creation (``<|task_controllable_tts|>``)::

    <|task_controllable_tts|><|start_content|>{text}<|end_content|>
    <|start_style_label|><|gender_G|><|pitch_label_P|><|speed_label_S|><|end_style_label|>

  The model answers with its chain of thought: ``<|start_acoustic_token|>``, fine
  attribute values, ``<|start_global_token|>`` 32 global tokens ``<|end_global_token|>``,
  then the semantic tokens.

cloning (``<|task_tts|>``)::

    <|task_tts|><|start_content|>{transcript}{text}<|end_content|>
    <|start_global_token|>{globals}<|end_global_token|>
    [<|start_semantic_token|>{the reference's semantic tokens}]   (only with a transcript)

  The model continues with the semantic tokens of ``text``.

Gender ids: female 0, male 1. Levels (pitch and speed): very_low 0, low 1,
moderate 2, high 3, very_high 4.

A designed voice must sound the same in every sentence, so ttscli creates it once:
the voice-creation prompt with a fixed sentence and a seed fixed by the attributes,
up to ``<|end_global_token|>``. The tokens the model wrote (its attribute values and
global tokens: the *acoustic prefix*) are kept, and every later sentence is the
voice-creation prompt for that sentence followed by the same prefix, so the model
only writes semantic tokens.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence, Union

from ...errors import BadInput

Part = Union[str, int]

TASK_TTS = "<|task_tts|>"
TASK_CONTROL = "<|task_controllable_tts|>"
START_CONTENT, END_CONTENT = "<|start_content|>", "<|end_content|>"
START_STYLE, END_STYLE = "<|start_style_label|>", "<|end_style_label|>"
START_GLOBAL, END_GLOBAL = "<|start_global_token|>", "<|end_global_token|>"
START_SEMANTIC, END_SEMANTIC = "<|start_semantic_token|>", "<|end_semantic_token|>"
GLOBAL = "<|bicodec_global_{}|>"
SEMANTIC = "<|bicodec_semantic_{}|>"
GENDER = "<|gender_{}|>"
PITCH = "<|pitch_label_{}|>"
SPEED = "<|speed_label_{}|>"
MARKERS = (TASK_TTS, TASK_CONTROL, START_CONTENT, END_CONTENT, START_STYLE, END_STYLE, START_GLOBAL, END_GLOBAL,
           START_SEMANTIC)
GLOBAL_CODES, SEMANTIC_CODES = 4096, 8192

GENDERS = {"female": 0, "male": 1}
LEVELS = {"very_low": 0, "low": 1, "moderate": 2, "high": 3, "very_high": 4}
ATTRIBUTES = ("gender", "pitch", "speed")
DESIGN_TEXT = "This is the voice I speak with, clear and natural, from the first word to the last."


@dataclass(frozen=True)
class Design:
    """Voice-creation attributes: ``gender=female,pitch=high,speed=moderate``."""

    gender: str
    pitch: str = "moderate"
    speed: str = "moderate"

    @property
    def spec(self) -> str:
        """The canonical spelling (stored with a saved voice, accepted by --voice)."""
        return f"gender={self.gender},pitch={self.pitch},speed={self.speed}"

    def label_tokens(self) -> list[str]:
        return [GENDER.format(GENDERS[self.gender]), PITCH.format(LEVELS[self.pitch]), SPEED.format(LEVELS[self.speed])]


def _level(value: str) -> str:
    return re.sub(r"[\s-]+", "_", value.strip().lower())


def is_design(spec: str | None) -> bool:
    """Whether ``spec`` reads as voice-creation attributes (starts with a gender or ``gender=``)."""
    if not spec:
        return False
    first = spec.split(",")[0].strip().lower()
    return first in GENDERS or first.replace(" ", "").startswith("gender=")


def parse_design(spec: str) -> Design:
    """``female``, ``female,high``, ``male,low,very high`` or ``gender=male,speed=high`` (any order
    with keys; pitch and speed default to moderate)."""
    items = [item.strip() for item in spec.split(",")]
    hint = ('write the voice as "GENDER[,PITCH[,SPEED]]" or "gender=female,pitch=high,speed=moderate"; '
            f"gender: {', '.join(GENDERS)}; pitch and speed: {', '.join(LEVELS)}")
    values: dict[str, str] = {}
    keyed = ["=" in item for item in items]
    if any(keyed) and not all(keyed):
        raise BadInput(f"voice design {spec!r} mixes keyed and positional attributes", hint=hint)
    if len(items) > len(ATTRIBUTES) or not all(items):
        raise BadInput(f"voice design {spec!r} is not GENDER[,PITCH[,SPEED]]", hint=hint)
    for position, item in enumerate(items):
        key, _, value = item.partition("=") if "=" in item else (ATTRIBUTES[position], "", item)
        key = key.strip().lower()
        if key not in ATTRIBUTES or key in values:
            raise BadInput(f"voice design {spec!r}: {key!r} is not an attribute or is given twice", hint=hint)
        values[key] = _level(value)
    if "gender" not in values or values["gender"] not in GENDERS:
        raise BadInput(f"voice design {spec!r} needs a gender (female or male)", hint=hint)
    for key in ("pitch", "speed"):
        if values.setdefault(key, "moderate") not in LEVELS:
            raise BadInput(f"voice design {spec!r}: {key} {values[key]!r} is not a level", hint=hint)
    return Design(values["gender"], values["pitch"], values["speed"])


def design_prompt(text: str, design: Design) -> list[Part]:
    """The voice-creation prompt as text fragments (special tokens are single fragments)."""
    return [TASK_CONTROL, START_CONTENT, text, END_CONTENT, START_STYLE, *design.label_tokens(), END_STYLE]


def clone_prompt(text: str, globals_: Sequence[int], transcript: str | None = None,
                 semantic: Sequence[int] = ()) -> list[Part]:
    """The cloning prompt; with a transcript, the reference's semantic tokens follow."""
    with_reference = bool(transcript) and len(semantic) > 0
    content = f"{transcript}{text}" if with_reference else text
    parts: list[Part] = [TASK_TTS, START_CONTENT, content, END_CONTENT, START_GLOBAL,
                         *(GLOBAL.format(int(g)) for g in globals_), END_GLOBAL]
    if with_reference:
        parts += [START_SEMANTIC, *(SEMANTIC.format(int(s)) for s in semantic)]
    return parts


def special(part: Part) -> bool:
    """A fragment that is one of the model's own tokens (looked up by text, never tokenized)."""
    return isinstance(part, str) and part.startswith("<|") and part.endswith("|>") and part.count("<|") == 1
