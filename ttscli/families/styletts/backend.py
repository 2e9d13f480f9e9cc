"""One onnxruntime adapter for StyleTTS2-style graphs: Kokoro-82M and KittenTTS.

text → phonemes (family rules) → vocabulary ids (≤ 510 per call) → one ONNX
run with the voice's style row and the speed → audio, per chunk.

The graph is introspected instead of assumed: the token input is
``input_ids`` or ``tokens``, and each input is built with the dtype the graph
declares (some Kokoro exports take an int32 ``speed``). Chunks of one text are
independent, so :meth:`StyleTTSBackend.stream_segments` runs the next
sentences while the current one is being written (a small ordered look-ahead;
output order and content do not depend on it).
"""

from __future__ import annotations

import json
import logging
from typing import Iterator

import numpy as np

from ...audio.chunk import AudioChunk
from ...backends.base import Backend, SynthesisOptions, VoiceInfo
from ...errors import BadInput, NotFound, RuntimeFailure, TtsError
from ...models.ref import ModelRef
from ...phonemize.split import split_phonemes
from ...runtime import onnx as ort_runtime
from ...runtime.plan import RuntimePlan, cpu_plan
from ...runtime.seeded import text_seed
from ...text.segments import Budget, Segment, TextProfile, runs
from ...timing.groups import timed_words
from ...backends import lookahead
from . import files as styletts_files
from .packs import VoiceBank
from .rules import RULES, FamilyRules
from .voices import StyleVoice, VoiceResolver

log = logging.getLogger(__name__)

SAMPLE_RATE = 24000
_DTYPES = {"tensor(float)": np.float32, "tensor(float16)": np.float16, "tensor(double)": np.float64,
           "tensor(int32)": np.int32, "tensor(int64)": np.int64}

detect_kokoro = styletts_files.detect_kokoro
detect_kitten = styletts_files.detect_kitten


