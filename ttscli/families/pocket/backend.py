"""Kyutai Pocket TTS on PyTorch, through the `pocket-tts` package.

Pocket TTS speaks in the voice of a *voice state*: the FlowLM attention caches
after it has heard a voice prompt. Three kinds are accepted:

* predefined voices shipped with the model (``embeddings/NAME.safetensors``,
  ``--voice alba``);
* voices made by ``ttscli clone NAME REF --model pocket-tts`` (the voice cache,
  ``--voice NAME``);
* a state file exported by ``pocket-tts export-voice`` (``--voice PATH.safetensors``).

All three are safetensors: nothing is unpickled. A state is tied to the weights it
was computed with; a state whose layers or heads do not match is refused.

Each segment is generated from a copy of the voice state with
``generate_audio_stream``, seeded from the segment's text and --seed
(``runtime.seeded.text_seed``) and decoded one frame per Mimi call, so the same
text and seed give the same samples on every run. The model has no
speaking-rate control: --speed other than 1 is refused.
"""

from __future__ import annotations

import logging
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import numpy as np

from ...audio.chunk import AudioChunk
from ...backends.base import Backend, SynthesisOptions, VoiceInfo
from ...errors import BadInput, IntegrityError, NotFound
from ...models.ref import ModelRef
from ...runtime.plan import RuntimePlan, cpu_plan
from ...runtime.seeded import text_seed
from ...text.segments import Budget, Segment, TextProfile
from . import files as pocket_files

log = logging.getLogger(__name__)

# The package splits text into chunks of at most 50 tokens and warns that longer ones may lose
# words; its English tokenizer averages well over 3 characters a token, so 150 characters fit.
BUDGET = Budget("chars", 150)
DEFAULT_VOICES = ("alba", "estelle", "juergen", "lola", "giovanni", "rafael", "daan")
LANGUAGE_TAGS = {"english": "en-us", "french": "fr-fr", "german": "de", "spanish": "es", "italian": "it",
                 "portuguese": "pt", "dutch": "nl"}


@dataclass
class VoiceState:
    name: str
    state: dict[str, dict[str, Any]]  # {module: {key: torch.Tensor}}, as the package keeps it


def language_of(model: ModelRef) -> str:
    """The front end's language: the catalog's first, else the package config's name."""
    languages = model.info.get("languages") or []
    if languages:
        return str(languages[0]).lower()
    return LANGUAGE_TAGS.get(pocket_files.language(model), "en-us")


def text_profile(model: ModelRef, voice: str | None = None) -> TextProfile:
    """Language and budget without importing torch (dry runs)."""
    return TextProfile(language_of(model), BUDGET)


