"""Model lifecycle: load on first use, keep warm, unload when idle, LRU within a memory budget.

One :class:`Slot` per model id holds up to ``parallel`` loaded instances (each an
``engine.Loaded``); requests for the model wait on the slot's semaphore, at most
``queue`` of them. A model idle for longer than its keep-alive is unloaded by the
reaper; before a new model is loaded, idle models leave least recently used
first until the estimate fits the memory budget. Everything here runs on the
event loop; loading and voice resolution run in threads.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .errors import busy

log = logging.getLogger("ttscli.server")


def rss_bytes() -> int:
    """Resident memory of this process (Linux /proc; elsewhere the peak from getrusage)."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        import resource
        import sys

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak if sys.platform == "darwin" else peak * 1024


@dataclass
class Instance:
    loaded: Any  # engine.Loaded
    voices: dict[str | None, Any] = field(default_factory=dict)  # resolved voices by name
    busy: bool = False


@dataclass
class Slot:
    model_id: str
    parallel: int
    instances: list[Instance] = field(default_factory=list)
    waiting: int = 0
    last_used: float = 0.0
    keep_alive: float = 300.0
    memory: int = 0  # bytes measured when its instances loaded
    state: str = "unloaded"
    loads: int = 0
    requests: int = 0
    cancelled: int = 0
    sem: asyncio.Semaphore | None = None

    def __post_init__(self) -> None:
        self.sem = asyncio.Semaphore(self.parallel)

    @property
    def active(self) -> int:
        return sum(1 for i in self.instances if i.busy)

    def expires(self) -> float | None:
        if not self.instances or self.active or self.keep_alive < 0:
            return None
        return self.last_used + self.keep_alive

    def as_dict(self) -> dict[str, Any]:
        until = self.expires()
        return {"model": self.model_id, "state": self.state, "instances": len(self.instances),
                "busy": self.active, "queued": self.waiting, "memory_bytes": self.memory,
                "last_used": self.last_used or None, "keep_alive": self.keep_alive, "expires_at": until,
                "loads": self.loads, "requests": self.requests, "cancelled": self.cancelled}


