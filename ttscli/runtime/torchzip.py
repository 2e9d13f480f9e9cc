"""Read one integer tensor from a PyTorch ``.pt`` file without unpickling anything.

A ``torch.save`` file is a zip archive: ``<prefix>/data.pkl`` describes the
tensor (a pickle that calls ``torch._utils._rebuild_tensor_v2``) and
``<prefix>/data/<key>`` holds the raw storage bytes. Unpickling runs arbitrary
code, so we never do it: :func:`read_tensor` walks the pickle's opcodes with
:mod:`pickletools` (a parser, it executes nothing), accepts only the few
globals a plain tensor needs, and reads the storage with NumPy.

Some families ship reference voices this way (a 1-D integer tensor of codec codes).
"""

from __future__ import annotations

import pickletools
import zipfile
from pathlib import Path

import numpy as np

from ..errors import IntegrityError

_STORAGES = {
    "IntStorage": "<i4", "LongStorage": "<i8", "ShortStorage": "<i2", "CharStorage": "i1", "ByteStorage": "u1",
    "FloatStorage": "<f4", "DoubleStorage": "<f8", "HalfStorage": "<f2",
}
_ALLOWED = {"torch._utils _rebuild_tensor_v2", "collections OrderedDict"} | {f"torch {s}" for s in _STORAGES}
_MARK = object()


def _bad(path: Path, why: str) -> IntegrityError:
    return IntegrityError(f"{path.name} is not a plain tensor file ({why})", hint="remove it or export the codes again")


def _contiguous(shape: tuple[int, ...]) -> tuple[int, ...]:
    strides, step = [], 1
    for size in reversed(shape):
        strides.append(step)
        step *= max(int(size), 1)
    return tuple(reversed(strides))


_SKIP = ("PROTO", "FRAME", "STOP")
_PUSH_ARG = ("BININT", "BININT1", "BININT2", "LONG1", "BINUNICODE", "SHORT_BINUNICODE", "BINSTRING",
             "SHORT_BINSTRING")
_LITERALS = {"NEWFALSE": False, "NEWTRUE": True, "NONE": None, "EMPTY_TUPLE": ()}


class _Reader:
    """Runs the few pickle opcodes a one-tensor torch file uses, on plain Python values."""

    def __init__(self, path: Path):
        self.path = path
        self.stack: list = []
        self.memo: dict = {}
        self.result = None
        self.handlers = {"GLOBAL": self._global, "BINPUT": self._put, "LONG_BINPUT": self._put,
                         "MEMOIZE": self._put, "BINGET": self._get, "LONG_BINGET": self._get,
                         "MARK": self._mark, "TUPLE1": self._tuple_n, "TUPLE2": self._tuple_n,
                         "TUPLE3": self._tuple_n, "TUPLE": self._tuple, "BINPERSID": self._persid,
                         "REDUCE": self._reduce}

    def run(self, name: str, arg) -> None:
        if name in _SKIP:
            return
        if name in _PUSH_ARG:
            self.stack.append(arg)
        elif name in _LITERALS:
            self.stack.append(_LITERALS[name])
        elif name in self.handlers:
            self.handlers[name](name, arg)
        else:
            raise _bad(self.path, f"unsupported pickle opcode {name}")

    def _global(self, name, arg) -> None:
        if arg not in _ALLOWED:
            raise _bad(self.path, f"it refers to {arg}")
        self.stack.append(("global", arg))

    def _put(self, name, arg) -> None:
        self.memo[arg if name != "MEMOIZE" else len(self.memo)] = self.stack[-1]

    def _get(self, name, arg) -> None:
        self.stack.append(self.memo[arg])

    def _mark(self, name, arg) -> None:
        self.stack.append(_MARK)

    def _tuple_n(self, name, arg) -> None:
        n = int(name[-1])
        items = tuple(self.stack[-n:])
        del self.stack[-n:]
        self.stack.append(items)

    def _tuple(self, name, arg) -> None:
        i = len(self.stack) - 1 - self.stack[::-1].index(_MARK)
        items = tuple(self.stack[i + 1 :])
        del self.stack[i:]
        self.stack.append(items)

    def _persid(self, name, arg) -> None:
        pid = self.stack.pop()
        if not (isinstance(pid, tuple) and len(pid) == 5 and pid[0] == "storage"):
            raise _bad(self.path, "unexpected storage reference")
        self.stack.append(("storage", pid[1][1].split(" ", 1)[1], str(pid[2])))

    def _reduce(self, name, arg) -> None:
        args, func = self.stack.pop(), self.stack.pop()
        if func == ("global", "collections OrderedDict"):
            self.stack.append({})
        elif func == ("global", "torch._utils _rebuild_tensor_v2"):
            self._rebuild(*args[:4])
            self.stack.append(("tensor",))
        else:
            raise _bad(self.path, "unexpected call")

    def _rebuild(self, storage, offset, shape, stride) -> None:
        if not (isinstance(storage, tuple) and storage[0] == "storage"):
            raise _bad(self.path, "tensor without storage")
        if tuple(stride) != _contiguous(tuple(shape)):
            raise _bad(self.path, f"non-contiguous strides {stride}")
        self.result = (_STORAGES[storage[1]], storage[2], tuple(int(s) for s in shape), int(offset))


def _describe(pkl: bytes, path: Path) -> tuple[str, str, tuple[int, ...], int]:
    """(storage dtype, storage key, shape, offset) from the pickle's opcodes, or IntegrityError."""
    try:
        ops = list(pickletools.genops(pkl))
    except Exception as exc:  # noqa: BLE001 - malformed pickle
        raise _bad(path, f"unreadable description: {exc}") from exc
    reader = _Reader(path)
    for op, arg, _pos in ops:
        reader.run(op.name, arg)
    if reader.result is None:
        raise _bad(path, "no tensor found")
    return reader.result


def read_tensor(path: Path) -> np.ndarray:
    """The tensor saved in ``path`` as a NumPy array (a copy)."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            pkl_name = next((n for n in names if n.endswith("/data.pkl") or n == "data.pkl"), None)
            if pkl_name is None:
                raise _bad(path, "no data.pkl in the archive")
            prefix = pkl_name[: -len("data.pkl")]
            dtype, key, shape, offset = _describe(archive.read(pkl_name), path)
            order = archive.read(prefix + "byteorder").strip() if prefix + "byteorder" in names else b"little"
            if order == b"big":
                dtype = dtype.replace("<", ">")
            raw = archive.read(f"{prefix}data/{key}")
    except (zipfile.BadZipFile, KeyError, OSError) as exc:
        raise _bad(path, f"{type(exc).__name__}: {exc}") from exc
    storage = np.frombuffer(raw, dtype=dtype)
    count = int(np.prod(shape)) if shape else 1
    if offset < 0 or offset + count > storage.size:
        raise _bad(path, f"shape {shape} does not fit its {storage.size}-element storage")
    return storage[offset : offset + count].reshape(shape).astype(dtype.replace(">", "<"))
