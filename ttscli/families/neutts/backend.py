"""NeuTTS (Neuphonic) Air and Nano: a Qwen/Llama speech LM on llama.cpp + the NeuCodec decoder.

The model continues a prompt that holds the reference voice's transcript and
the new text (as espeak IPA, or plain text for "BPE"-format models), then the
reference voice's NeuCodec codes; it answers with ``<|speech_N|>`` tokens (one
code each, 50 per second) and ``<|SPEECH_GENERATION_END|>``:

    user: Convert the text to speech:<|TEXT_PROMPT_START|>{ref} {text}<|TEXT_PROMPT_END|>
    assistant:<|SPEECH_GENERATION_START|><|speech_c1|><|speech_c2|>...

Voices are reference samples (codes + transcript) shipped with the model:
``NAME.pt`` (read without unpickling, see runtime.torchzip) or ``NAME.npy``,
with ``NAME.txt``. All token ids are looked up by their text at load time.
"""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np

from ...backends.base import SynthesisOptions, VoiceInfo
from ...errors import BadInput, IntegrityError, NotFound
from ...models.ref import ModelRef
from ...runtime import llama as llama_runtime
from ...runtime.plan import RuntimePlan, cpu_plan
from ...runtime.torchzip import read_tensor
from ...text.segments import Budget, Segment, TextProfile
from .._shared.speechlm import OneCodePerToken, SpeechLMBackend
from .._shared.speechlm_files import detect_gguf
from .._shared.speechlm_guard import (
    Piece,
    count_phonemes,
    ipa,
    split_text,
    without_phoneme_blocks,
)
from .._shared.windowed import WindowPlan
from .codec import NeuCodecDecoder

log = logging.getLogger(__name__)

CODEBOOK = 65536
N_CTX = 2048
TEXT_START, TEXT_END = "<|TEXT_PROMPT_START|>", "<|TEXT_PROMPT_END|>"
SPEECH_START, SPEECH_END = "<|SPEECH_GENERATION_START|>", "<|SPEECH_GENERATION_END|>"
SPEECH_TOKEN = "<|speech_{}|>"
DEFAULT_VOICES = ("jo", "dave")
LANGUAGE_BY_NAME = {"german": "de", "french": "fr-fr", "spanish": "es"}
SAMPLING = llama_runtime.Sampling(temperature=1.0, top_k=50, top_p=0.95, min_p=0.05, repeat_penalty=1.0)


def detect(files: list[str]) -> bool:
    return detect_gguf(files, ("neutts", "neucodec"))


@dataclass
class RefVoice:
    name: str
    codes: np.ndarray  # int32 NeuCodec codes, 50 per second
    text: str
    phonemes: dict[str, str] = field(default_factory=dict)  # by language


def read_codes(path: Path) -> np.ndarray:
    """Reference codes from a .pt (torch zip, never unpickled) or .npy (no pickle) file."""
    if not path.is_file():
        raise NotFound(f"reference voice file {path} does not exist")
    if path.suffix == ".npy":
        try:
            codes = np.load(path, allow_pickle=False)
        except (ValueError, OSError) as exc:
            raise IntegrityError(f"{path.name} is not a NumPy array of codes ({exc})") from exc
    else:
        codes = read_tensor(path)
    return _check_codes(codes, path.name)


def _check_codes(codes: np.ndarray, what: str) -> np.ndarray:
    codes = np.asarray(codes).reshape(-1)
    if codes.size == 0 or not np.issubdtype(codes.dtype, np.integer) or codes.min() < 0 or codes.max() >= CODEBOOK:
        raise IntegrityError(f"{what} does not hold NeuCodec codes (integers 0-{CODEBOOK - 1})")
    return codes.astype(np.int32)


def read_sample(path: Path) -> RefVoice:
    """A reference voice: NAME.pt or NAME.npy codes with the NAME.txt transcript beside them."""
    codes = read_codes(path)
    transcript = path.with_suffix(".txt")
    try:
        text = " ".join(transcript.read_text("utf-8").split())
    except FileNotFoundError:
        raise NotFound(f"reference voice {path.name} has no transcript {transcript.name} beside it",
                       hint="NeuTTS needs the words spoken in the reference") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise IntegrityError(f"cannot read the transcript {transcript.name}: {exc}") from exc
    if not text:
        raise BadInput(f"the transcript {transcript.name} is empty")
    return RefVoice(path.stem, codes, text)