class PocketBackend(Backend):
    family = pocket_files.FAMILY
    budget = BUDGET

    def __init__(self, model: ModelRef, plan: RuntimePlan):
        self.model = model
        self.language = language_of(model)
        with tempfile.TemporaryDirectory(prefix="ttscli-pocket-") as tmp:
            _, self.tts = pocket_files.load_model(model, Path(tmp))  # imports torch, or says how to install
        import torch

        if plan.threads > 0:  # the package pins torch to one thread when imported
            torch.set_num_threads(plan.threads)
        self.device = torch.device(plan.device)
        if self.device.type != "cpu":
            self.tts.to(self.device)
        # One frame per decoder call: batching whatever the generator has queued depends on thread
        # timing, which changes the samples slightly from run to run.
        self.tts.max_decoder_frames_per_call = 1
        self.sample_rate = int(self.tts.sample_rate)
        self.predefined = pocket_files.predefined_voices(model)
        self._layout = self._expected_layout()

    # --- voices
    def voices(self) -> list[VoiceInfo]:
        return [VoiceInfo(name, self.language, description="predefined voice state")
                for name in sorted(self.predefined)]

    def resolve_voice(self, name: str | None) -> VoiceState:
        if name and (name.endswith(".safetensors") or "/" in name):
            if not name.endswith(".safetensors"):
                raise BadInput(f"--voice {name}: a Pocket voice file is a .safetensors voice state",
                               hint=f"make a voice from audio first: ttscli clone NAME {name} --model pocket-tts")
            path = Path(name).expanduser()
            if not path.is_file():
                raise NotFound(f"voice state file {name} does not exist")
            return self._from_file(path.stem, path)
        if not name:
            if not self.predefined:
                raise NotFound(f"model {self.model.id} has no predefined voices",
                               hint="clone one: ttscli clone NAME REF.wav --model pocket-tts, then --voice NAME")
            name = next((v for v in DEFAULT_VOICES if v in self.predefined), sorted(self.predefined)[0])
        if name not in self.predefined:
            from ttscli.suggest import voice_not_found

            known = ", ".join(sorted(self.predefined)) or "none (clone one with ttscli clone)"
            raise voice_not_found(name, self.model.id, self.predefined, otherwise=f"voices: {known}")
        return self._from_file(name, self.predefined[name])

    def use_stored_voice(self, voice) -> VoiceState:
        """A voice made by ``ttscli clone`` for Pocket TTS (see encoder.py)."""
        import torch

        from .encoder import state_dicts

        if voice.family != self.family:
            raise BadInput(f"voice {voice.name!r} was made for {voice.family} models, not {self.model.id}",
                           hint=f"use --model {voice.model_id}, or clone it again with --model {self.model.id}")
        if voice.model_id != self.model.id:
            log.warning("voice %r was cloned with %s; a state computed with other weights may sound wrong "
                        "(clone it again with --model %s)", voice.name, voice.model_id, self.model.id)
        state = {module: {key: torch.from_numpy(np.array(value)).to(self.device) for key, value in tensors.items()}
                 for module, tensors in state_dicts(voice).items()}
        return self._checked(VoiceState(voice.name, state))

    def _from_file(self, name: str, path: Path) -> VoiceState:
        from safetensors import SafetensorError

        try:
            state = self.tts.get_state_for_audio_prompt(path)  # .safetensors: read as tensors, no pickle
        except (SafetensorError, OSError, ValueError) as exc:
            raise IntegrityError(f"voice state {path.name} cannot be read ({exc})".split("\n")[0],
                                 hint="pull the model again, or export the voice again") from exc
        return self._checked(VoiceState(name, state))

    def _expected_layout(self) -> dict[str, tuple[int, ...]]:
        """Module -> the cache's shape without its length axis, for a state of this model."""
        from pocket_tts.modules.stateful_module import init_states

        blank = init_states(self.tts.flow_lm, batch_size=1, sequence_length=1)
        return {module: _shape_without_length(tensors["cache"]) for module, tensors in blank.items()
                if "cache" in tensors}

    def _checked(self, voice: VoiceState) -> VoiceState:
        got = {m: _shape_without_length(t["cache"]) for m, t in voice.state.items() if "cache" in t}
        if got != self._layout or any("offset" not in t for t in voice.state.values()):
            raise BadInput(f"voice {voice.name!r} is a state for another Pocket TTS model (its layers or heads "
                           f"differ from {self.model.id})", hint=f"clone it again with --model {self.model.id}")
        return voice

    # --- synthesis
    def stream(self, segment: Segment, voice: VoiceState, options: SynthesisOptions) -> Iterator[AudioChunk]:
        import torch

        if options.speed != 1.0:
            raise BadInput(f"Pocket TTS has no speaking-rate control (--speed {options.speed:g})",
                           hint="drop --speed, or use a model that has one (piper, kokoro, kitten)")
        if segment.phonemes:
            raise BadInput("Pocket TTS reads plain text, not phonemes", hint="remove the [[...]] markup")
        text = " ".join(segment.text.split())
        if not text:
            return
        torch.manual_seed(text_seed(text, options.seed))
        stop = threading.Event()
        try:
            for audio in self.tts.generate_audio_stream(voice.state, text, copy_state=True, stop=stop):
                samples = audio.detach().to("cpu", torch.float32).numpy().reshape(-1)
                yield AudioChunk(np.clip(samples, -1.0, 1.0), self.sample_rate)
        finally:
            stop.set()  # a consumer that stops early (Ctrl-C, closed pipe) ends the generator thread


def _shape_without_length(cache) -> tuple[int, ...]:
    shape = tuple(cache.shape)  # [2, batch, length, heads, head_dim]
    return shape[:2] + shape[3:]


def load(model: ModelRef, plan: RuntimePlan | None = None) -> PocketBackend:
    return PocketBackend(model, plan or cpu_plan("torch"))