class Pool:
    def __init__(self, *, parallel: int = 1, queue: int = 16, keep_alive: float = 300.0,
                 budget: int | None = None, load: Callable | None = None, pick_voice: Callable | None = None):
        from .. import engine

        self.parallel = parallel
        self.queue = queue
        self.keep_alive = keep_alive
        self.budget = budget
        self.slots: dict[str, Slot] = {}
        self._load = load or engine.load
        self._pick_voice = pick_voice  # (backend, requested name) -> name the backend knows
        self._load_lock = asyncio.Lock()

    # ---- resolution (in a thread: reads the store and the model's config)
    @staticmethod
    def model_id(model: str | None, voice: str | None) -> tuple[str, int]:
        """(canonical model id, size on disk) of the model a request names, or the default one."""
        from ..selection import select

        ref = select(model, voice).ref
        size = ref.info.get("size_bytes") or 0
        if not size and ref.path is not None and os.path.isdir(ref.path):
            size = sum(e.stat().st_size for e in os.scandir(ref.path) if e.is_file())
        return ref.id, int(size)

    def _slot(self, model_id: str) -> Slot:
        slot = self.slots.get(model_id)
        if slot is None:
            slot = self.slots[model_id] = Slot(model_id, self.parallel, keep_alive=self.keep_alive)
        return slot

    # ---- acquire / release
    async def acquire(self, model: str | None, voice: str | None,
                      map_voice: bool = True) -> tuple[Slot, Instance, str | None, Any]:
        """Wait for a free instance of the model (loading it if needed);
        (slot, instance, the voice's name for the model, the resolved voice)."""
        model_id, size = await asyncio.to_thread(self.model_id, model, voice)
        slot = self._slot(model_id)
        if slot.sem.locked() and slot.waiting >= self.queue:
            raise busy(f"{slot.waiting} requests already wait for {model_id}", retry_after=self._retry_after(slot))
        slot.waiting += 1
        try:
            await slot.sem.acquire()
        finally:
            slot.waiting -= 1
        try:
            instance = next((i for i in slot.instances if not i.busy), None)
            if instance is None:
                instance = await self._new_instance(slot, size)
            instance.busy = True
            try:
                name, resolved = await asyncio.to_thread(self._voice, instance, voice, map_voice)
            except BaseException:
                instance.busy = False
                raise
        except BaseException:
            slot.sem.release()
            raise
        slot.requests += 1
        slot.last_used = time.time()
        return slot, instance, name, resolved

    def release(self, slot: Slot, instance: Instance, keep_alive: float | None = None) -> None:
        instance.busy = False
        slot.last_used = time.time()
        if keep_alive is not None:
            slot.keep_alive = keep_alive
        slot.sem.release()
        if slot.keep_alive == 0 and not slot.active and not slot.waiting:
            self._unload(slot)

    def _retry_after(self, slot: Slot) -> int:
        return max(1, min(60, slot.waiting // max(1, len(slot.instances) or 1)))

    # ---- loading
    async def _new_instance(self, slot: Slot, size: int) -> Instance:
        async with self._load_lock:
            estimate = (slot.memory // max(1, len(slot.instances))) if slot.memory else int(size * 1.5)
            self._make_room(slot, estimate)
            slot.state = "loading"
            before = rss_bytes()
            try:
                loaded = await asyncio.to_thread(self._load, slot.model_id, None)  # voices: see _voice
            except BaseException:
                slot.state = "loaded" if slot.instances else "unloaded"
                raise
            instance = Instance(loaded, {None: loaded.voice})
            slot.instances.append(instance)
            slot.memory += max(0, rss_bytes() - before)
            slot.loads += 1
            slot.state = "loaded"
            log.info("loaded %s in %.2fs (instance %d)", slot.model_id, loaded.load_seconds, len(slot.instances))
            return instance

    def used(self) -> int:
        return sum(s.memory for s in self.slots.values() if s.instances)

    def _make_room(self, wanted: Slot, estimate: int) -> None:
        """Unload idle models, least recently used first, until ``estimate`` more bytes fit."""
        if not self.budget:
            return
        idle = sorted((s for s in self.slots.values() if s is not wanted and s.instances and not s.active
                       and not s.waiting), key=lambda s: s.last_used)
        while self.used() + estimate > self.budget and idle:
            self._unload(idle.pop(0), reason="memory budget")
        if self.used() + estimate > self.budget and self.used() > 0:
            raise busy(f"loading {wanted.model_id} would exceed the memory budget while other models are busy",
                       retry_after=5, status=503)

    def _voice(self, instance: Instance, name: str | None, map_voice: bool = True) -> tuple[str | None, Any]:
        backend = instance.loaded.backend
        if map_voice and self._pick_voice is not None:
            name = self._pick_voice(backend, name)
        if name not in instance.voices:
            instance.voices[name] = resolve_voice(backend, name)
        return name, instance.voices[name]

    # ---- unloading
    def _unload(self, slot: Slot, reason: str = "idle") -> None:
        for instance in slot.instances:
            try:
                instance.loaded.backend.close()
            except Exception as exc:  # noqa: BLE001 - a failing close must not keep the model
                log.warning("closing %s failed: %s", slot.model_id, exc)
        slot.instances.clear()
        slot.memory = 0
        slot.state = "unloaded"
        gc.collect()
        log.info("unloaded %s (%s)", slot.model_id, reason)

    def reap(self, now: float | None = None) -> None:
        now = time.time() if now is None else now
        for slot in list(self.slots.values()):
            until = slot.expires()
            if until is not None and now >= until and not slot.waiting:
                self._unload(slot)

    async def reaper(self, every: float = 0.5) -> None:
        while True:
            await asyncio.sleep(every)
            self.reap()

    def close(self) -> None:
        for slot in self.slots.values():
            if slot.instances:
                self._unload(slot, reason="shutdown")

    def status(self) -> dict[str, Any]:
        return {"models": [s.as_dict() for s in self.slots.values()], "memory_budget_bytes": self.budget,
                "models_memory_bytes": self.used(), "rss_bytes": rss_bytes(), "parallel": self.parallel,
                "queue": self.queue, "keep_alive": self.keep_alive}


def resolve_voice(backend, name: str | None) -> Any:
    """What ``backend.stream`` takes for ``name``: a stored voice (clone, blend) or the model's own."""
    from .. import engine

    return engine.voice_for(backend, name)
