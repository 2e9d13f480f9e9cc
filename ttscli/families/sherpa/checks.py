"""Check a sherpa-onnx model directory before sherpa-onnx sees it.

sherpa-onnx 2.0.1 does not report most package problems as exceptions: a
missing metadata key, a malformed tokens.txt line or a duplicated Piper token
ends the process with ``exit(-1)``; a tokens.txt without the pad symbol gives
empty audio; a wrong ``sample_rate`` is silently reported back and the audio is
mislabelled. Everything sherpa reads at load time is therefore checked here
first, from the files alone (no session is created), and turned into one-line
errors. What this cannot foresee is caught by the load probe in
:mod:`.sherpa_engine`, which constructs the engine in a child process.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from ...errors import IntegrityError
from ...runtime.onnx_meta import OnnxSignature, read_signature
from .layout import Layout

_META_HINT = ("use the sherpa-onnx package of this model (a raw Piper voice is converted by "
              "`--runtime sherpa-onnx`), or fix its metadata")
STANDARD_RATES = (8000, 11025, 16000, 22050, 24000, 32000, 44100, 48000)
_VOCODER_TYPES = ("hifigan", "vocos", "matcha-tts vocos")
# Metadata sherpa reads with no default (missing -> the process exits).
_REQUIRED_INT = {
    "vits": ("sample_rate", "n_speakers"),
    "matcha": ("sample_rate", "n_speakers", "use_eos_bos", "pad_id"),
    "kokoro": ("sample_rate", "n_speakers"),
    "kitten": ("sample_rate", "n_speakers"),
}
_REQUIRED_STR = {"vits": ("language", "comment"), "kitten": ("model_type",)}
# Graph inputs sherpa feeds by position (more or fewer -> undefined behaviour).
_INPUTS = {
    ("zipvoice", "encoder"): (4, 4),  # tokens, prompt tokens, prompt feature length, speed
    ("zipvoice", "decoder"): (5, 5),  # t, x, text condition, speech condition, guidance scale
    ("pocket", "encoder"): (1, 1),  # reference audio
    ("pocket", "text_conditioner"): (1, 1),  # text tokens
    ("pocket", "lm_flow"): (4, 4),  # c, s, t, x
    ("pocket", "lm_main"): (3, 999),  # sequence, embeddings, KV state...
    ("pocket", "decoder"): (2, 999),  # latents, decoder state...
}


@dataclass
class ModelFacts:
    """What the backend needs to know about a checked model."""

    kind: str
    sample_rate: int
    num_speakers: int = 1
    front_end: str = "phonemes"  # "phonemes" (espeak code points), "tokens" (ZipVoice), "text"
    espeak_voice: str = "en-us"
    language: str = ""
    speaker_names: list[str] = field(default_factory=list)
    symbols: dict[str, int] = field(default_factory=dict)  # tokens.txt
    comment: str = ""
    needs_reference: bool = False  # zero-shot models: every call needs reference audio

    @property
    def needs_transcript(self) -> bool:
        return self.kind == "zipvoice"


def _bad(path: Path, problem: str, hint: str = "download the model package again") -> IntegrityError:
    return IntegrityError(f"{path.parent.name}/{path.name}: {problem}", hint=hint)


def read_tokens(path: Path, *, single_codepoint: bool = False) -> dict[str, int]:
    """tokens.txt as sherpa reads it: ``symbol id`` per line; a line with only an id is
    the space symbol. Lines sherpa would abort on are reported instead."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise _bad(path, f"cannot be read ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise _bad(path, "is not UTF-8 text") from exc
    table: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        fields = line.split()
        if not fields:
            continue
        if len(fields) > 2:
            raise _bad(path, f"line {number} has {len(fields)} fields (expected 'symbol id')")
        symbol, raw_id = (" ", fields[0]) if len(fields) == 1 else fields
        if not raw_id.lstrip("-").isdigit() or int(raw_id) < 0:
            raise _bad(path, f"line {number} has no valid token id ({raw_id!r})")
        if single_codepoint and len(symbol) != 1 and symbol != "<BLNK>":
            raise _bad(path, f"line {number}: symbol {symbol!r} is not a single character, which this "
                       "model type requires")
        if single_codepoint and symbol in table:
            raise _bad(path, f"line {number}: symbol {symbol!r} appears twice")
        table.setdefault(symbol, int(raw_id))
    if not table:
        raise _bad(path, "is empty")
    return table


