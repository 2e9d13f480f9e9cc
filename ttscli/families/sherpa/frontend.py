"""Everything the sherpa-onnx backend does before calling the engine.

Voices (speaker ids, reference audio for zero-shot models, stored voices) and
the text front end: sherpa-onnx 2.x has no espeak-ng of its own, so models
without a lexicon get espeak-ng IPA from the same phonemizer as the Piper
backend, as code points (``GenerationConfig.phoneme_codepoints``) or, for
ZipVoice, as token strings with the reference transcript first
(``GenerationConfig.tokens``). Lexicon models, MeloTTS and Pocket TTS read text.

This is kept apart from the engine so it can be checked on its own, including
for model packages whose graphs sherpa-onnx would refuse to run.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ...backends.base import SynthesisOptions, VoiceInfo, family_options
from ...errors import BadInput, NotFound
from ...models.ref import ModelRef
from ...text.segments import Segment
from ..piper.backend import phonemize_sentences
from .checks import ModelFacts
from .layout import Layout

REFERENCE_TENSOR = "reference_audio"  # stored voices: the processed reference waveform (mono float32)
_AUDIO_SUFFIXES = (".wav", ".flac", ".ogg")
_TRIAL_TEXT = "Hello."


@dataclass(frozen=True)
class SherpaOptions:
    """sherpa-onnx's own options (``Request.family``)."""

    max_frames: int | None = None  # a cap on generated frames (Pocket TTS packages); None: sherpa's


@dataclass(frozen=True)
class Reference:
    """Reference audio for a zero-shot model (Pocket, ZipVoice)."""

    name: str
    samples: np.ndarray
    sample_rate: int
    transcript: str = ""


@dataclass(frozen=True)
class SherpaVoice:
    sid: int = 0
    reference: Reference | None = None


def read_reference(path: Path, transcript: str = "") -> Reference:
    import soundfile as sf

    try:
        data, rate = sf.read(str(path), dtype="float32", always_2d=True)
    except (RuntimeError, OSError) as exc:
        raise BadInput(f"cannot read reference audio {path.name}: {exc}") from exc
    return Reference(path.stem, data.mean(axis=1), int(rate), transcript)


def transcripts(folder: Path) -> dict[str, str]:
    """NAME.txt files, or 'NAME<tab or space>transcript' lines in prompt.txt."""
    found: dict[str, str] = {}
    prompt = folder / "prompt.txt"
    if prompt.is_file():
        for line in prompt.read_text(encoding="utf-8", errors="replace").splitlines():
            line = line.strip()
            name, _, text = line.partition("\t") if "\t" in line else line.partition(" ")
            if name and text.strip():
                found[Path(name).stem] = text.strip()
    for txt in folder.glob("*.txt"):
        if txt.name != "prompt.txt":
            found[txt.stem] = txt.read_text(encoding="utf-8", errors="replace").strip()
    return found


