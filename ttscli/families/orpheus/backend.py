"""Orpheus TTS (Canopy Labs): a Llama-3.2-3B speech LM on llama.cpp + the SNAC 24 kHz decoder.

The prompt is one human turn, ``"{voice}: {text}"``, wrapped in Orpheus' own
markers (``<custom_token_N>`` tokens added after the Llama-3 vocabulary):

    <custom_token_3> <|begin_of_text|> tara: Hello <laugh> there. <|eot_id|>
    <custom_token_4> <custom_token_5> <custom_token_1>

(start of human, BOS, text, end of text, end of human, start of AI, start of
speech). The model answers with audio tokens ``<custom_token_N>``, N >= 10,
seven per SNAC frame, and ends with ``<custom_token_2>`` (end of speech).
The k-th audio token (k counted from 0) carries the code
``N - 10 - 4096 * (k mod 7)``; a token outside its slot's 4096 codes is
dropped without advancing k, as in the reference clients, but code 0 is
kept (the reference clients lose it). Emotion tags such as ``<laugh>`` are
plain text and pass through unchanged.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace

from ...backends.base import SynthesisOptions, VoiceInfo
from ...errors import IntegrityError, NotFound
from ...models.ref import ModelRef
from ...runtime import llama as llama_runtime
from ...runtime.plan import RuntimePlan, cpu_plan
from ...text.segments import Segment, TextProfile
from .._shared.speechlm import SpeechLMBackend
from .._shared.speechlm_files import detect_gguf
from .._shared.speechlm_guard import Piece, split_text, without_phoneme_blocks
from .._shared.windowed import WindowPlan
from .codec import SnacDecoder

log = logging.getLogger(__name__)

N_CTX = 4096
CODEBOOK = 4096
SLOTS = 7
AUDIO_FIRST = 10  # <custom_token_10> carries code 0 of slot 0
AUDIO_COUNT = SLOTS * CODEBOOK
CUSTOM = "<custom_token_{}>"
START_OF_SPEECH, END_OF_SPEECH, START_OF_HUMAN, END_OF_HUMAN, START_OF_AI, END_OF_AI = 1, 2, 3, 4, 5, 6
BOS_TEXT, EOT_TEXT = "<|begin_of_text|>", "<|eot_id|>"
VOICES = ("tara", "leah", "jess", "leo", "dan", "mia", "zac", "zoe")  # the README's order; tara is the default
TAG_NAMES = ("laugh", "chuckle", "sigh", "cough", "sniffle", "groan", "yawn", "gasp", "giggle")
TAGS = re.compile(r"<(" + "|".join(TAG_NAMES) + r")>", re.I)
KEEP_TAGS = frozenset(TAG_NAMES)  # the text front end passes these through
SAMPLING = llama_runtime.Sampling(temperature=0.6, top_k=40, top_p=0.9, min_p=0.0, repeat_penalty=1.1,
                                  repeat_last_n=64)


def detect(files: list[str]) -> bool:
    return detect_gguf(files, ("orpheus", "snac"))


def audio_code(number: int, index: int) -> int | None:
    """The SNAC code of ``<custom_token_{number}>`` as the ``index``-th audio token, or
    None when the token does not belong to that slot."""
    code = number - AUDIO_FIRST - CODEBOOK * (index % SLOTS)
    return code if 0 <= code < CODEBOOK else None


def audio_number(code: int, index: int) -> int:
    """Inverse of :func:`audio_code`: the custom-token number for ``code`` at ``index``."""
    return AUDIO_FIRST + CODEBOOK * (index % SLOTS) + code


class FrameParser:
    """Audio tokens → complete 7-code frames."""

    def __init__(self, audio: llama_runtime.NumberedTokens):
        self.audio = audio
        self.index = 0
        self.frame: list[int] = []
        self.ignored = 0

    def feed(self, token: int) -> list[list[int]]:
        number = self.audio.number(token)
        code = audio_code(number, self.index) if number is not None else None
        if code is None:
            self.ignored += 1
            return []
        self.index += 1
        self.frame.append(code)
        if len(self.frame) < SLOTS:
            return []
        frame, self.frame = self.frame, []
        return [frame]


@dataclass(frozen=True)
class Voice:
    name: str


class OrpheusBackend(SpeechLMBackend):
    family = "orpheus"
    frames_per_second = 24000 / 2048  # 11.72 SNAC frames per second
    tokens_per_frame = SLOTS
    max_phonemes = 200
    window = WindowPlan(hop=2048, first_chunk=2, chunk=4, lookback=2, lookahead=1, crossfade=512, max_chunk=8)

    def __init__(self, model: ModelRef, plan: RuntimePlan):
        super().__init__()
        files = self._open_backbone(model, plan, family="Orpheus", decoder_words=("snac",),
                                    decoder_hint="add the SNAC 24 kHz ONNX decoder (onnx-community/snac_24khz-ONNX)",
                                    n_ctx=N_CTX)
        self.audio = self.llm.numbered(CUSTOM, AUDIO_FIRST, AUDIO_FIRST + AUDIO_COUNT)
        if self.audio.count == 0:
            raise IntegrityError(f"{files.backbone.name} has no <custom_token_N> audio tokens: "
                                 "it is not an Orpheus model")
        self.marks = {n: self.llm.require(CUSTOM.format(n))
                      for n in (START_OF_SPEECH, END_OF_SPEECH, START_OF_HUMAN, END_OF_HUMAN, START_OF_AI)}
        self.bos = self.llm.token_id(BOS_TEXT)
        self.bos = self.bos if self.bos is not None else self.llm.bos_id
        self.eot = self.llm.require(EOT_TEXT)
        end_of_ai = self.llm.token_id(CUSTOM.format(END_OF_AI))
        self.stop_ids = (self.marks[END_OF_SPEECH],) + ((end_of_ai,) if end_of_ai is not None else ())
        self.sampling = SAMPLING
        self.language = str(model.info.get("espeak") or "en-us")
        self.voice_names = tuple(model.info.get("voices") or VOICES)
        self.codec = SnacDecoder(files.decoder, plan)

    # --- voices
    def voices(self) -> list[VoiceInfo]:
        return [VoiceInfo(name, self.language) for name in self.voice_names]

    def text_profile(self, voice: str | None = None) -> TextProfile:
        return replace(super().text_profile(voice), keep_tags=KEEP_TAGS)

    def resolve_voice(self, name: str | None) -> Voice:
        if not name:
            return Voice(self.voice_names[0])
        if name in self.voice_names:
            return Voice(name)
        from ttscli.suggest import did_you_mean

        hint = did_you_mean(name.lower(), self.voice_names, otherwise=f"voices: {', '.join(self.voice_names)}")
        raise NotFound(f"voice {name!r} not found in {self.model.id}", hint=hint)

    # --- hooks
    def pieces(self, segment: Segment, voice: Voice, options: SynthesisOptions) -> list[Piece]:
        text = without_phoneme_blocks(segment.text)
        if text != segment.text or (segment.phonemes and not text.strip()):
            log.warning("Orpheus reads words, not phonemes: [[...]] pronunciations are left out")
        return split_text(text, options.lang or self.language, self.max_phonemes, tags=TAGS, tag_seconds=1.0)

    def prompt(self, piece: Piece, voice: Voice) -> list[int]:
        m = self.marks
        return self.llm.tokenize([m[START_OF_HUMAN], self.bos, f"{voice.name}: {piece.text}", self.eot,
                                  m[END_OF_HUMAN], m[START_OF_AI], m[START_OF_SPEECH]],
                                 allow=frozenset(f"<{t}>" for t in TAG_NAMES))

    def parser(self) -> FrameParser:
        return FrameParser(self.audio)

    def close(self) -> None:
        self.llm.close()


def text_profile(model: ModelRef, voice: str | None = None) -> TextProfile:
    """Language and budget for the front end, without loading llama.cpp (dry runs)."""
    return TextProfile(str(model.info.get("espeak") or "en-us"), OrpheusBackend.budget, KEEP_TAGS)


def load(model: ModelRef, plan: RuntimePlan | None = None) -> OrpheusBackend:
    return OrpheusBackend(model, plan or cpu_plan("llama.cpp"))
