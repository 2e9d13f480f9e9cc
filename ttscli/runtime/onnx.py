"""onnxruntime sessions built from a RuntimePlan, with one-line errors for bad files.

:func:`load` returns an :class:`OnnxModel` whose ``run`` takes a seed: graphs that
sample noise are rewritten (see :mod:`.seeded`) so their output depends only on
the inputs and the seed.
"""

from __future__ import annotations

import logging
import threading
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import IntegrityError, RunStopped, RuntimeFailure
from . import blocked as layout
from . import optimized, seeded
from .plan import SHARED_ARENA, RuntimePlan, provider_names

log = logging.getLogger(__name__)

_MAX_NOISE_TRIES = 5
_arena_lock = threading.Lock()
_arena_registered = False


def _corrupt(path: Path, exc: Exception) -> IntegrityError:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return IntegrityError(f"model file {path.name} is corrupt or truncated ({text[:160]})",
                          hint="remove it and pull the model again")


def _options(ort, plan: RuntimePlan, level, save_to: optimized.Saving | None = None, mem_pattern: bool = True):
    opts = ort.SessionOptions()
    if plan.threads:
        opts.intra_op_num_threads = plan.threads
    opts.inter_op_num_threads = 1
    opts.graph_optimization_level = level
    opts.log_severity_level = 2 if log.isEnabledFor(logging.DEBUG) else 3  # ORT's own lines: --debug only
    opts.enable_mem_pattern = mem_pattern
    config = dict(plan.ort_session_config)
    if save_to is not None:
        opts.optimized_model_filepath = str(save_to.atomic.tmp)
        config.update(save_to.session_config())
    for key, value in config.items():
        opts.add_session_config_entry(key, value)
    return opts


def _shared_arena(ort) -> None:
    """Register one CPU arena for the process (once), for the sessions whose plan sets
    ``SHARED_ARENA``: two sessions of one model then draw their working memory from the same
    pool instead of each growing its own (lookahead.Sessions; measured with Kokoro: a 264-word
    text peaked at 617 instead of 734 MiB)."""
    global _arena_registered
    with _arena_lock:
        if not _arena_registered:
            _arena_registered = True  # tried once: without it each session keeps its own arena, as before
            try:
                info = ort.OrtMemoryInfo("Cpu", ort.OrtAllocatorType.ORT_ARENA_ALLOCATOR, 0, ort.OrtMemType.DEFAULT)
                ort.create_and_register_allocator(info, None)
            except Exception as exc:  # noqa: BLE001 - an onnxruntime build without it
                log.debug("no shared CPU arena (%s): each session keeps its own", exc)


def _create(ort, source: Path | bytes, shown: Path, opts, plan: RuntimePlan):
    """A session for ``source``: a model file, or a serialized model (``shown`` names it)."""
    model = source if isinstance(source, bytes) else str(source)
    try:
        with warnings.catch_warnings():  # ORT warns about missing providers; _check_providers says it once
            warnings.simplefilter("ignore")
            return ort.InferenceSession(model, sess_options=opts, providers=list(plan.ort_providers))
    except Exception as exc:  # onnxruntime raises its own Fail/InvalidProtobuf/... classes
        text = str(exc)
        if any(k in text for k in ("Protobuf", "protobuf", "parsing", "Load model", "ModelProto")):
            raise _corrupt(shown, exc) from exc
        raise RuntimeFailure(f"onnxruntime cannot load {shown.name}: {text.splitlines()[0][:200]}") from exc


def _create_saving(ort, path: Path, cached: Path, options, plan: RuntimePlan):
    """A session for ``path`` that saves its optimized copy as ``cached``. The copy is optional:
    if onnxruntime cannot write it (a full disk fails inside the save), the session is made
    again without saving, and only an error that one also gets reaches the caller."""
    saving = optimized.saving(cached)
    if saving is None:
        return _create(ort, path, path, options(None), plan)
    try:
        sess = _create(ort, path, path, options(saving), plan)
    except (IntegrityError, RuntimeFailure) as exc:
        saving.discard()
        log.debug("could not save the optimized copy of %s (%s); running without it", path.name, exc)
        return _create(ort, path, path, options(None), plan)
    except BaseException:
        saving.discard()
        raise
    saving.publish()
    return sess


