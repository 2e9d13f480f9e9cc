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


def _describe(pkl: bytes, path: Path) -> tuple[str, str, tuple[int, ...], int]:
    """(storage dtype, storage key, shape, offset) from the pickle's opcodes, or IntegrityError."""
    stack: list = []
    memo: dict = {}
    result = None
    try:
        ops = list(pickletools.genops(pkl))
    except Exception as exc:  # noqa: BLE001 - malformed pickle
        raise _bad(path, f"unreadable description: {exc}") from exc
    for op, arg, _pos in ops:
        name = op.name
        if name in ("PROTO", "FRAME", "STOP"):
            continue
        if name == "GLOBAL":
            if arg not in _ALLOWED:
                raise _bad(path, f"it refers to {arg}")
            stack.append(("global", arg))
        elif name in ("BINPUT", "LONG_BINPUT", "MEMOIZE"):
            memo[arg if name != "MEMOIZE" else len(memo)] = stack[-1]
        elif name in ("BINGET", "LONG_BINGET"):
            stack.append(memo[arg])
        elif name == "MARK":
            stack.append(_MARK)
        elif name in ("BININT", "BININT1", "BININT2", "LONG1", "BINUNICODE", "SHORT_BINUNICODE", "BINSTRING",
                      "SHORT_BINSTRING"):
            stack.append(arg)
        elif name in ("NEWFALSE", "NEWTRUE", "NONE"):
            stack.append({"NEWFALSE": False, "NEWTRUE": True, "NONE": None}[name])
        elif name == "EMPTY_TUPLE":
            stack.append(())
        elif name in ("TUPLE1", "TUPLE2", "TUPLE3"):
            n = int(name[-1])
            items = tuple(stack[-n:])
            del stack[-n:]
            stack.append(items)
        elif name == "TUPLE":
            i = len(stack) - 1 - stack[::-1].index(_MARK)
            items = tuple(stack[i + 1 :])
            del stack[i:]
            stack.append(items)
        elif name == "BINPERSID":
            pid = stack.pop()
            if not (isinstance(pid, tuple) and len(pid) == 5 and pid[0] == "storage"):
                raise _bad(path, "unexpected storage reference")
            stack.append(("storage", pid[1][1].split(" ", 1)[1], str(pid[2])))
        elif name == "REDUCE":
            args, func = stack.pop(), stack.pop()
            if func == ("global", "collections OrderedDict"):
                stack.append({})
            elif func == ("global", "torch._utils _rebuild_tensor_v2"):
                storage, offset, shape, stride = args[0], args[1], args[2], args[3]
                if not (isinstance(storage, tuple) and storage[0] == "storage"):
                    raise _bad(path, "tensor without storage")
                if tuple(stride) != _contiguous(tuple(shape)):
                    raise _bad(path, f"non-contiguous strides {stride}")
                result = (_STORAGES[storage[1]], storage[2], tuple(int(s) for s in shape), int(offset))
                stack.append(("tensor",))
            else:
                raise _bad(path, "unexpected call")
        else:
            raise _bad(path, f"unsupported pickle opcode {name}")
    if result is None:
        raise _bad(path, "no tensor found")
    return result


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
