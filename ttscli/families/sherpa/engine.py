"""sherpa-onnx's OfflineTts, built so that it cannot take ttscli down, and streamed.

Three things make the raw engine unsafe for a CLI (found by running sherpa-onnx 2.0 on broken packages):
a bad package can end the process from C++ (``exit(-1)``, or a crash), errors
are printed on stderr instead of raised, and ``generate`` blocks until all
audio exists. So:

* **Probe.** The first time a model (these files, this size and mtime, this
  sherpa-onnx version, this config) is used, the engine is built in a child
  process and asked for a few words. Only when the child succeeds is the
  engine built in-process. The verdict is cached under ``cache_dir()/sherpa``,
  so later runs pay nothing. A failing child becomes a one-line error that
  quotes sherpa's own reason.
* **Quiet.** sherpa's stderr lines are captured (fd 2) while it loads and
  generates; they go to the debug log, and the last one explains an empty result.
* **Streaming.** ``generate`` runs in a worker thread whose callback hands each
  chunk to a queue; the caller iterates over chunks as they arrive. Closing the
  iterator (the sink went away, Ctrl-C) makes the callback return 0, which stops
  sherpa after the chunk in progress.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import queue
import subprocess
import sys
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import numpy as np

from ... import paths
from ...errors import RuntimeFailure
from ...fsio import atomic_write
from ...optional import install_command
from ...runtime.plan import RuntimePlan

log = logging.getLogger(__name__)

PROBE_VERSION = "1"
_PROBE_TIMEOUT = 900.0
_CONFIG_CLASSES = {
    "vits": "OfflineTtsVitsModelConfig",
    "matcha": "OfflineTtsMatchaModelConfig",
    "kokoro": "OfflineTtsKokoroModelConfig",
    "kitten": "OfflineTtsKittenModelConfig",
    "zipvoice": "OfflineTtsZipvoiceModelConfig",
    "pocket": "OfflineTtsPocketModelConfig",
}
_stderr_lock = threading.Lock()


def sherpa_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("sherpa-onnx")
    except PackageNotFoundError:
        return "unknown"


def import_sherpa():
    from ...optional import require

    return require("sherpa_onnx", "the sherpa-onnx runtime is not installed",
                   f"{install_command('sherpa')} (or use --runtime onnxruntime for Piper voices)")


def threads_for(plan: RuntimePlan) -> int:
    if plan.threads > 0:
        return plan.threads
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, 8))


def provider_for(plan: RuntimePlan) -> str:
    """sherpa-onnx's provider name ("cpu", "cuda", "coreml"), as the runtime plan chose it."""
    return plan.sherpa_provider or "cpu"


def build_config(spec: dict[str, Any]):
    """The OfflineTtsConfig for ``spec`` (a JSON-able dict, so the probe can rebuild it)."""
    so = import_sherpa()
    kind = spec["kind"]
    family = getattr(so, _CONFIG_CLASSES[kind])()
    for role, path in spec["files"].items():
        setattr(family, role, path)
    if spec.get("lexicon") and hasattr(family, "lexicon"):  # Pocket has none
        family.lexicon = spec["lexicon"]
    if kind == "pocket":
        family.voice_embedding_cache_capacity = int(spec.get("cache_capacity", 16))
    model = so.OfflineTtsModelConfig()
    setattr(model, kind, family)
    model.num_threads = int(spec["num_threads"])
    model.provider = spec.get("provider", "cpu")
    model.debug = False
    config = so.OfflineTtsConfig()
    config.model = model
    config.rule_fsts = spec.get("rule_fsts", "")
    config.max_num_sentences = 1
    return config


def generation_config(fields: dict[str, Any]):
    so = import_sherpa()
    gc = so.GenerationConfig()
    for key, value in fields.items():
        if key == "extra":
            value = {str(k): str(v) for k, v in value.items()}
        setattr(gc, key, value)
    return gc


def _is_sherpa_line(line: str) -> bool:
    return "sherpa-onnx/csrc" in line or line.startswith("/project/")


def _reason(lines: list[str]) -> str:
    """sherpa's last meaningful log line, without its source-location prefix."""
    for line in reversed(lines):
        text = line.strip()
        if not text:
            continue
        if _is_sherpa_line(text) and " " in text:
            text = text.split(" ", 1)[1]
        return text[:240]
    return ""


