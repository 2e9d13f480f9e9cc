"""Piper voices (VITS, .onnx + .onnx.json) run directly on onnxruntime.

load → text to phonemes (espeak-ng) → phoneme ids (the voice's phoneme_id_map,
BOS ``^``, PAD ``_`` after every phoneme, EOS ``$``) → one ONNX run per
sentence → audio chunks.
"""

from __future__ import annotations

import json
import logging
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import numpy as np

from ...audio.chunk import AudioChunk
from ...backends.base import Backend, SynthesisOptions, VoiceInfo, family_options
from ...errors import BadInput, IntegrityError, NotFound, RuntimeFailure
from ...models.ref import ModelRef
from ...phonemize import espeak
from ...runtime import onnx as ort_runtime
from ...runtime.plan import RuntimePlan, cpu_plan
from ...runtime.seeded import text_seed
from ...text.segments import BOUNDED_SENTENCE_CHARS, Budget, Segment, TextProfile, runs
from ...timing.groups import timed_words
from ...backends import lookahead
from .options import PiperOptions

log = logging.getLogger(__name__)

BOS, EOS, PAD = "^", "$", "_"


def detect(files: list[str]) -> bool:
    names = set(files)
    return any(f.endswith(".onnx") and f + ".json" in names for f in names)


@dataclass
class PiperConfig:
    sample_rate: int
    espeak_voice: str
    phoneme_type: str
    id_map: dict[str, list[int]]
    num_speakers: int = 1
    speaker_id_map: dict[str, int] = field(default_factory=dict)
    noise_scale: float = 0.667
    length_scale: float = 1.0
    noise_w: float = 0.8
    vowel_clusters: tuple[tuple[str, ...], ...] = ()
    language: str = ""

    @classmethod
    def read(cls, path: Path) -> "PiperConfig":
        from ttscli.bounded import LIMITS

        try:
            with open(path, "rb") as fh:
                raw = fh.read(LIMITS["config"] + 1)
        except OSError as exc:
            raise NotFound(f"cannot read voice config {path}: {exc.strerror or exc}") from exc
        if len(raw) > LIMITS["config"]:  # /dev/zero, an endless FIFO, a wrong file
            raise BadInput(f"voice config {path.name} is larger than {LIMITS['config'] >> 20} MB",
                           hint="give the model's own .onnx.json")
        try:
            data = json.loads(raw.decode("utf-8"))
            if not isinstance(data, dict):
                raise ValueError("not an object")
            inference = data.get("inference", {})
            return cls(
                sample_rate=int(data["audio"]["sample_rate"]),
                espeak_voice=str(data.get("espeak", {}).get("voice", "en-us")),
                phoneme_type=str(data.get("phoneme_type", "espeak")),
                id_map={str(k): [int(i) for i in v] for k, v in data["phoneme_id_map"].items()},
                num_speakers=int(data.get("num_speakers", 1)),
                speaker_id_map={str(k): int(v) for k, v in (data.get("speaker_id_map") or {}).items()},
                noise_scale=float(inference.get("noise_scale", 0.667)),
                length_scale=float(inference.get("length_scale", 1.0)),
                noise_w=float(inference.get("noise_w", 0.8)),
                vowel_clusters=tuple(tuple(vc) for vc in data.get("vowel_clusters") or ()),
                language=str(data.get("language", {}).get("code", "")),
            )
        except (UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError) as exc:
            from ttscli.filetypes import looks_like_html

            what = "an HTML page, not JSON" if looks_like_html(raw[:512]) else f"not a valid Piper config ({exc})"
            raise IntegrityError(f"voice config {path.name} is {what}", hint="remove it and pull the voice again") from exc


def _merge_clusters(phones: list[str], clusters: tuple[tuple[str, ...], ...]) -> list[str]:
    if not clusters:
        return phones
    longest = max(len(c) for c in clusters)
    wanted = set(clusters)
    out: list[str] = []
    i = 0
    while i < len(phones):
        for n in range(min(longest, len(phones) - i), 1, -1):
            if tuple(phones[i : i + n]) in wanted:
                out.append("".join(phones[i : i + n]))
                i += n
                break
        else:
            out.append(phones[i])
            i += 1
    return out