class StyleTTSBackend(lookahead.LookAhead, Backend):
    sample_rate = SAMPLE_RATE
    queue_per_worker = 2  # whole sentences of uneven length (see lookahead.in_order)

    def __init__(self, model: ModelRef, resolver: VoiceResolver, files: styletts_files.ModelFiles,
                 plan: RuntimePlan):
        self.model = model
        self.resolver = resolver
        self.rules = resolver.rules
        self.bank = resolver.bank
        self.family = self.rules.family
        self.files = files
        self.sessions = lookahead.Sessions(lambda p: ort_runtime.load(files.model, p, durations=True), plan)
        self._workers = self.sessions.workers
        self.plan = plan
        self.onnx = self.sessions.alone  # graph introspection; runs pick theirs (lookahead.Sessions)
        self.timings = "model" if self.onnx.duration_output is not None else "aligned"
        self._read_io()
        self.vocab = read_vocab(files, self.rules, self.onnx.session)
        default = self.rules.default_voice(self.bank.names())
        self.language = self.rules.voice_facts(default).language or self.rules.default_language
        self.budget = budget(self.rules, self.count_tokens)
        self._speed_warned = False

    # --- graph introspection
    def _read_io(self) -> None:
        inputs = {i.name: i for i in self.onnx.session.get_inputs()}
        token = next((n for n in ("input_ids", "tokens") if n in inputs), None)
        if token is None or "style" not in inputs or "speed" not in inputs:
            raise RuntimeFailure(f"{self.files.model.name} is not a StyleTTS2-style graph "
                                 f"(inputs: {', '.join(inputs)})",
                                 hint=f"expected input_ids or tokens, style and speed for a {self.family} model")
        self.token_input = token
        self.dtypes = {name: np.dtype(_DTYPES.get(i.type, np.float32)) for name, i in inputs.items()}
        outputs = [o.name for o in self.onnx.session.get_outputs()]
        self.audio_output = next((i for i, n in enumerate(outputs) if n in ("audio", "waveform")), 0)

    # --- voices
    def interrupt(self) -> None:
        for model in self.sessions.opened():
            model.interrupt()

    def voices(self) -> list[VoiceInfo]:
        aliases = {v: k for k, v in self.rules.aliases().items()}
        out = []
        for name in self.bank.names():
            facts = self.rules.voice_facts(name)
            out.append(VoiceInfo(name, facts.language, facts.gender,
                                 f"alias {aliases[name]}" if name in aliases else ""))
        return out

    def text_profile(self, voice: str | None = None) -> TextProfile:
        """The language of ``voice`` (blends and presets included) and the token budget."""
        language = self.language
        if voice:
            try:
                language = self.resolver.resolve(voice).language or language
            except TtsError:
                pass  # reported when the voice is loaded
        return TextProfile(language, self.budget)

    def resolve_voice(self, name: str | None) -> StyleVoice:
        voice = self.resolver.resolve(name)
        self.language = voice.language or self.rules.default_language
        return voice

    def use_stored_voice(self, voice) -> StyleVoice:
        """A voice from the voice cache (a saved blend, a clone), checked against this model."""
        resolved = self.resolver.stored(voice)
        self.language = resolved.language
        return resolved

    # --- text → tokens
    def phonemize(self, text: str, lang: str | None = None) -> str:
        """Phonemes for ``text``; ``[[...]]`` blocks pass through as raw phonemes."""
        return phonemize(text, self.rules, lang or self.language)

    def tokenize(self, phonemes: str) -> list[int]:
        vocab = self.vocab
        ids = [vocab[ch] for ch in phonemes if ch in vocab]
        if len(ids) != len(phonemes) and log.isEnabledFor(logging.DEBUG):
            log.debug("phonemes not in the %s vocabulary (skipped): %s", self.family,
                      " ".join(sorted({ch for ch in phonemes if ch not in vocab})))
        return ids

    def _count(self, phonemes: str) -> int:
        vocab = self.vocab
        return sum(1 for ch in phonemes if ch in vocab)

    def count_tokens(self, text: str) -> int:
        """Budget measure: how many tokens ``text`` becomes with the current voice's language."""
        return token_count(text, self.rules, self.vocab, self.language)

    def pieces(self, phonemes: str) -> list[str]:
        """Phoneme pieces that each fit one call (split at word boundaries, never truncated)."""
        limit = self.rules.max_tokens
        if self._count(phonemes) <= limit:
            return [phonemes]
        out = split_phonemes(phonemes, limit, self._count)
        log.debug("a chunk of %d tokens was split into %d pieces of at most %d",
                  self._count(phonemes), len(out), limit)
        return out

    # --- tokens → audio
    def _speed(self, voice: StyleVoice, speed: float) -> np.ndarray:
        speed = self.rules.speed(voice.main_voice, speed)
        dtype = self.dtypes["speed"]
        if dtype.kind in "iu":
            rounded = max(1, round(speed))
            if rounded != speed and not self._speed_warned:
                log.warning("%s takes an integer speed; using %d instead of %g", self.files.model.name, rounded, speed)
                self._speed_warned = True
            speed = rounded
        return np.asarray([speed], dtype=dtype)

    def run(self, ids: list[int], voice: StyleVoice, speed: float, text: str, seed: int = 0) -> np.ndarray:
        return self.run_timed(ids, voice, speed, text, seed)[0]

    def run_timed(self, ids: list[int], voice: StyleVoice, speed: float, text: str, seed: int = 0,
                  labels: list[str] | None = None) -> tuple[np.ndarray, tuple | None]:
        """Trimmed audio and, given each id's phoneme ``labels``, its timed words (timing.groups)."""
        if not ids:
            return np.zeros(0, dtype=np.float32), None
        if len(ids) > self.rules.max_tokens:
            raise BadInput(f"{len(ids)} phoneme tokens in one call; {self.family} takes at most "
                           f"{self.rules.max_tokens}", hint="split the text (pieces() does this)")
        row = self.rules.style_row(voice.style.shape[0], len(ids), text)
        feeds = {
            self.token_input: np.asarray([self.rules.frame(ids)], dtype=self.dtypes[self.token_input]),
            "style": voice.style[row].reshape(1, -1).astype(self.dtypes["style"], copy=False),
            "speed": self._speed(voice, speed),
        }
        outputs = self.sessions.for_run().run(feeds, seed=seed)
        audio = np.asarray(outputs[self.audio_output], dtype=np.float32).reshape(-1)
        start, end = self.rules.trim_bounds(audio)
        words = None
        if labels is not None and self.onnx.duration_output is not None:
            framed = [""] * len(self.rules.prefix) + labels + ["."] * len(self.rules.suffix)  # ends: no word
            words = timed_words(framed, outputs[self.onnx.duration_output], len(audio), start, end - start)
        return audio[start:end], words

    def synthesize(self, segment: Segment, voice: StyleVoice, options: SynthesisOptions) -> list[AudioChunk]:
        """All audio of one segment (one chunk per model call)."""
        if options.speed <= 0:
            raise BadInput("speed must be positive")
        phonemes = " ".join(segment.phonemes.split()) if segment.phonemes else \
            self.phonemize(segment.text, options.lang or voice.language)
        pieces = self.pieces(phonemes)
        total = max(1, len(phonemes))
        out = []
        for piece in pieces:
            ids = self.tokenize(piece)
            # Kitten picks its style row by text length: give each piece its share of the text.
            text = segment.text if len(pieces) == 1 else segment.text[: max(1, len(segment.text) * len(piece) // total)]
            labels = [ch for ch in piece if ch in self.vocab]
            audio, words = self.run_timed(ids, voice, options.speed, text, text_seed(piece, options.seed), labels)
            if audio.size:
                out.append(AudioChunk(audio, self.sample_rate, words))
        if not out:
            log.debug("nothing to say in %r", segment.text[:60])
        return out

    def stream(self, segment: Segment, voice: StyleVoice, options: SynthesisOptions) -> Iterator[AudioChunk]:
        yield from self.synthesize(segment, voice, options)


def phonemize(text: str, rules: FamilyRules, lang: str) -> str:
    """Phonemes for ``text`` with the family's G2P; ``[[...]]`` blocks pass through as they are."""
    parts = [" ".join(run.text.split()) if run.is_phonemes else rules.phonemize(run.text, lang)
             for run in runs(text)]
    return " ".join(p for p in parts if p)


def token_count(text: str, rules: FamilyRules, vocab: dict[str, int], lang: str) -> int:
    return sum(1 for ch in phonemize(text, rules, lang) if ch in vocab)


def read_vocab(files: styletts_files.ModelFiles, rules: FamilyRules, session=None) -> dict[str, int]:
    """Phoneme → id: config.json "vocab", tokenizer.json, the graph's kokoro_config metadata,
    else the family's packaged table."""
    found: dict | None = None
    config = styletts_files.read_json(files.config)
    if isinstance(config.get("vocab"), dict):
        found = config["vocab"]
    elif files.tokenizer is not None:
        found = (styletts_files.read_json(files.tokenizer).get("model") or {}).get("vocab")
    if not found and session is not None:
        embedded = session.get_modelmeta().custom_metadata_map.get("kokoro_config")
        try:
            found = json.loads(embedded)["vocab"] if embedded else None
        except (ValueError, KeyError, TypeError):
            log.warning("ignoring unreadable kokoro_config metadata in %s", files.model.name)
    vocab = {str(k): int(v) for k, v in (found or rules.default_vocab()).items() if len(str(k)) == 1}
    if not vocab:
        raise RuntimeFailure(f"{files.model.name} has an empty phoneme vocabulary")
    return vocab


def text_profile(model: ModelRef, voice: str | None = None) -> TextProfile:
    """Language and token budget without starting onnxruntime (``say --dry-run``)."""
    model, files, resolver = _open(model, model.family)
    language = resolver.rules.voice_facts(resolver.rules.default_voice(resolver.bank.names())).language
    if voice:
        try:
            language = resolver.resolve(voice).language
        except TtsError:
            pass
    language = language or resolver.rules.default_language
    vocab = read_vocab(files, resolver.rules)
    return TextProfile(language, budget(resolver.rules, lambda text: token_count(text, resolver.rules, vocab,
                                                                                 language)))


CLAUSE_TOKENS = 80


def budget(rules: FamilyRules, measure) -> Budget:
    """At most ``rules.max_tokens`` phoneme tokens per call, measured by the model's own count.

    One sentence per call (``pack=False``; the front end still merges tiny
    fragments): the first audio comes after one sentence instead of ~500
    tokens, and the decoder costs less per second of audio on short inputs
    (0.45 CPU s per audio s at 30 tokens vs 0.58 at 500 on the int8 model).
    A sentence over :data:`CLAUSE_TOKENS` is cut at , ; : and its clauses packed
    up to that size (as Piper's are at 60 characters): calls of even length keep
    both look-ahead workers busy (264-word text, int8: 17.3 vs 18.2 s wall, 0.41
    vs 0.43 CPU s per audio s); each piece keeps its clause punctuation and the
    short gap that follows it.
    """
    return Budget("phonemes", rules.max_tokens, measure=measure, pack=False, clause_units=CLAUSE_TOKENS)


def _prepare(model: ModelRef) -> ModelRef:
    """Embedded models may need a one-time step (reassembly) before their files exist."""
    target = model.info.get("prepare")
    if not target:
        return model
    from ...backends.registry import resolve_target

    return resolve_target(str(target))(model)


def _open(model: ModelRef, family: str) -> tuple[ModelRef, styletts_files.ModelFiles, VoiceResolver]:
    model = _prepare(model)
    files = styletts_files.find(model, family)
    config = styletts_files.read_json(files.config) if family == "kitten" else {}
    bank = VoiceBank(files.voices)
    if not bank.names():
        raise NotFound(f"{model.id} has no voices in {', '.join(p.name for p in files.voices)}",
                       hint="pull the model again")
    return model, files, VoiceResolver(bank, RULES[family](config=config), model.id)


def open_voices(model: ModelRef) -> VoiceResolver:
    """The voices of a Kokoro/Kitten model without starting onnxruntime (listing, saving blends)."""
    return _open(model, model.family)[2]


def _load(model: ModelRef, family: str, plan: RuntimePlan | None) -> StyleTTSBackend:
    model, files, resolver = _open(model, family)
    return StyleTTSBackend(model, resolver, files, plan or cpu_plan())


def load_kokoro(model: ModelRef, plan: RuntimePlan | None = None) -> StyleTTSBackend:
    return _load(model, "kokoro", plan)


def load_kitten(model: ModelRef, plan: RuntimePlan | None = None) -> StyleTTSBackend:
    return _load(model, "kitten", plan)