@contextmanager
def captured_stderr(lines: list[str]) -> Iterator[None]:
    """Capture fd 2 (C++ logs) into ``lines``; anything ttscli wrote meanwhile is replayed.

    With --debug nothing is captured, so sherpa's own output stays visible.
    """
    if os.environ.get("TTSCLI_DEBUG", "") not in ("", "0"):
        yield
        return
    with _stderr_lock:
        try:
            sys.stderr.flush()
        except (OSError, ValueError):
            pass
        saved = os.dup(2)
        with tempfile.TemporaryFile() as tmp:
            os.dup2(tmp.fileno(), 2)
            try:
                yield
            finally:
                os.dup2(saved, 2)
                os.close(saved)
                tmp.seek(0)
                text = tmp.read().decode("utf-8", "replace")
        in_sherpa = False  # sherpa's messages can continue on unprefixed lines
        for line in text.splitlines():
            in_sherpa = in_sherpa or _is_sherpa_line(line)
            if in_sherpa:
                lines.append(line)
                log.debug("sherpa-onnx: %s", line)
            elif line.strip():
                try:
                    sys.stderr.write(line + "\n")
                except (OSError, ValueError):
                    pass


# --- the probe -------------------------------------------------------------------------------------

def _fingerprint(spec: dict[str, Any]) -> str:
    stats = {}
    for path in sorted(set(spec["files"].values()) | set(filter(None, spec.get("lexicon", "").split(",")))):
        try:
            st = os.stat(path)
            stats[path] = [st.st_size, st.st_mtime_ns]
        except OSError:
            stats[path] = None
    blob = json.dumps({"v": PROBE_VERSION, "sherpa": sherpa_version(), "spec": spec, "files": stats},
                      sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:24]


def _probe_script() -> str:
    package_parent = str(Path(__file__).resolve().parents[2])
    return ("import sys; sys.path.insert(0, %r); "
            "from ttscli.families.sherpa.engine import probe_main; probe_main()" % package_parent)


def probe_main() -> None:
    """Child side of the probe: build, validate, construct, generate a little; report as JSON."""
    def phase(name: str) -> None:  # tells the parent which step died, if one does
        sys.stdout.write(json.dumps({"phase": name}) + "\n")
        sys.stdout.flush()

    request = json.loads(sys.stdin.read())
    phase("load")
    config = build_config(request["spec"])
    if not config.validate():
        sys.exit(3)
    so = import_sherpa()
    tts = so.OfflineTts(config)
    result = {"sample_rate": tts.sample_rate, "num_speakers": tts.num_speakers, "samples": None}
    if request.get("trial") is not None:
        phase("run")
        trial = request["trial"]
        audio = tts.generate(trial.get("text", ""), generation_config(trial["fields"]), lambda s, p: 1)
        result["samples"] = len(audio.samples)
        result["sample_rate_out"] = audio.sample_rate
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()
    os._exit(0)  # skip C++ destructors: nothing to flush, and some are slow