def phonemize_sentences(text: str, voice: str, symbols, clusters: tuple[tuple[str, ...], ...] = (),
                        phoneme_type: str = "espeak") -> list[list[str]]:
    """Piper-style phonemes grouped by sentence: espeak-ng IPA, NFD-decomposed, with the
    clause punctuation kept when ``symbols`` (the voice's phoneme set) has it and a space
    after ``, : ;``; ``[[...]]`` blocks pass through as phonemes. Shared by every
    runtime that feeds espeak phonemes to a model (onnxruntime Piper, sherpa-onnx)."""
    if phoneme_type == "text":
        return [list(unicodedata.normalize("NFD", text))]
    sentences: list[list[str]] = []
    current: list[str] = []
    for run in runs(text):
        if run.is_phonemes:
            if current and current[-1] != " ":
                current.append(" ")
            current.extend(unicodedata.normalize("NFD", run.text))
            current.append(" ")
            continue
        for clause in espeak.clauses(run.text, voice):
            ipa = clause.phonemes + (clause.terminator if clause.terminator in symbols else
                                     ("." if clause.terminator else ""))
            if clause.terminator in (",", ":", ";"):
                ipa += " "
            current.extend(unicodedata.normalize("NFD", ipa))
            if clause.ends_sentence:
                sentences.append(current)
                current = []
    if current:
        sentences.append(current)
    return [_merge_clusters(s, clusters) for s in sentences if any(p.strip() for p in s)]


class PiperBackend(lookahead.LookAhead, Backend):
    family = "piper"
    # Long sentences are run clause by clause (flat memory); a clause is cut at spaces past 150 characters.
    budget = Budget("sentence", 150, clause_units=BOUNDED_SENTENCE_CHARS)
    # One two-thread session for both workers: a segment alone runs 0.19 -> 0.145 s, a long
    # text costs about 4 % more wall time, the bytes are the same (docs/performance.md).
    share_threads = True

    def __init__(self, model: ModelRef, onnx_path: Path, config: PiperConfig, plan: RuntimePlan):
        self.model = model
        self.config = config
        self.sample_rate = config.sample_rate
        self.language = config.espeak_voice
        if config.phoneme_type not in ("espeak", "text"):
            raise RuntimeFailure(
                f"Piper voices with phoneme_type {config.phoneme_type!r} are not supported yet",
                hint="use an espeak-based Piper voice",
            )
        self._workers, session_plan = lookahead.split_threads(plan, share=self.share_threads)
        self.onnx = ort_runtime.load(onnx_path, session_plan, durations=True, mem_pattern=False)
        self.timings = "model" if self.onnx.duration_output is not None else "aligned"

    # --- voices
    def interrupt(self) -> None:
        self.onnx.interrupt()

    def voices(self) -> list[VoiceInfo]:
        lang = self.config.language or self.config.espeak_voice
        if self.config.num_speakers <= 1:
            return [VoiceInfo(self.model.id.split(":", 1)[-1], lang)]
        return [VoiceInfo(name, lang) for name in sorted(self.config.speaker_id_map, key=self.config.speaker_id_map.get)]

    def resolve_voice(self, name: str | None) -> int | None:
        from ttscli.suggest import speaker_index

        return speaker_index(name, self.config.speaker_id_map, self.config.num_speakers, self.model.id,
                             single_hint="omit --voice, or pick a cloned voice from `ttscli list`")

    # --- text → phonemes → ids
    def phonemize(self, text: str, lang: str | None = None) -> list[list[str]]:
        """Phonemes grouped by sentence, with punctuation kept as phonemes."""
        return phonemize_sentences(text, lang or self.config.espeak_voice, self.config.id_map,
                                   self.config.vowel_clusters, self.config.phoneme_type)

    def labelled_ids(self, phonemes: list[str]) -> tuple[list[int], list[str]]:
        """The ids and, for each id, the phoneme it stands for ("" for BOS/PAD/EOS; see timing.groups)."""
        id_map = self.config.id_map
        ids = list(id_map[BOS]) + list(id_map[PAD])
        labels = [""] * len(ids)
        missing: set[str] = set()
        for ph in phonemes:
            mapped = id_map.get(ph)
            if mapped is None:
                missing.add(ph)
                continue
            ids.extend(mapped)
            ids.extend(id_map[PAD])
            labels += [ph] * len(mapped) + [""] * len(id_map[PAD])
        ids.extend(id_map[EOS])
        labels += ["."] * len(id_map[EOS])  # not part of the last word
        if missing:
            log.debug("phonemes not in the voice's id map (skipped): %s", " ".join(sorted(missing)))
        return ids, labels

    # --- ids → audio
    def run(self, ids: list[int], speaker: int | None, options: SynthesisOptions, seed: int = 0) -> np.ndarray:
        return self.run_timed(ids, speaker, options, seed)[0]

    def run_timed(self, ids: list[int], speaker: int | None, options: SynthesisOptions,
                  seed: int = 0) -> tuple[np.ndarray, np.ndarray | None]:
        """Audio and the model's frames per id (None when the graph does not expose them)."""
        if options.speed <= 0:
            raise BadInput("speed must be positive")
        tuning = family_options(options, PiperOptions)
        scales = np.array(
            [
                self.config.noise_scale if tuning.noise_scale is None else tuning.noise_scale,
                self.config.length_scale / options.speed,
                self.config.noise_w if tuning.noise_w is None else tuning.noise_w,
            ],
            dtype=np.float32,
        )
        feeds = {
            "input": np.asarray([ids], dtype=np.int64),
            "input_lengths": np.asarray([len(ids)], dtype=np.int64),
            "scales": scales,
        }
        if "sid" in self.onnx.inputs:
            feeds["sid"] = np.asarray([speaker or 0], dtype=np.int64)
        # Noise for the flow is [192 x frames]; ~10 frames per id is generous.
        noise_len = 192 * int(len(ids) * 4 / min(options.speed, 1.0) + 64)
        outputs = self.onnx.run(feeds, seed=seed, noise_len=noise_len)
        audio = outputs[0].reshape(-1).astype(np.float32)
        frames = outputs[self.onnx.duration_output] if self.onnx.duration_output is not None else None
        peak = float(np.max(np.abs(audio))) if audio.size else 0.0
        return (audio / peak if peak > 1e-8 else np.zeros_like(audio)), frames

    def stream(self, segment: Segment, voice: int | None, options: SynthesisOptions) -> Iterator[AudioChunk]:
        if segment.phonemes:
            sentences = [list(unicodedata.normalize("NFD", segment.phonemes))]
        else:
            sentences = self.phonemize(segment.text, options.lang)
        for phonemes in sentences:
            seed = text_seed("".join(phonemes), options.seed)
            ids, labels = self.labelled_ids(phonemes)
            audio, frames = self.run_timed(ids, voice, options, seed)
            yield AudioChunk(audio, self.sample_rate, timed_words(labels, frames, len(audio)))