def session(path: Path, plan: RuntimePlan, data: bytes | None = None, mem_pattern: bool = True,
            layout: bool = False):
    """An InferenceSession for ``path``. CPU sessions run the graph at the EXTENDED
    optimization level and reuse a cached optimized copy (:mod:`.optimized`), so a
    cached and an uncached load run the same fused graph. With ``data`` (a serialized
    model that could not be cached on disk), that model is run and ``path`` names it.
    ``layout``: the graph was prepared for the blocked CPU kernels (:mod:`.blocked`), so
    its CPU session also gets onnxruntime's layout transforms (ORT_ENABLE_ALL); the
    cached copy is per CPU, like every cached copy."""
    from ..errors import import_uninterrupted

    ort = import_uninterrupted("onnxruntime")

    # ORT's own logger would print a second, coloured line for a dropped provider.
    ort.set_default_logger_severity(2 if log.isEnabledFor(logging.DEBUG) else 3)
    if plan.ort_session_config.get(SHARED_ARENA) == "1":
        _shared_arena(ort)
    levels = ort.GraphOptimizationLevel
    cpu_level = levels.ORT_ENABLE_ALL if layout else levels.ORT_ENABLE_EXTENDED
    sess = None
    if data is not None:  # the same optimization level as a file would get, so the same audio
        cpu = optimized.enabled(path, list(plan.ort_providers))
        level = cpu_level if cpu else levels.ORT_ENABLE_ALL
        sess = _create(ort, data, path, _options(ort, plan, level, None, mem_pattern), plan)
    elif optimized.enabled(path, list(plan.ort_providers)):
        cached = optimized.cache_path(path, ort.__version__)
        if cached.exists():
            try:
                sess = _create(ort, cached, path, _options(ort, plan, levels.ORT_DISABLE_ALL, None, mem_pattern), plan)
                optimized.used(cached)
            except (IntegrityError, RuntimeFailure) as exc:
                log.debug("optimized copy %s unusable (%s); rebuilding it", cached.name, exc)
                optimized.discard(cached)
        if sess is None:
            sess = _create_saving(ort, path, cached, lambda saving: _options(ort, plan, cpu_level, saving, mem_pattern),
                                  plan)
    else:
        sess = _create(ort, path, path, _options(ort, plan, levels.ORT_ENABLE_ALL, None, mem_pattern), plan)
    log.debug("onnxruntime %s providers=%s", path.name, sess.get_providers())
    _check_providers(path, plan, sess.get_providers())
    return sess


def _check_providers(path: Path, plan: RuntimePlan, active: list[str]) -> None:
    """"Available" is not "usable": ORT drops a GPU provider whose CUDA/cuDNN libraries fail
    to load and quietly runs on the CPU. Say so (auto) or stop (an explicit --device)."""
    wanted = provider_names(plan.ort_providers)
    dropped = [p for p in wanted if p != "CPUExecutionProvider" and p not in active]
    if not dropped:
        return
    reason = (f"onnxruntime could not start {dropped[0]} for {path.name} (not in this build, or its CUDA/cuDNN "
              f"libraries did not load; active: {', '.join(active)})")
    fix = "run `ttscli --debug doctor` and check that nvidia-smi works and that cuDNN 9 is installed"
    if plan.explicit:
        raise RuntimeFailure(f"--device {plan.requested}: {reason}", hint=fix)
    log.warning("%s, so it runs on the CPU; %s", reason, fix)