def probe(spec: dict[str, Any], trial: dict[str, Any] | None, what: str) -> dict[str, Any]:
    """Build the engine for ``spec`` in a child process (cached); raise a one-line error if it fails."""
    from ...locking import hold

    directory = paths.cache_dir() / "sherpa" / "probes"
    key = _fingerprint(spec)
    verdict = directory / f"{key}.json"
    if verdict.is_file():
        try:
            return json.loads(verdict.read_text())
        except (OSError, ValueError):
            pass
    paths.ensure_dir(directory, "cache")
    with hold(directory / f".{key}.lock", what=f"the sherpa-onnx check of {what}"):
        if verdict.is_file():
            return json.loads(verdict.read_text())
        request = json.dumps({"spec": spec, "trial": trial})
        log.debug("probing %s in a child process", what)
        try:
            proc = subprocess.run([sys.executable, "-c", _probe_script()], input=request.encode(),
                                  capture_output=True, timeout=_PROBE_TIMEOUT)
        except subprocess.TimeoutExpired as exc:
            raise RuntimeFailure(f"sherpa-onnx did not finish loading {what} within {_PROBE_TIMEOUT:.0f} s") from exc
        err_lines = proc.stderr.decode("utf-8", "replace").splitlines()
        for line in err_lines:
            log.debug("probe: %s", line)
        try:
            answers = [json.loads(line) for line in proc.stdout.decode().splitlines() if line.strip()]
        except ValueError:
            answers = []
        if proc.returncode != 0:
            step = next((a["phase"] for a in reversed(answers) if "phase" in a), "load")
            reason = _reason(err_lines) or "no reason given"
            if proc.returncode < 0:
                reason = f"crashed with signal {-proc.returncode}: {reason}"
            raise RuntimeFailure(f"sherpa-onnx cannot {step} {what}: {reason}",
                                 hint="the model package is incomplete or not for this sherpa-onnx version; "
                                      "download it again (rerun with --debug for sherpa's log)")
        result = next((a for a in reversed(answers) if "sample_rate" in a), None)
        if result is None:
            raise RuntimeFailure(f"sherpa-onnx check of {what} gave no answer")
        if result.get("samples") == 0:
            raise RuntimeFailure(f"sherpa-onnx loads {what} but makes no audio: {_reason(err_lines) or 'no reason given'}",
                                 hint="the model's tokens.txt or metadata do not match it; download it again")
        atomic_write(verdict, json.dumps(result))
        return result


# --- the in-process engine ------------------------------------------------------------------------

class SherpaEngine:
    """One OfflineTts; one generate at a time (sherpa does not promise thread safety)."""

    def __init__(self, spec: dict[str, Any], what: str):
        so = import_sherpa()
        self.what = what
        config = build_config(spec)
        lines: list[str] = []
        with captured_stderr(lines):
            ok = config.validate()
        if not ok:
            raise RuntimeFailure(f"sherpa-onnx rejects the configuration of {what}: {_reason(lines) or 'invalid'}")
        try:
            with captured_stderr(lines):
                self.tts = so.OfflineTts(config)
        except (RuntimeError, ValueError) as exc:
            raise RuntimeFailure(f"sherpa-onnx cannot load {what}: {str(exc).splitlines()[0][:200]}",
                                 hint="download the model again") from exc
        self.sample_rate = int(self.tts.sample_rate)
        self.num_speakers = int(self.tts.num_speakers)
        self._busy = threading.Lock()

    def generate(self, text: str, fields: dict[str, Any]) -> Iterator[np.ndarray]:
        """Yield float32 chunks as sherpa produces them; stop sherpa when closed early."""
        gc = generation_config(fields)
        chunks: queue.Queue = queue.Queue(maxsize=4)
        stop = threading.Event()

        def put(item) -> bool:
            while not stop.is_set():
                try:
                    chunks.put(item, timeout=0.1)
                    return True
                except queue.Full:
                    continue
            return False

        def callback(samples, progress) -> int:
            if stop.is_set() or not put(("chunk", np.asarray(samples, dtype=np.float32))):
                return 0
            return 0 if stop.is_set() else 1

        lines: list[str] = []

        def work() -> None:
            try:
                with captured_stderr(lines):
                    audio = self.tts.generate(text, gc, callback)
                put(("done", audio.sample_rate))
            except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
                put(("error", exc))

        with self._busy:
            worker = threading.Thread(target=work, name="sherpa-generate", daemon=True)
            worker.start()
            produced = 0
            try:
                while True:
                    try:
                        kind, item = chunks.get(timeout=0.25)
                    except queue.Empty:
                        if not worker.is_alive() and chunks.empty():
                            raise RuntimeFailure(f"sherpa-onnx stopped without a result for {self.what}")
                        continue
                    if kind == "chunk":
                        if item.size:
                            produced += item.size
                            yield item
                    elif kind == "error":
                        raise RuntimeFailure(f"{self.what} failed in sherpa-onnx: {item}") from item
                    else:
                        if produced == 0:
                            raise RuntimeFailure(
                                f"sherpa-onnx produced no audio with {self.what}: {_reason(lines) or 'no reason given'}",
                                hint="rerun with --debug to see sherpa-onnx's log")
                        return
            finally:
                stop.set()
                worker.join()
