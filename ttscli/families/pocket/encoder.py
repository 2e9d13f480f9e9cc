"""Pocket TTS voices: the FlowLM prompt state, exported by the pocket-tts package.

Pocket TTS clones zero-shot: Mimi encodes the reference, FlowLM runs over it
once, and the per-layer attention caches after that run *are* the voice. The
package exports them with ``export_model_state`` as safetensors named
``<module>/<key>`` (``cache`` float32 [2, 1, T, heads, 64], ``offset`` int64
[1]); we keep those tensors, prefixed ``state/``, in the voice cache file, so a
Pocket backend can load them without re-encoding (``state_dicts``).

The model comes from the ttscli store (``pull pocket-tts``), loaded as the
backend loads it (``files.py``), so nothing is downloaded. Voice
states are specific to one model version, which is why the model id and
revision are in the cache key.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

import numpy as np

from ...backends.encoders import Encoded, EncodeJob
from ...errors import BadInput, IntegrityError, RuntimeFailure
from ...models.ref import ModelRef
from . import files as pocket_files
from .files import write_config  # noqa: F401 - part of this module's interface

log = logging.getLogger(__name__)

PREFIX = "state/"


def load_model(model: ModelRef, workdir: Path):
    """The package and model, refusing weights without the voice-cloning encoder."""
    package, tts = pocket_files.load_model(model, workdir)
    if getattr(tts, "has_voice_cloning", True) is False:
        raise BadInput(f"{model.id} has no voice-cloning weights", hint="pull the pocket-tts model with cloning")
    return package, tts


def encode(job: EncodeJob) -> Encoded:
    import torch
    from safetensors.numpy import load_file

    from ...audio.resample import resample

    with tempfile.TemporaryDirectory(prefix="ttscli-pocket-") as tmp:
        package, tts = load_model(job.model, Path(tmp))
        rate = int(tts.sample_rate)
        samples = resample(job.clip.samples, job.clip.sample_rate, rate)
        audio = torch.from_numpy(np.ascontiguousarray(samples, dtype=np.float32)).reshape(1, -1)  # [channels, T]
        with torch.inference_mode():
            state = tts.get_state_for_audio_prompt(audio)
        exported = Path(tmp) / "voice.safetensors"
        package.export_model_state(state, exported)
        tensors = load_file(str(exported))
    if not tensors or any("/" not in k for k in tensors):
        raise RuntimeFailure("pocket-tts exported an empty or unexpected voice state",
                             hint="use the pocket-tts version ttscli was tested with (2.x-4.x)")
    layers = sorted({k.rsplit("/", 1)[0] for k in tensors})
    return Encoded(
        tensors={PREFIX + k: v for k, v in tensors.items()},
        meta={"method": "pocket-tts-prompt-state", "layers": len(layers), "state_sample_rate": rate,
              "pocket_tts_version": getattr(package, "__version__", None) or _version()},
    )


def _version() -> str | None:
    from importlib import metadata

    try:
        return metadata.version("pocket-tts")
    except metadata.PackageNotFoundError:
        return None


def state_dicts(voice) -> dict[str, dict[str, np.ndarray]]:
    """The stored voice as pocket-tts' model-state layout {module: {key: array}}."""
    out: dict[str, dict[str, np.ndarray]] = {}
    for key, value in voice.tensors.items():
        if not key.startswith(PREFIX):
            continue
        module, _, name = key[len(PREFIX):].rpartition("/")
        if not module or not name:
            raise IntegrityError(f"voice {voice.name!r} has a malformed state tensor {key!r}", hint="clone it again")
        out.setdefault(module, {})[name] = value
    if not out:
        raise IntegrityError(f"voice {voice.name!r} holds no Pocket TTS state", hint="clone it again")
    return out
