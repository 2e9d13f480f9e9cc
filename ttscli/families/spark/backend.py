"""Spark-TTS (SparkAudio): Qwen2.5-0.5B on llama.cpp writes BiCodec tokens; BiCodec (PyTorch) speaks them.

Voices are either *designed* (``--voice "female,high,moderate"``: gender, pitch level,
speed level; see :mod:`.prompt`) or *stored* (``ttscli clone`` or ``ttscli voice save``:
the 32 global tokens, with a designed voice's acoustic prefix or a clone's transcript
and semantic tokens). The semantic tokens the model writes (50 per second) are
decoded in overlapping windows while it writes (the shared windowed decoder), each
window with the voice's global tokens.
"""

from __future__ import annotations

import logging
from typing import Sequence

import numpy as np

from ...backends.base import SynthesisOptions, VoiceInfo
from ...errors import IntegrityError, NotFound, RuntimeFailure
from ...models.ref import ModelRef
from ...runtime import llama as llama_runtime
from ...runtime.plan import RuntimePlan, cpu_plan
from ...runtime.seeded import text_seed
from ...text.segments import Budget, Segment, TextProfile
from .._shared.speechlm import OneCodePerToken, SpeechLMBackend
from .._shared.speechlm_guard import Piece, split_text, without_phoneme_blocks
from .._shared.windowed import WindowPlan
from . import prompt as fmt
from .voice import STOCK, SparkVoice, stored_voice

log = logging.getLogger(__name__)

N_CTX = 2048
SAMPLING = llama_runtime.Sampling(temperature=0.8, top_k=50, top_p=0.95, min_p=0.0, repeat_penalty=1.0)
DESIGN_ATTEMPTS = 3
DEFAULT_VOICE = "female"


