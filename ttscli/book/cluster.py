"""`batch --cluster`: chunks synthesized by Ray actors, written by the driver.

The driver keeps what a local run has: the manifest, the content-addressed
chunk store and the resume logic (ttscli.book.job). Only chunk text goes out
and int16 samples come back, through Ray's object store; the driver writes each
chunk into the store as soon as it arrives, so its memory stays flat whatever
the book's length, and a driver killed with -9 resumes from what is on disk.

Scheduling: every pending chunk of every book is one queue, longest first, with
at most ``IN_FLIGHT_PER_ACTOR`` tasks per actor (back-pressure). An actor that
dies (its process or its whole node lost) has its tasks put back on the queue;
new actors are started where the cluster has room again.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path
from typing import Callable, Iterable, Iterator

from ..errors import RuntimeFailure, UsageError
from .chunks import Chunk, Voice

log = logging.getLogger(__name__)
IN_FLIGHT_PER_ACTOR = 2
LOCAL = "ray"
GPU_SHARE_ENV = "TTSCLI_RAY_ACTORS_PER_GPU"


def check_address(value: str | None) -> str | None:
    """``ray`` (a local Ray started here), ``auto``, ``ray://HOST:PORT`` or ``HOST:PORT``."""
    if value is None:
        return None
    value = value.strip()
    if value in (LOCAL, "auto") or value.startswith("ray://"):
        return value
    host, _, port = value.rpartition(":")
    if host and port.isdigit():
        return value
    raise UsageError(f"--cluster {value!r} is not a Ray address",
                     hint="use ray (local), auto, ray://HOST:PORT or HOST:PORT")


def _import_ray():
    try:
        import ray
    except ImportError:
        from ..optional import install_command

        raise UsageError("--cluster needs Ray, which is not installed", hint=install_command("ray")) from None
    return ray


LOOPBACK = "127.0.0.1"


def local_only() -> None:
    """Settings Ray reads at import for a local instance: its own auth token, and a node address on
    loopback. Ray turns a node address of 127.0.0.1 into the machine's network address (so that other
    nodes could reach it) unless it is told the node stays alone
    (``RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0``, the default on macOS and Windows); then GCS, raylet,
    object manager and workers are started with ``--node-ip-address=127.0.0.1`` and listen there only."""
    if "RAY_AUTH_MODE" not in os.environ:
        import secrets

        os.environ.update(RAY_AUTH_MODE="token", RAY_AUTH_TOKEN=secrets.token_hex(32))
    os.environ["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"] = "0"


def connect(address: str, env: dict):
    """ray.init for ``address``; a local Ray binds loopback, has no dashboard and its own auth token."""
    if address == LOCAL:
        local_only()
    ray = _import_ray()
    runtime_env = {"env_vars": env}
    common = dict(include_dashboard=False, log_to_driver=False, logging_level=logging.ERROR,
                  runtime_env=runtime_env, configure_logging=False)
    try:
        if address == LOCAL:
            from ..runtime.hardware import this_machine


            ray.init(num_cpus=this_machine(()).usable_cores, _node_ip_address=LOOPBACK, **common)
        else:
            ray.init(address=address, **common)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise RuntimeFailure(f"cannot reach the Ray cluster at {address}: {str(exc).splitlines()[0]}",
                             hint="start it with `ray start --head`, or use --cluster ray for a local one") \
            from None
    return ray


def _forwarded_env() -> dict:
    return {k: v for k, v in os.environ.items() if k.startswith(("TTSCLI_", "HF_"))}


def cluster_report(address: str) -> dict:
    """Nodes and resources of a cluster (for `doctor --cluster`)."""
    ray = connect(address, _forwarded_env())
    try:
        nodes = [n for n in ray.nodes() if n.get("Alive")]
        return {"address": address, "nodes": [
            {"id": n["NodeID"][:12], "address": n.get("NodeManagerAddress"),
             "cpus": n["Resources"].get("CPU", 0), "gpus": n["Resources"].get("GPU", 0),
             "memory_gb": round(n["Resources"].get("memory", 0) / 2**30, 1)} for n in nodes]}
    finally:
        ray.shutdown()


def _length(task: tuple[Chunk, str]) -> int:
    """Characters of text in a task's chunk (the queue runs the longest first)."""
    return sum(len(segment[0]) for segment in task[0].segments)


