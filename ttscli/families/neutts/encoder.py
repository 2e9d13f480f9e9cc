"""NeuTTS voices: NeuCodec reference codes + the reference transcript.

NeuTTS continues a prompt made of the reference's words (as IPA) and its
NeuCodec codes (50 per second, one codebook of 65,536), so a NeuTTS voice is
exactly those two things. The codes come from the PyTorch ``neucodec``
package (there is no ONNX encoder): ``NeuCodec.from_pretrained(repo)`` then
``encode_code(audio [1, 1, T] at 16 kHz) → codes [1, 1, F]``. The weights are
fetched by huggingface_hub into its cache; with ``HF_HUB_OFFLINE=1`` only a
cached copy is used. torch.load inside the package is forced to
``weights_only`` (TORCH_FORCE_WEIGHTS_ONLY_LOAD), so a tampered checkpoint
cannot run code.

Stored tensors: ``ref_codes`` (int32, F). Metadata: transcript, its phonemes
per language, the codec repo.
"""

from __future__ import annotations

import logging
import os
import warnings

import numpy as np

from ...backends.encoders import Encoded, EncodeJob
from ...errors import BadInput, IntegrityError, NotFound, RuntimeFailure
from ...optional import install_command

log = logging.getLogger(__name__)

CODEC_ENV = "TTSCLI_NEUCODEC"  # hub repo of the encoder: neuphonic/neucodec or neuphonic/distill-neucodec
DEFAULT_CODEC = "neuphonic/neucodec"
INPUT_RATE = 16000
CODES_PER_SECOND = 50
SAMPLES_PER_CODE = INPUT_RATE // CODES_PER_SECOND  # 320
CODEBOOK = 65536


def load_codec(device: str = "cpu"):
    """The NeuCodec model (eval mode, on ``device``), from the hub cache."""
    import torch

    try:
        import neucodec
    except ImportError as exc:
        raise RuntimeFailure("the neucodec package is not installed", hint=install_command("torch", packages=("neucodec",))) \
            from exc
    repo = os.environ.get(CODEC_ENV) or DEFAULT_CODEC
    cls = neucodec.DistillNeuCodec if "distill" in repo and hasattr(neucodec, "DistillNeuCodec") else neucodec.NeuCodec
    previous = os.environ.get("TORCH_FORCE_WEIGHTS_ONLY_LOAD")
    os.environ["TORCH_FORCE_WEIGHTS_ONLY_LOAD"] = "1"  # the package calls torch.load itself
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch's pickle-protocol and hub deprecation chatter
            model = cls.from_pretrained(repo)
    except (FileNotFoundError, EnvironmentError) as exc:
        raise NotFound(f"the NeuCodec encoder weights ({repo}) are not available ({type(exc).__name__})",
                       hint="run the clone once with network access (huggingface_hub caches them), "
                            "or copy a hub cache that has them") from exc
    except (torch.serialization.pickle.UnpicklingError, RuntimeError, ValueError) as exc:
        reason = str(exc).split("\n")[0].split(". ")[0]
        raise IntegrityError(f"the NeuCodec checkpoint of {repo} cannot be loaded safely ({reason})",
                             hint="delete it from the huggingface_hub cache and fetch it again") from exc
    finally:
        if previous is None:
            os.environ.pop("TORCH_FORCE_WEIGHTS_ONLY_LOAD", None)
        else:
            os.environ["TORCH_FORCE_WEIGHTS_ONLY_LOAD"] = previous
    model.eval()
    try:
        model.to(device)
    except (RuntimeError, AssertionError) as exc:
        log.warning("NeuCodec cannot run on %s (%s); using the CPU", device, exc)
        model.to("cpu")
    return model, repo


def encode_codes(model, samples: np.ndarray) -> np.ndarray:
    """NeuCodec codes (int32, 1-D) for 16 kHz mono ``samples``, checked against the API contract."""
    import torch

    wav = torch.from_numpy(np.ascontiguousarray(samples, dtype=np.float32)).reshape(1, 1, -1)
    with torch.inference_mode():
        out = model.encode_code(wav)
    codes = np.asarray(out.detach().cpu().numpy() if hasattr(out, "detach") else out)
    if codes.ndim != 3 or codes.shape[:2] != (1, 1):
        raise RuntimeFailure(f"NeuCodec returned codes of shape {codes.shape}, expected [1, 1, frames]",
                             hint="install a neucodec version that matches ttscli (0.0.4-0.0.6)")
    codes = codes.reshape(-1)
    expected = len(samples) / SAMPLES_PER_CODE
    off = abs(codes.size - expected) > 2 + 0.02 * expected
    if not np.issubdtype(codes.dtype, np.integer) or codes.size == 0 or off:
        raise RuntimeFailure(f"NeuCodec returned {codes.size} codes ({codes.dtype}) for "
                             f"{len(samples) / INPUT_RATE:.2f} s; expected about {expected:.0f} integer codes",
                             hint="check the neucodec version")
    if codes.min() < 0 or codes.max() >= CODEBOOK:
        raise RuntimeFailure(f"NeuCodec returned codes outside 0-{CODEBOOK - 1}")
    return codes.astype(np.int32)


def reference_phonemes(text: str, language: str) -> str:
    """The transcript as NeuTTS reads it: espeak IPA with stress, whitespace collapsed."""
    from .._shared.speechlm_guard import ipa

    return " ".join(ipa(text, language).split())


def encode(job: EncodeJob) -> Encoded:
    if job.clip.sample_rate != INPUT_RATE:
        raise BadInput(f"NeuCodec takes {INPUT_RATE} Hz audio, got {job.clip.sample_rate} Hz")
    if not job.transcript:
        raise BadInput("NeuTTS needs the transcript of the reference", hint='pass --text "the words spoken"')
    language = str(job.model.info.get("espeak") or "en-us")
    device = job.plan.device if job.plan.device.startswith(("cuda", "mps")) else "cpu"
    model, repo = load_codec(device)
    codes = encode_codes(model, job.clip.samples)
    log.debug("NeuCodec: %d codes for %.2f s of reference", codes.size, job.clip.seconds)
    return Encoded(
        tensors={"ref_codes": codes},
        meta={"method": "neucodec", "codec": repo, "language": language,
              "phonemes": {language: reference_phonemes(job.transcript, language)},
              "codes_per_second": CODES_PER_SECOND},
    )


def stored_reference(voice) -> tuple[np.ndarray, str, dict[str, str]]:
    """(codes, transcript, phonemes by language) of a stored NeuTTS voice, validated."""
    codes = np.asarray(voice.tensors.get("ref_codes", np.zeros(0))).reshape(-1)
    text = str(voice.meta.get("transcript") or "")
    if codes.size == 0 or not np.issubdtype(codes.dtype, np.integer) or codes.min() < 0 or codes.max() >= CODEBOOK:
        raise IntegrityError(f"voice {voice.name!r} holds no valid NeuCodec codes", hint="clone it again")
    if not text:
        raise IntegrityError(f"voice {voice.name!r} has no transcript", hint="clone it again with --text")
    phonemes = {str(k): str(v) for k, v in (voice.meta.get("phonemes") or {}).items()}
    return codes.astype(np.int32), text, phonemes