def _int_meta(meta: dict[str, str], key: str, path: Path) -> int:
    raw = meta.get(key, "").strip()
    if not raw:
        raise _bad(path, f"metadata {key!r} is missing (sherpa-onnx needs it)", hint=_META_HINT)
    try:
        value = int(raw)
    except ValueError:
        raise _bad(path, f"metadata {key}={raw!r} is not an integer", hint=_META_HINT) from None
    if value < 0:
        raise _bad(path, f"metadata {key}={value} is negative", hint=_META_HINT)
    return value


def _check_rate(rate: int, path: Path, layout: Layout) -> None:
    if rate not in STANDARD_RATES:
        raise _bad(path, f"metadata sample_rate={rate} is not an audio sample rate "
                   f"({', '.join(map(str, STANDARD_RATES))})", hint="fix the model's metadata")
    if layout.sidecar_config is not None:
        try:
            declared = int(json.loads(layout.sidecar_config.read_text(encoding="utf-8"))["audio"]["sample_rate"])
        except (OSError, ValueError, KeyError, TypeError):
            return
        if declared != rate:
            raise _bad(path, f"metadata sample_rate={rate} contradicts {layout.sidecar_config.name} "
                       f"({declared} Hz); the audio would play at the wrong speed",
                       hint="fix the model's metadata (for a converted Piper voice, convert it again)")


def _check_inputs(layout: Layout, sigs: dict[str, OnnxSignature]) -> None:
    for (kind, role), (low, high) in _INPUTS.items():
        if kind != layout.kind:
            continue
        count = len(sigs[role].inputs)
        if not low <= count <= high:
            want = str(low) if low == high else f"at least {low}"
            raise _bad(layout.files[role], f"has {count} graph inputs, a {kind} {role} has {want}; "
                       "it is not the model this file name says",
                       hint="download the sherpa-onnx package of this model again")


def _check_vocoder(layout: Layout, model_rate: int) -> None:
    path = layout.files["vocoder"]
    meta = read_signature(path).metadata
    vtype = meta.get("model_type", "")
    if vtype not in _VOCODER_TYPES:
        raise _bad(path, f"is not a sherpa-onnx vocoder (model_type={vtype!r}, expected vocos or hifigan)",
                   hint="use a vocoder from sherpa-onnx's 'vocoder-models' release")
    default_rate = 22050  # what sherpa assumes when the vocoder does not say
    raw = meta.get("sample_rate", "").strip()
    rate = int(raw) if raw.isdigit() else default_rate
    if rate != model_rate:
        raise _bad(path, f"makes {rate} Hz audio but the model is {model_rate} Hz",
                   hint=f"use the {model_rate} Hz vocoder from sherpa-onnx's 'vocoder-models' release")


def _pocket_facts(layout: Layout, facts: ModelFacts) -> ModelFacts:
    for role in ("vocab_json", "token_scores_json"):
        try:
            if not isinstance(json.loads(layout.files[role].read_text(encoding="utf-8")), dict):
                raise ValueError("not an object")
        except (OSError, ValueError) as exc:
            raise _bad(layout.files[role], f"is not a JSON object ({exc})") from exc
    facts.front_end = "text"
    return facts


