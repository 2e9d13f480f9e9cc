"""The shared engine of GGUF speech-LM backends: prompt → tokens → codec frames → audio.

A family (NeuTTS, Orpheus) supplies the prompt, the token → frame parser, the
codec decoder and its defaults; this class runs the loop that is the same for
all of them:

1. split the segment into pieces that fit the model (speechlm_guard);
2. generate tokens on llama.cpp in the background (runtime.llama.TokenStream);
3. turn tokens into codec frames and decode them in overlapping windows as they
   arrive (windowed), yielding AudioChunks while generation continues;
4. check each piece's duration against its phoneme count and regenerate with a
   new seed when it is implausible.

Streaming and regeneration meet at the *holdback*: a piece's audio is held
until it is as long as the shortest plausible rendering, at most 1 s (an early
stop is caught before anyone hears it), then streams. A regeneration after
audio went out would repeat words, so a piece that fails after that point
(no end-of-speech before the token cap) ends with a clear RuntimeFailure.
``SpeechLMOptions.holdback`` (seconds, ``inf`` = whole piece)
trades latency for the ability to regenerate late failures.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Iterator, Protocol, Sequence

import numpy as np

from ...audio.chunk import AudioChunk
from ...backends.base import Backend, SynthesisOptions, family_options
from ...errors import BadInput, RuntimeFailure
from ...runtime.llama import LlamaModel, NumberedTokens, Sampling
from ...text.segments import Budget, Segment
from .codec import CodecDecoder
from .speechlm_guard import Piece, Plausibility, attempt_seed, snippet, tokens_for
from .windowed import WindowedDecoder, WindowPlan

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SpeechLMOptions:
    """A speech LM's own options (``Request.family``); None keeps the family's default."""

    temperature: float | None = None
    top_k: int | None = None
    top_p: float | None = None
    min_p: float | None = None
    repeat_penalty: float | None = None
    repeat_last_n: int | None = None
    holdback: float | None = None  # seconds of audio held back for a regeneration (inf: the whole piece)


class FrameParser(Protocol):
    """Turns generated token ids into complete codec frames."""

    ignored: int  # tokens that carried no code

    def feed(self, token: int) -> list: ...


class OneCodePerToken:
    """The parser of codecs with one codebook: each code token is one frame; any other token is ignored."""

    def __init__(self, codes: NumberedTokens):
        self.codes = codes
        self.ignored = 0

    def feed(self, token: int) -> list[int]:
        code = self.codes.number(token)
        if code is None:
            self.ignored += 1
            return []
        return [code]


@dataclass
class PieceStats:
    """What happened to the last piece (tests, benchmarks, --debug)."""

    attempts: int = 0
    tokens: int = 0
    frames: int = 0
    stop_reason: str = ""
    seconds: float = 0.0  # audio duration
    generation_s: float = 0.0
    tokens_at_first_audio: int = -1  # generated tokens when the first chunk was yielded
    yielded: bool = False  # audio of the current attempt has gone out


class _Failed(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


MAX_HOLDBACK_S = 1.0  # the most audio held back before streaming starts


class SpeechLMBackend(Backend):
    sample_rate = 24000
    budget = Budget("chars", 300)  # the front end packs short sentences into one generation
    tokens_per_frame = 1
    frames_per_second = 50.0
    max_phonemes = 200  # per generation; longer text is split at clauses
    window: WindowPlan
    sampling: Sampling
    plausibility = Plausibility()
    prefetch = 64

    llm: LlamaModel
    codec: CodecDecoder
    stop_ids: tuple[int, ...] = ()

    def __init__(self) -> None:
        self.last = PieceStats()
        self._warned_speed = False

    def _open_backbone(self, model, plan, *, family: str, decoder_words: tuple[str, ...], decoder_hint: str,
                       n_ctx: int):
        """Find the model's GGUF backbone and codec decoder, and load the backbone in llama.cpp."""
        from ...runtime import llama as llama_runtime
        from .speechlm_files import resolve_files

        self.model = model
        self.files = resolve_files(model, family=family, decoder_words=decoder_words, decoder_hint=decoder_hint)
        self.llm = llama_runtime.load(self.files.backbone, plan, n_ctx=n_ctx)
        return self.files

    # --- family hooks
    def pieces(self, segment: Segment, voice: Any, options: SynthesisOptions) -> list[Piece]:
        raise NotImplementedError

    def prompt(self, piece: Piece, voice: Any) -> list[int]:
        raise NotImplementedError

    def parser(self) -> FrameParser:
        raise NotImplementedError

    def decode_frames(self, frames: np.ndarray, seed: int, voice: Any) -> np.ndarray:
        """Audio of ``frames``; families whose decoder also reads the voice (a speaker code) override it."""
        return self.codec.decode(frames, seed)

    def context_frames(self, voice: Any) -> Sequence:
        """Frames decoded as left context before the first generated frame (never emitted)."""
        return ()

    # --- the loop
    @property
    def tokens_per_second(self) -> float:
        return self.frames_per_second * self.tokens_per_frame

    def stream(self, segment: Segment, voice: Any, options: SynthesisOptions) -> Iterator[AudioChunk]:
        if options.speed != 1.0 and not self._warned_speed:
            self._warned_speed = True
            log.warning("%s sets its own speaking rate; --speed is ignored", self.family)
        for piece in self.pieces(segment, voice, options):
            if piece.n_phonemes == 0 and piece.extra_s == 0:
                continue  # only punctuation: nothing to say
            yield from self._speak(piece, voice, options)

    def _speak(self, piece: Piece, voice: Any, options: SynthesisOptions) -> Iterator[AudioChunk]:
        low, high = self.plausibility.bounds(piece.n_phonemes, piece.extra_s)
        prompt = self.prompt(piece, voice)
        room = self.llm.n_ctx - len(prompt)
        cap = tokens_for(high, self.tokens_per_second, self.tokens_per_frame)
        if room < tokens_for(max(low, 0.5), self.tokens_per_second, self.tokens_per_frame):
            raise BadInput(f"{snippet(piece.text)!r} is too long for {self.family}'s context "
                           f"({len(prompt)} prompt tokens of {self.llm.n_ctx})",
                           hint="split the text into shorter sentences or use a shorter reference voice")
        max_tokens = min(cap, room)
        tuning = family_options(options, SpeechLMOptions)
        sampling = self.sampling.with_overrides(tuning)
        try:
            holdback = float(min(low, MAX_HOLDBACK_S) if tuning.holdback is None else tuning.holdback)
        except (TypeError, ValueError):
            raise BadInput(f"holdback must be a number of seconds, not {tuning.holdback!r}") from None
        stats = self.last = PieceStats()
        reasons: list[str] = []
        for attempt in range(max(1, self.plausibility.attempts)):
            stats.attempts = attempt + 1
            seed = attempt_seed(piece.text, options.seed, attempt)
            try:
                yield from self._attempt(piece, voice, prompt, sampling, seed, max_tokens, (low, high), holdback,
                                         stats)
                return
            except _Failed as failure:
                reasons.append(failure.reason)
                if stats.yielded:
                    raise RuntimeFailure(f"{self.family}: {failure.reason}",
                                         hint="try another --seed; if it persists, split the sentence") from None
                if attempt + 1 < self.plausibility.attempts:
                    log.info("%s: %s; regenerating with a new seed (attempt %d of %d)", self.family,
                             failure.reason, attempt + 2, self.plausibility.attempts)
        raise RuntimeFailure(f"{self.family}: {reasons[-1]} (after {len(reasons)} attempts with different seeds)",
                             hint="try another --seed, or check that the model files belong together")

    def _attempt(self, piece: Piece, voice: Any, prompt: list[int], sampling: Sampling, seed: int,
                 max_tokens: int, bounds: tuple[float, float], holdback: float,
                 stats: PieceStats) -> Iterator[AudioChunk]:
        low, high = bounds
        rate = self.sample_rate
        parser = self.parser()
        decoder = WindowedDecoder(lambda frames: self.decode_frames(frames, seed, voice), self.window,
                                  self.context_frames(voice))
        held: list[np.ndarray] = []
        held_samples = 0
        tokens = self.llm.stream(prompt, sampling, seed=seed, stop_ids=self.stop_ids, max_tokens=max_tokens,
                                 prefetch=self.prefetch)
        try:
            for token in tokens:
                frames = parser.feed(token)
                if not frames:
                    continue
                for audio in decoder.push(frames):
                    if stats.yielded:
                        yield AudioChunk(audio, rate)
                        continue
                    held.append(audio)
                    held_samples += len(audio)
                    if held_samples >= holdback * rate:
                        stats.yielded = True
                        stats.tokens_at_first_audio = tokens.stats.generated
                        yield AudioChunk(np.concatenate(held), rate)
                        held = []
        finally:
            tokens.close()
        gen = tokens.stats
        stats.tokens, stats.stop_reason, stats.generation_s = gen.generated, gen.stop_reason, gen.seconds
        stats.frames = decoder.generated
        stats.seconds = decoder.generated * self.window.hop / rate
        log.debug("%s: seed %d, %d tokens (%d ignored), %d frames = %.2fs, stop=%s, %.1f tok/s, %d windows",
                  self.family, seed, gen.generated, parser.ignored, decoder.generated, stats.seconds,
                  gen.stop_reason, gen.tokens_per_second, decoder.windows)
        if gen.stop_reason == "length":
            limit = "a full context" if max_tokens >= self.llm.n_ctx - len(prompt) else \
                f"the most that {piece.n_phonemes} phonemes plausibly need"
            raise _Failed(f"no end of speech for {snippet(piece.text)!r} within {max_tokens} tokens, "
                          f"{limit} ({stats.seconds:.1f} s of audio made)")
        if stats.seconds < low:
            raise _Failed(f"speech for {snippet(piece.text)!r} stopped after {stats.seconds:.2f} s, "
                          f"too short for {piece.n_phonemes} phonemes (at least {low:.2f} s)")
        rest = decoder.flush()
        if held:
            rest = np.concatenate(held + [rest])
        if len(rest):
            if not stats.yielded:
                stats.tokens_at_first_audio = gen.generated
            stats.yielded = True
            yield AudioChunk(rest, rate)