class SparkBackend(SpeechLMBackend):
    family = "spark"
    sample_rate = 16000
    budget = Budget("chars", 200)
    frames_per_second = 50.0
    tokens_per_frame = 1
    max_phonemes = 150

    def __init__(self, model: ModelRef, plan: RuntimePlan):
        super().__init__()
        from .files import resolve

        self.model = model
        self.files = resolve(model)  # every file checked before llama.cpp or torch loads anything
        self.llm = llama_runtime.load(self.files.backbone, plan, n_ctx=N_CTX)
        for marker in fmt.MARKERS:
            self.llm.require(marker)
        self.semantic = self.llm.numbered(fmt.SEMANTIC, 0, fmt.SEMANTIC_CODES)
        self.global_tokens = self.llm.numbered(fmt.GLOBAL, 0, fmt.GLOBAL_CODES)
        if self.semantic.count == 0 or self.global_tokens.count == 0:
            raise IntegrityError(f"{self.files.backbone.name} has no BiCodec tokens: it is not a Spark-TTS model",
                                 hint="convert Spark-TTS-0.5B/LLM, not another model")
        end = self.llm.token_id(fmt.END_SEMANTIC)
        self.stop_ids = (end,) if end is not None else ()
        self.end_global = self.llm.require(fmt.END_GLOBAL)
        self.sampling = SAMPLING
        self.language = str(model.info.get("espeak") or "en-us")
        self.codec = _codec(self.files, plan)
        self.window = WindowPlan(hop=self.codec.hop, first_chunk=10, chunk=25, lookback=25, lookahead=8,
                                 crossfade=min(960, 8 * self.codec.hop), max_chunk=100)
        self._designed: dict[tuple[str, int | None], tuple[np.ndarray, tuple[str, ...]]] = {}

    # --- voices
    def voices(self) -> list[VoiceInfo]:
        return [VoiceInfo(name, self.language, gender=name, description=text) for name, text in STOCK.items()]

    def resolve_voice(self, name: str | None) -> SparkVoice:
        spec = name or DEFAULT_VOICE
        if not fmt.is_design(spec):
            raise NotFound(f"{spec!r} is not a voice of {self.model.id}",
                           hint='design one, e.g. --voice "female,high,moderate" (gender, pitch, speed), or '
                                "clone one with `ttscli clone NAME REF.wav --model " + self.model.id + "`")
        design = fmt.parse_design(spec)
        return SparkVoice(design.spec, design=design)

    def use_stored_voice(self, voice) -> SparkVoice:
        return stored_voice(voice, self.codec.token_num)

    def create(self, voice: SparkVoice, seed: int | None = None) -> SparkVoice:
        """Fill a designed voice's global tokens and acoustic prefix (the same for the same
        design and seed: the model writes them once, for a fixed sentence)."""
        if voice.ready or voice.design is None:
            return voice
        key = (voice.design.spec, seed)
        if key not in self._designed:
            self._designed[key] = self._create(voice.design, seed)
        voice.globals_, voice.prefix = self._designed[key]
        return voice

    def _create(self, design: fmt.Design, seed: int | None) -> tuple[np.ndarray, tuple[str, ...]]:
        prompt = self._ids(fmt.design_prompt(fmt.DESIGN_TEXT, design))
        need = self.codec.token_num
        reason = ""
        for attempt in range(DESIGN_ATTEMPTS):
            attempt_seed = text_seed(f"{design.spec}\x1fdesign{attempt}", seed)
            stream = self.llm.stream(prompt, self.sampling, seed=attempt_seed, stop_ids=(self.end_global,),
                                     max_tokens=2 * need + 64)
            try:
                written = list(stream)
            finally:
                stream.close()
            codes = [c for c in (self.global_tokens.number(t) for t in written) if c is not None]
            if stream.stats.stop_reason == "stop" and len(codes) == need:
                prefix = tuple(self.llm.piece(t) for t in written) + (fmt.END_GLOBAL,)
                log.debug("spark: designed %s with seed %d: %d prefix tokens", design.spec, attempt_seed, len(prefix))
                return np.asarray(codes, dtype=np.int32), prefix
            reason = f"the model wrote {len(codes)} of {need} global tokens (stop: {stream.stats.stop_reason})"
            log.info("spark: designing %s: %s; trying another seed", design.spec, reason)
        raise RuntimeFailure(f"spark: cannot create the voice {design.spec}: {reason}",
                             hint="try another --seed, or check that the model files belong together")

    # --- hooks
    def pieces(self, segment: Segment, voice: SparkVoice, options: SynthesisOptions) -> list[Piece]:
        self.create(voice, options.seed)
        text = without_phoneme_blocks(segment.text)
        if text != segment.text or (segment.phonemes and not text.strip()):
            log.warning("Spark-TTS reads words, not phonemes: [[...]] pronunciations are left out")
        return split_text(text, options.lang or self.language, self.max_phonemes)

    def _ids(self, parts: Sequence[fmt.Part]) -> list[int]:
        ids = [self.llm.require(p) if fmt.special(p) else p for p in parts]
        prefix = [self.llm.bos_id] if self.llm.add_bos else []
        return prefix + self.llm.tokenize(ids)

    def prompt(self, piece: Piece, voice: SparkVoice) -> list[int]:
        if voice.design is not None:
            return self._ids(fmt.design_prompt(piece.text, voice.design) + list(voice.prefix))
        self._check_codes(voice)
        return self._ids(fmt.clone_prompt(piece.text, voice.globals_.tolist(), voice.transcript,
                                          voice.semantic.tolist()))

    def _check_codes(self, voice: SparkVoice) -> None:
        for table, codes, kind in ((self.global_tokens, voice.globals_, "global"),
                                   (self.semantic, voice.semantic, "semantic")):
            if any(table.id(int(c)) is None for c in codes):
                raise IntegrityError(f"voice {voice.name} uses {kind} codes this model has no tokens for",
                                     hint="clone the voice again with this model")

    def parser(self) -> OneCodePerToken:
        return OneCodePerToken(self.semantic)

    def decode_frames(self, frames: np.ndarray, seed: int, voice: SparkVoice) -> np.ndarray:
        return self.codec.decode(frames, voice.globals_)

    def context_frames(self, voice: SparkVoice) -> Sequence[int]:
        if voice.transcript and len(voice.semantic):
            return voice.semantic[-self.window.lookback:].tolist()
        return []

    def close(self) -> None:
        self.llm.close()


def _codec(files, plan: RuntimePlan):
    """BiCodec's decoder: exported to onnxruntime on a CPU (faster there), else PyTorch on the plan's device."""
    from .bicodec import BiCodec

    device = plan.device if plan.device.startswith(("cuda", "mps")) else "cpu"
    if device == "cpu":
        from .bicodec_onnx import OnnxBiCodec, export

        path = export(files.codec, files.bicodec_weights)
        if path is not None:
            hop = int(np.prod(files.codec["decoder"]["rates"]))
            return OnnxBiCodec(path, plan, hop, int(files.codec["speaker_encoder"]["token_num"]))
    return BiCodec(files.codec, files.bicodec_weights, device=device, threads=plan.threads)


def text_profile(model: ModelRef, voice: str | None = None) -> TextProfile:
    """Language and budget for the front end, without loading anything (dry runs)."""
    return TextProfile(str(model.info.get("espeak") or "en-us"), SparkBackend.budget)


def load(model: ModelRef, plan: RuntimePlan | None = None) -> SparkBackend:
    return SparkBackend(model, plan or cpu_plan("llama.cpp"))