def _zipvoice_facts(layout: Layout, sigs: dict, facts: ModelFacts) -> ModelFacts:
    meta = sigs["decoder"].metadata
    raw = meta.get("sample_rate", "").strip()
    facts.sample_rate = int(raw) if raw.isdigit() else 24000
    _check_rate(facts.sample_rate, layout.files["decoder"], layout)
    _check_vocoder(layout, facts.sample_rate)
    facts.symbols = read_tokens(layout.files["tokens"])
    facts.front_end = "tokens"
    return facts


def _check_metadata(kind: str, meta: dict, main: Path) -> dict[str, int]:
    """The integer metadata ``kind`` needs; IntegrityError if a required entry is missing or wrong."""
    ints = {key: _int_meta(meta, key, main) for key in _REQUIRED_INT[kind]}
    for key in _REQUIRED_STR.get(kind, ()):
        if not meta.get(key, "").strip():
            raise _bad(main, f"metadata {key!r} is missing (sherpa-onnx needs it)", hint=_META_HINT)
    if kind == "kitten" and meta["model_type"] != "kitten-tts":
        raise _bad(main, f"metadata model_type={meta['model_type']!r} is not 'kitten-tts'")
    if kind in ("kokoro", "kitten"):
        dims = [d for d in meta.get("style_dim", "").split(",") if d.strip()]
        if len(dims) != 2 or not all(d.strip().isdigit() and int(d) > 0 for d in dims):
            raise _bad(main, f"metadata style_dim={meta.get('style_dim', '')!r} is missing or not two positive integers")
    return ints


def inspect(layout: Layout) -> ModelFacts:
    """Validate ``layout`` and return its facts; raise IntegrityError naming the problem."""
    sigs = {role: read_signature(path) for role, path in layout.files.items() if path.suffix == ".onnx"}
    if layout.kind in ("kokoro", "kitten"):  # file names can mislead; the metadata decides
        declared = sigs["model"].metadata.get("model_type", "")
        layout.kind = "kitten" if declared == "kitten-tts" else "kokoro" if declared == "kokoro" else layout.kind
    kind = layout.kind
    _check_inputs(layout, sigs)
    facts = ModelFacts(kind=kind, sample_rate=24000, needs_reference=kind in ("pocket", "zipvoice"))
    if kind == "pocket":
        return _pocket_facts(layout, facts)
    if kind == "zipvoice":
        return _zipvoice_facts(layout, sigs, facts)

    main = layout.main_model
    meta = sigs[next(r for r in ("model", "acoustic_model") if r in sigs)].metadata
    ints = _check_metadata(kind, meta, main)
    facts.sample_rate = ints["sample_rate"]
    _check_rate(facts.sample_rate, main, layout)
    facts.num_speakers = max(1, ints["n_speakers"])
    facts.comment = meta.get("comment", "")
    facts.language = meta.get("language", "")
    facts.espeak_voice = meta.get("voice", "").strip() or "en-us"
    names = [n.strip() for n in meta.get("speaker_names", "").split(",") if n.strip()]
    facts.speaker_names = names if len(names) == facts.num_speakers else []
    if kind == "matcha":
        _check_vocoder(layout, facts.sample_rate)

    comment = facts.comment.lower()
    text_front_end = (bool(layout.lexicons) or meta.get("frontend") == "characters" or "melo" in comment
                      or meta.get("jieba", "0") not in ("", "0") or meta.get("has_g2pw", "0") not in ("", "0"))
    if kind == "vits" and not text_front_end and not any(k in comment for k in ("piper", "coqui", "icefall")):
        text_front_end = True  # MMS and other character models tokenize text themselves
    facts.front_end = "text" if text_front_end else "phonemes"
    single = kind == "vits" and facts.front_end == "phonemes"
    facts.symbols = read_tokens(layout.files["tokens"], single_codepoint=single)
    if single and "piper" in comment:
        missing = [s for s in ("_", "^", "$") if s not in facts.symbols]
        if missing:
            raise _bad(layout.files["tokens"], f"lacks the Piper symbols {' '.join(missing)} (pad, start, end); "
                       "sherpa-onnx would produce no audio")
    return facts