def find_files(path: Path) -> tuple[Path, Path]:
    """The .onnx and .onnx.json of a Piper voice directory (or of an .onnx path)."""
    if path.is_file():
        onnx_path = path
    else:
        candidates = sorted(p for p in path.glob("*.onnx") if p.with_name(p.name + ".json").exists())
        if not candidates:
            raise NotFound(f"no Piper voice (.onnx + .onnx.json) in {path}")
        onnx_path = candidates[0]
    config_path = onnx_path.with_name(onnx_path.name + ".json")
    if not config_path.exists():
        raise NotFound(f"{onnx_path.name} has no {config_path.name} next to it")
    return onnx_path, config_path


def _role_files(model: ModelRef) -> tuple[Path, Path] | None:
    """The files a store ModelRef names by role (``info["files"]``), if it names them."""
    roles = model.info.get("files") or {}
    if isinstance(roles.get("model"), str) and isinstance(roles.get("config"), str):
        return Path(roles["model"]), Path(roles["config"])
    return None


def load(model: ModelRef, plan: RuntimePlan | None = None) -> PiperBackend:
    onnx_path, config_path = _role_files(model) or find_files(model.path)
    return PiperBackend(model, onnx_path, PiperConfig.read(config_path), plan or cpu_plan())


def text_profile(model: ModelRef, voice: str | None = None) -> TextProfile:
    """The voice's espeak language and the per-sentence budget, from the config alone."""
    _, config_path = _role_files(model) or find_files(model.path)  # the same files load() reads
    return TextProfile(PiperConfig.read(config_path).espeak_voice, PiperBackend.budget)