class OnnxModel:
    """``mem_pattern=False``: no onnxruntime memory patterns. They pay off for fixed shapes; a
    Piper graph sees a new length on every call, and with two look-ahead runs on one session
    they raised peak RSS (docs/performance.md)."""

    def __init__(self, path: Path, plan: RuntimePlan, *, seeded_noise: bool = True, durations: bool = False,
                 mem_pattern: bool = True):
        self.path = path
        self.mem_pattern = mem_pattern
        self.noise_inputs: list[str] = []
        self.duration_output: int | None = None  # index of the per-token durations in run()'s outputs
        self._exposed: str | None = None
        self.blocked_convs = 0  # 1-D convolutions run as 2-D ones (see .blocked)
        self._running: set = set()  # the RunOptions of the runs in progress (see interrupt)
        self._running_lock = threading.Lock()
        self.session = self._open(plan, seeded_noise or durations, durations)
        exposed = self._exposed
        self.input_names = [i.name for i in self.session.get_inputs() if i.name not in self.noise_inputs]
        outputs = [o.name for o in self.session.get_outputs()]
        self.duration_output = outputs.index(exposed) if exposed in outputs else None
        self.inputs = {i.name: i for i in self.session.get_inputs()}

    def _seeded(self, durations: bool, blocked: bool = False) -> Path | bytes:
        try:
            derived = seeded.seeded_model_path(self.path, durations, blocked)
        except Exception as exc:  # noqa: BLE001 - onnx's DecodeError and friends
            if isinstance(exc, (IntegrityError, RuntimeFailure)):
                raise
            raise _corrupt(self.path, exc) from exc
        self.noise_inputs, self._exposed, self.blocked_convs = derived.noise_inputs, derived.durations, derived.blocked
        return derived.model

    def _open(self, plan: RuntimePlan, rewrite: bool, durations: bool):
        blocked = layout.wanted(list(plan.ort_providers))
        run_path = self._seeded(durations, blocked) if rewrite or blocked else self.path

        def open_session(model: Path | bytes):
            kwargs = {"mem_pattern": self.mem_pattern, "layout": self.blocked_convs > 0}
            if isinstance(model, bytes):  # the rewrite could not be cached on disk
                return session(self.path, plan, data=model, **kwargs)
            return session(model, plan, **kwargs)

        try:
            return open_session(run_path)
        except (IntegrityError, RuntimeFailure) as exc:
            if run_path == self.path or isinstance(run_path, bytes):
                raise
            # The seeded copy is a derived file in the cache: a damaged one is rebuilt, not blamed on the model.
            log.warning("the cached seeded copy of %s was damaged; rebuilding it", self.path.name)
            log.debug("seeded copy unusable: %s", exc.message)
            seeded.discard(self.path, durations, blocked)
            return open_session(self._seeded(durations, blocked))

    def interrupt(self) -> int:
        """Stop the runs in progress on this model now, from any thread (onnxruntime's terminate
        flag, checked between graph nodes): each raises RunStopped. Runs started later are not
        affected. Returns how many were running."""
        with self._running_lock:
            for options in self._running:
                options.terminate = True
            return len(self._running)

    def _run(self, feeds: dict[str, Any]) -> list[np.ndarray]:
        import onnxruntime as ort

        options = ort.RunOptions()
        with self._running_lock:
            self._running.add(options)
        try:
            return self.session.run(None, feeds, options)
        except Exception:
            if options.terminate:
                raise RunStopped(f"{self.path.name}: run stopped") from None
            raise
        finally:
            with self._running_lock:
                self._running.discard(options)

    def run(self, feeds: dict[str, Any], *, seed: int = 0, noise_len: int = 1 << 16) -> list[np.ndarray]:
        if not self.noise_inputs:
            return self._run(feeds)
        length = max(1024, int(noise_len))
        for attempt in range(_MAX_NOISE_TRIES):
            try:
                return self._run({**feeds, **seeded.noise(self.noise_inputs, seed, length)})
            except RunStopped:
                raise
            except Exception as exc:  # noqa: BLE001 - ORT's RuntimeException for a short buffer
                if attempt == _MAX_NOISE_TRIES - 1 or "Reshape" not in str(exc) and "ttscli_seeded" not in str(exc):
                    raise RuntimeFailure(f"{self.path.name} failed to run: {str(exc).splitlines()[0][:200]}") from exc
                length *= 4
                log.debug("noise buffer too small; retrying with %d values", length)
        raise AssertionError("unreachable")


def load(path: Path, plan: RuntimePlan, *, seeded_noise: bool = True, durations: bool = False,
         mem_pattern: bool = True) -> OnnxModel:
    """``durations``: also output the graph's per-token durations (see :mod:`.durations`);
    ``mem_pattern``: see :class:`OnnxModel`."""
    return OnnxModel(path, plan, seeded_noise=seeded_noise, durations=durations, mem_pattern=mem_pattern)