class SherpaFrontEnd:
    def __init__(self, model: ModelRef, layout: Layout, facts: ModelFacts,
                 speaker_map: dict[str, int] | None = None):
        self.model = model
        self.layout = layout
        self.facts = facts
        names = facts.speaker_names
        listed = [str(v) for v in model.info.get("voices") or []]
        if not names and len(listed) == facts.num_speakers > 1:  # the catalog names the speakers
            names = listed
        self.speaker_map = dict(speaker_map or {n: i for i, n in enumerate(names)})

    # --- voices
    def references(self) -> dict[str, Path]:
        folder = self.layout.root / "test_wavs"
        if not folder.is_dir():
            return {}
        return {p.stem: p for p in sorted(folder.iterdir()) if p.suffix.lower() in _AUDIO_SUFFIXES}

    def voices(self) -> list[VoiceInfo]:
        lang = self.facts.language or self.facts.espeak_voice
        if self.facts.needs_reference:
            return [VoiceInfo(name, lang, description="reference audio shipped with the model")
                    for name in self.references()]
        if self.speaker_map:
            return [VoiceInfo(name, lang) for name in sorted(self.speaker_map, key=self.speaker_map.get)]
        if self.facts.num_speakers > 1:
            return [VoiceInfo(str(i), lang) for i in range(self.facts.num_speakers)]
        return [VoiceInfo(self.model.id.split(":", 1)[-1], lang)]

    def resolve_voice(self, name: str | None) -> SherpaVoice:
        if self.facts.needs_reference:
            return SherpaVoice(reference=self._builtin_reference(name))
        from ttscli.suggest import speaker_index

        sid = speaker_index(name, self.speaker_map, self.facts.num_speakers, self.model.id)
        return SherpaVoice() if sid is None else SherpaVoice(sid)

    def _builtin_reference(self, name: str | None) -> Reference:
        refs = self.references()
        if name is None and refs:
            name = next(iter(refs))
        if name is None or name not in refs:
            message = (f"{name!r} is not a voice of {self.model.id} (it has: {', '.join(refs) or 'none'})" if name
                       else f"{self.model.id} clones a reference voice and ships none")
            raise NotFound(message, hint="make one with `ttscli clone`, then use --voice NAME")
        transcript = transcripts(refs[name].parent).get(name, "")
        if self.facts.needs_transcript and not transcript:
            raise NotFound(f"reference voice {name!r} of {self.model.id} has no transcript",
                           hint=f"put its text in test_wavs/{name}.txt, or clone a voice with its transcript")
        return read_reference(refs[name], transcript)

    def use_stored_voice(self, voice: Any) -> SherpaVoice:
        """A stored voice (ttscli.voices.cache.Voice) with a processed reference waveform."""
        if not self.facts.needs_reference:
            raise BadInput(f"{self.model.id} has fixed speakers and cannot use stored voices such as {voice.name!r}")
        samples = voice.tensors.get(REFERENCE_TENSOR)
        if samples is None:
            raise BadInput(f"voice {voice.name!r} has no reference audio ({REFERENCE_TENSOR})",
                           hint="clone the voice again for this model")
        samples = np.asarray(samples, dtype=np.float32)
        try:
            rate = int(voice.meta.get("sample_rate", 0))
        except (TypeError, ValueError):
            rate = 0
        if samples.ndim != 1 or samples.size < 1000 or not np.all(np.isfinite(samples)) or rate <= 0:
            raise BadInput(f"voice {voice.name!r} has unusable reference audio "
                           f"(shape {samples.shape}, sample rate {rate})", hint="clone the voice again")
        transcript = str(voice.meta.get("transcript") or "").strip()
        if self.facts.needs_transcript and not transcript:
            raise BadInput(f"voice {voice.name!r} has no transcript, which {self.model.id} needs",
                           hint="clone it again with the transcript of the reference audio")
        return SherpaVoice(reference=Reference(voice.name, samples, rate, transcript))

    # --- text → what sherpa reads
    def codepoints(self, sentences: list[list[str]]) -> list[list[int]]:
        """Code points sherpa maps to ids; symbols the model lacks are dropped (sherpa would warn)."""
        symbols = self.facts.symbols
        out = []
        for sentence in sentences:
            kept = [ord(ch) for phoneme in sentence for ch in phoneme if ch in symbols]
            if any(chr(c).strip() for c in kept):
                out.append(kept)
        return out

    def phonemes(self, text: str, inline: str | None = None, lang: str | None = None) -> list[list[int]]:
        if inline:
            return self.codepoints([list(unicodedata.normalize("NFD", inline))])
        return self.codepoints(phonemize_sentences(text, lang or self.facts.espeak_voice, self.facts.symbols))

    def generation_fields(self, segment: Segment, voice: SherpaVoice,
                          options: SynthesisOptions) -> dict[str, Any] | None:
        """GenerationConfig fields for one segment (None when there is nothing to say)."""
        if options.speed <= 0:
            raise BadInput("speed must be positive")
        # silence_scale 1 = the model's own pauses (sherpa's default 0.2 shortens every pause,
        # commas included); sentence and paragraph pauses are added by ttscli's engine.
        fields: dict[str, Any] = {"sid": voice.sid, "speed": float(options.speed), "silence_scale": 1.0}
        tuning = family_options(options, SherpaOptions)
        extra = {"max_frames": str(tuning.max_frames)} if tuning.max_frames is not None else {}
        if options.seed is not None and self.facts.kind == "pocket":
            extra.setdefault("seed", str(options.seed))
        ref = voice.reference
        if self.facts.needs_reference:
            if ref is None:
                raise BadInput(f"{self.model.id} needs a reference voice", hint="pass --voice NAME")
            fields.update(reference_audio=ref.samples, reference_sample_rate=ref.sample_rate)
            if ref.transcript:
                fields["reference_text"] = ref.transcript
        front = self.facts.front_end
        if front == "text":
            if not segment.text.strip():
                raise BadInput(f"{self.model.id} reads plain text; inline [[phonemes]] are not supported")
        elif front == "phonemes":
            fields["phoneme_codepoints"] = self.phonemes(segment.text, segment.phonemes, options.lang)
            if not fields["phoneme_codepoints"]:
                return None
        else:  # ZipVoice: token strings, the reference transcript first
            target = [[chr(c) for c in s] for s in self.phonemes(segment.text, segment.phonemes, options.lang)]
            if not target:
                return None
            prompt = [chr(c) for s in self.phonemes(ref.transcript) for c in s]
            if not prompt:
                raise BadInput(f"the transcript of voice {ref.name!r} gives no phonemes this model knows")
            fields["tokens"] = [prompt, *target]
        if extra:
            fields["extra"] = extra
        return fields

    def trial(self) -> dict[str, Any]:
        """A short JSON-able generation for the load probe: the whole path, a few words."""
        voice = SherpaVoice()
        options = SynthesisOptions()
        if self.facts.needs_reference:
            rate = 16000  # one second of quiet noise stands in for a voice
            noise = (np.random.default_rng(0).standard_normal(rate) * 0.05).astype(np.float32)
            voice = SherpaVoice(reference=Reference("trial", noise, rate, _TRIAL_TEXT))
            options = SynthesisOptions(family=SherpaOptions(max_frames=25) if self.facts.kind == "pocket" else None)
        fields = self.generation_fields(Segment(_TRIAL_TEXT), voice, options) or {}
        if "reference_audio" in fields:
            fields["reference_audio"] = [round(float(x), 5) for x in fields["reference_audio"]]
            fields["num_steps"] = 1
        return {"text": _TRIAL_TEXT, "fields": fields}