class NeuTTSBackend(SpeechLMBackend):
    family = "neutts"
    budget = Budget("chars", 200)  # + a reference of up to ~13 s must fit the 2048-token context
    frames_per_second = 50.0
    tokens_per_frame = 1
    max_phonemes = 150
    window = WindowPlan(hop=480, first_chunk=10, chunk=25, lookback=50, lookahead=5, crossfade=480, max_chunk=100)

    def __init__(self, model: ModelRef, plan: RuntimePlan):
        super().__init__()
        files = self._open_backbone(model, plan, family="NeuTTS", decoder_words=("neucodec",),
                                    decoder_hint="add the NeuCodec ONNX decoder (neuphonic/neucodec-onnx-decoder model.onnx)",
                                    n_ctx=N_CTX)
        self.speech = self.llm.numbered(SPEECH_TOKEN, 0, CODEBOOK)
        if self.speech.count == 0:
            raise IntegrityError(f"{files.backbone.name} has no <|speech_N|> tokens: it is not a NeuTTS model")
        self.ids = {text: self.llm.require(text) for text in (TEXT_START, TEXT_END, SPEECH_START, SPEECH_END)}
        self.stop_ids = (self.ids[SPEECH_END],)
        self.input_format = self._input_format()
        self.sampling = SAMPLING
        self.language = self._language(files.backbone)
        self.codec = NeuCodecDecoder(files.decoder, plan)
        self.refs = self._voices(files.samples)

    def _input_format(self) -> str:
        meta = self.llm.metadata
        fmt = meta.get("neuphonic.input_format", "").strip().lower()
        if fmt in ("phonemes", "bpe"):
            return fmt
        template = meta.get("tokenizer.chat_template", "")
        return "bpe" if TEXT_START in template and "Convert the text to speech" not in template else "phonemes"

    def _language(self, backbone: Path) -> str:
        return language_of(self.model, backbone.name)

    def _voices(self, samples: Sequence[Path]) -> dict[str, RefVoice]:
        refs: dict[str, RefVoice] = {}
        for path in samples:
            if not path.with_suffix(".txt").exists():
                log.debug("sample %s has no transcript %s; skipped", path.name, path.with_suffix(".txt").name)
                continue
            refs.setdefault(path.stem, read_sample(path))
        return refs

    # --- voices
    def voices(self) -> list[VoiceInfo]:
        return [VoiceInfo(name, self.language, description=f"reference sample, {len(ref.codes) / 50:.1f} s")
                for name, ref in sorted(self.refs.items())]

    def resolve_voice(self, name: str | None) -> RefVoice:
        if name and (name.endswith((".pt", ".npy")) or "/" in name):
            return read_sample(Path(name).expanduser())
        if not self.refs:
            raise NotFound(f"model {self.model.id} has no reference voices",
                           hint="NeuTTS speaks in a reference voice: pass --voice PATH/NAME.pt (or .npy, with "
                                "NAME.txt beside it, such as the samples of github.com/neuphonic/neutts)")
        if not name:
            name = next((v for v in DEFAULT_VOICES if v in self.refs), sorted(self.refs)[0])
        if name not in self.refs:
            from ttscli.suggest import voice_not_found

            raise voice_not_found(name, self.model.id, self.refs, otherwise=f"voices: {', '.join(sorted(self.refs))}")
        return self.refs[name]

    def use_stored_voice(self, voice) -> RefVoice:
        """A voice made by ``ttscli clone`` (NeuCodec codes + transcript, see families/neutts/encoder.py)."""
        from .encoder import stored_reference

        codes, text, phonemes = stored_reference(voice)
        return RefVoice(voice.name, codes, text, phonemes)

    # --- hooks
    def pieces(self, segment: Segment, voice: RefVoice, options: SynthesisOptions) -> list[Piece]:
        lang = options.lang or self.language
        if segment.phonemes:
            if self.input_format == "bpe":
                raise BadInput("this NeuTTS model reads plain text, not phonemes", hint="remove the [[...]] markup")
            ph = " ".join(segment.phonemes.split())
            return [Piece(segment.text or ph, ph, count_phonemes(ph))]
        text = segment.text
        if self.input_format == "bpe" and segment.has_phonemes:
            log.warning("this NeuTTS model reads words, not phonemes: [[...]] pronunciations are left out")
            text = without_phoneme_blocks(text)
        return split_text(text, lang, self.max_phonemes)

    def _reference(self, voice: RefVoice) -> str:
        if self.input_format == "bpe":
            return _normalise(voice.text)
        if self.language not in voice.phonemes:
            voice.phonemes[self.language] = ipa(voice.text, self.language)
        return voice.phonemes[self.language]

    def prompt(self, piece: Piece, voice: RefVoice) -> list[int]:
        ids = self.ids
        codes = [self.speech.id(int(c)) for c in voice.codes]
        if any(c is None for c in codes):
            raise IntegrityError(f"voice {voice.name} uses codes this model has no tokens for")
        if self.input_format == "bpe":
            parts: list = [ids[TEXT_START], f"{self._reference(voice)} {_normalise(piece.text)}", ids[TEXT_END],
                           ids[SPEECH_START]]
        else:
            parts = ["user: Convert the text to speech:", ids[TEXT_START], f"{self._reference(voice)} {piece.phonemes}",
                     ids[TEXT_END], "\nassistant:", ids[SPEECH_START]]
        prefix = [self.llm.bos_id] if self.llm.add_bos else []
        return prefix + self.llm.tokenize(parts) + codes

    def parser(self) -> OneCodePerToken:
        return OneCodePerToken(self.speech)

    def context_frames(self, voice: RefVoice) -> Sequence[int]:
        return voice.codes[-self.window.lookback :].tolist() if self.window.lookback else []

    def close(self) -> None:
        self.llm.close()


def _normalise(text: str) -> str:
    """As NeuTTS' BPE models expect: straight quotes, then Unicode NFKC."""
    text = text.replace("\u2018", "'").replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')
    return unicodedata.normalize("NFKC", text)


def language_of(model: ModelRef, backbone_name: str = "") -> str:
    """The espeak language: the catalog's, else the GGUF file name's (neutts-nano-german...)."""
    info = model.info
    if info.get("espeak"):
        return str(info["espeak"])
    if info.get("languages"):  # catalog tags: en-US, de, fr-FR, es -> espeak codes
        return str(info["languages"][0]).lower()
    name = (backbone_name or model.path.name).lower()
    return next((code for word, code in LANGUAGE_BY_NAME.items() if word in name), "en-us")


def text_profile(model: ModelRef, voice: str | None = None) -> TextProfile:
    """Language and budget for the front end, without loading llama.cpp (dry runs)."""
    return TextProfile(language_of(model), NeuTTSBackend.budget)


def load(model: ModelRef, plan: RuntimePlan | None = None) -> NeuTTSBackend:
    return NeuTTSBackend(model, plan or cpu_plan("llama.cpp"))