class RaySynthesizer:
    """The Synthesizer interface of ttscli.book.workers, on Ray actors."""

    def __init__(self, voice: Voice, address: str, emit: Callable[..., None] | None = None,
                 timings: str | None = None) -> None:
        self.voice = voice
        self.timings = timings  # book.subtitles mode: actors time each chunk's words
        self.address = address
        self.emit = emit or (lambda *a, **k: None)
        asked = os.environ.get("TTSCLI_THREADS", "").strip()
        self.threads = int(asked) if asked.isdigit() and int(asked) > 0 else 1
        self._ray = None
        self._actors: list = []
        self._queue: list[tuple[Chunk, str]] = []
        self._queued: set[str] = set()  # keys queued or in flight
        self._inflight: dict = {}  # ObjectRef -> (actor, (chunk, path))
        self._done: dict[str, tuple[str, int, int, float]] = {}
        self.lost_actors = 0
        self.synthesized = 0

    # --- set-up
    def _start(self) -> None:
        if self._ray is not None:
            return
        self._ray = connect(self.address, _forwarded_env())
        self._actor_class = None
        self._spawn()
        if not self._actors:
            self.close()
            raise RuntimeFailure(f"the Ray cluster has no room for a worker with {self.threads} CPU(s)",
                                 hint="add nodes, or lower --threads")

    def _gpu_fraction(self) -> float:
        from ..runtime.planners import plan_for
        from ..runtime.select import choose
        from ..backends import registry
        from ..models import resolve

        try:
            spec = registry.get(resolve.resolve(self.voice.model_id).family)
            plan = plan_for(choose(spec, None))
        except Exception:  # noqa: BLE001 - a plan error is reported when the actor loads
            return 0.0
        if not str(plan.device).startswith("cuda"):
            return 0.0
        per_gpu = os.environ.get(GPU_SHARE_ENV, "2")
        return 1.0 / max(1, int(per_gpu)) if per_gpu.isdigit() else 0.5

    def _spawn(self) -> None:
        """Start as many actors as the cluster's free resources hold (threads CPUs each)."""
        from .ray_actor import remote_class

        ray = self._ray
        if self._actor_class is None:
            self._gpu = self._gpu_fraction()
            self._actor_class = remote_class(ray, self.threads, self._gpu)
        free = ray.available_resources()
        room = int(free.get("CPU", 0) // self.threads)
        if self._gpu:
            room = min(room, int(free.get("GPU", 0) / self._gpu))
        env = _forwarded_env()
        for _ in range(room):
            self._actors.append(self._actor_class.options(scheduling_strategy="SPREAD")
                                .remote(self.voice, self.threads, env))
        nodes = sum(1 for n in ray.nodes() if n.get("Alive"))
        self.emit("cluster", address=self.address, nodes=nodes, actors=len(self._actors),
                  threads_per_actor=self.threads, gpu_per_actor=self._gpu, lost_actors=self.lost_actors)

    @property
    def ahead(self) -> set[str]:
        """Chunks synthesized this run and not yet handed to their book."""
        return set(self._done)

    # --- the queue
    def schedule(self, tasks: Iterable[tuple[Chunk, str]]) -> None:
        """Queue chunks ahead of their turn (all books at once), longest first."""
        fresh = [t for t in tasks if t[0].key not in self._queued]
        self._queued.update(t[0].key for t in fresh)
        self._queue = sorted(self._queue + fresh, key=_length, reverse=True)

    def _submit(self) -> None:
        busy: dict = {}
        for actor, _ in self._inflight.values():
            busy[id(actor)] = busy.get(id(actor), 0) + 1
        for actor in list(self._actors):
            while self._queue and busy.get(id(actor), 0) < IN_FLIGHT_PER_ACTOR:
                task = self._queue.pop(0)
                seed = task[2] if len(task) > 2 else None
                self._inflight[actor.synthesize.remote(task[0], seed, self.timings)] = (actor, task)
                busy[id(actor)] = busy.get(id(actor), 0) + 1

    def _lose(self, actor, exc: BaseException) -> None:
        """An actor died: requeue everything it held and start replacements where there is room."""
        if actor in self._actors:
            self._actors.remove(actor)
            self.lost_actors += 1
            log.warning("a Ray worker was lost (%s); its chunks are retried", type(exc).__name__)
        for ref, (owner, task) in list(self._inflight.items()):
            if owner is actor:
                del self._inflight[ref]
                self._queue.insert(0, task)
        time.sleep(0.2)
        self._spawn()
        if not self._actors:
            raise RuntimeFailure("every Ray worker was lost", hint="check the cluster (ray status), then re-run "
                                 "the same command to resume")

    def _pump(self) -> None:
        from ray.exceptions import ActorDiedError, ActorUnavailableError, RayActorError, WorkerCrashedError

        self._submit()
        if not self._inflight:
            raise RuntimeFailure("no Ray worker is available", hint="check the cluster (ray status)")
        ready, _ = self._ray.wait(list(self._inflight), num_returns=1, timeout=30.0)
        for ref in ready:
            actor, task = self._inflight.pop(ref)
            try:
                key, pcm, rate, seconds, record = self._ray.get(ref)
            except (ActorDiedError, ActorUnavailableError, RayActorError, WorkerCrashedError) as exc:
                self._inflight[ref] = (actor, task)  # requeued by _lose
                self._lose(actor, exc)
                continue
            from .subtitles import save_chunk
            from .workers import write_wav

            write_wav(Path(task[1]), pcm, rate)
            if record is not None:
                save_chunk(Path(task[1]), record)
            self._queued.discard(key)
            self._done[key] = (key, len(pcm), rate, seconds)
            self.synthesized += 1
            self.emit("synthesized", chunks=self.synthesized, queued=len(self._queue),
                      in_flight=len(self._inflight), actors=len(self._actors))

    def run(self, tasks: Iterable[tuple]) -> Iterator[tuple[str, int, int, float]]:
        """Results in the order of ``tasks`` (which may already have been scheduled); a task is
        (chunk, path) or, for a --verify re-take, (chunk, path, seed)."""
        self._start()
        for task in tasks:
            chunk = task[0]
            if len(task) > 2:  # a re-take: goes out now, whatever was done before
                self._done.pop(chunk.key, None)
                self._queued.add(chunk.key)
                self._queue.insert(0, task)
            elif chunk.key not in self._queued and chunk.key not in self._done:  # not scheduled, or a repeat
                self.schedule([task])
            while chunk.key not in self._done:
                self._pump()
            yield self._done.pop(chunk.key)

    def close(self, abort: bool = False) -> None:
        if self._ray is not None:
            for actor in self._actors:
                try:
                    self._ray.kill(actor)
                except Exception:  # noqa: BLE001 - already gone
                    pass
            self._actors = []
            self._ray.shutdown()
            self._ray = None
