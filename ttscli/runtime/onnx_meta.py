"""Read an ONNX file's metadata and graph signature without loading the model.

sherpa-onnx ends the whole process (``exit(-1)``) when a required metadata key
is missing, and onnx.load parses every weight of a 300 MB file just to show a
few strings. This module walks the protobuf wire format instead: it reads the
top-level ``metadata_props`` and the names of the graph's inputs, outputs and
initializers, and seeks over everything else (node lists, weight bytes), so it
costs a few milliseconds for any file size and never executes anything.

Field numbers come from onnx.proto: ModelProto.graph = 7, .metadata_props = 14;
GraphProto.initializer = 5, .input = 11, .output = 12; ValueInfoProto.name = 1;
TensorProto.name = 8; StringStringEntryProto key = 1, value = 2.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Iterator

from ..errors import IntegrityError, NotFound

_MODEL_GRAPH, _MODEL_META = 7, 14
_GRAPH_INIT, _GRAPH_INPUT, _GRAPH_OUTPUT = 5, 11, 12
_MAX_STRING = 16 * 1024 * 1024


class _Malformed(ValueError):
    pass


@dataclass
class OnnxSignature:
    metadata: dict[str, str] = field(default_factory=dict)
    inputs: list[str] = field(default_factory=list)  # graph inputs that are not initializers
    outputs: list[str] = field(default_factory=list)


def _varint(fh: BinaryIO) -> int:
    result = shift = 0
    while True:
        byte = fh.read(1)
        if not byte:
            raise _Malformed("unexpected end of file")
        result |= (byte[0] & 0x7F) << shift
        if not byte[0] & 0x80:
            return result
        shift += 7
        if shift > 63:
            raise _Malformed("varint too long")


def _fields(fh: BinaryIO, end: int) -> Iterator[tuple[int, int, int]]:
    """Yield (field number, wire type, payload length or value) up to ``end``.

    For length-delimited fields the caller either reads the payload or lets the
    loop seek past it; the position after each yield is the payload start.
    """
    while fh.tell() < end:
        tag = _varint(fh)
        number, wire = tag >> 3, tag & 7
        if number == 0:
            raise _Malformed("field number 0")
        if wire == 0:
            yield number, wire, _varint(fh)
        elif wire == 1:
            fh.seek(8, 1)
        elif wire == 5:
            fh.seek(4, 1)
        elif wire == 2:
            length = _varint(fh)
            start = fh.tell()
            if start + length > end:
                raise _Malformed("field runs past its message")
            yield number, wire, length
            fh.seek(start + length)
        else:
            raise _Malformed(f"unsupported wire type {wire}")


def _string_fields(fh: BinaryIO, length: int, wanted: tuple[int, ...]) -> dict[int, str]:
    out: dict[int, str] = {}
    for number, wire, size in _fields(fh, fh.tell() + length):
        if wire == 2 and number in wanted:
            if size > _MAX_STRING:
                raise _Malformed("string too long")
            out[number] = fh.read(size).decode("utf-8", errors="replace")
    return out


def read_signature(path: Path) -> OnnxSignature:
    """Metadata and graph input/output names of the ONNX file at ``path``."""
    sig = OnnxSignature()
    inputs: list[str] = []
    initializers: set[str] = set()
    try:
        with open(path, "rb") as fh:
            size = fh.seek(0, 2)
            fh.seek(0)
            if size == 0:
                raise _Malformed("empty file")
            for number, wire, length in _fields(fh, size):
                if wire != 2:
                    continue
                if number == _MODEL_META:
                    entry = _string_fields(fh, length, (1, 2))
                    sig.metadata[entry.get(1, "")] = entry.get(2, "")
                elif number == _MODEL_GRAPH:
                    for g_number, g_wire, g_len in _fields(fh, fh.tell() + length):
                        if g_wire != 2:
                            continue
                        if g_number in (_GRAPH_INPUT, _GRAPH_OUTPUT):
                            name = _string_fields(fh, g_len, (1,)).get(1, "")
                            (inputs if g_number == _GRAPH_INPUT else sig.outputs).append(name)
                        elif g_number == _GRAPH_INIT:
                            initializers.add(_string_fields(fh, g_len, (8,)).get(8, ""))
    except FileNotFoundError as exc:
        raise NotFound(f"model file {path} does not exist") from exc
    except OSError as exc:
        raise IntegrityError(f"cannot read model file {path.name}: {exc.strerror or exc}") from exc
    except _Malformed as exc:
        raise IntegrityError(f"model file {path.name} is not a valid ONNX file ({exc})",
                             hint="remove it and download the model again") from exc
    if not sig.outputs:
        raise IntegrityError(f"model file {path.name} is not a valid ONNX file (no graph outputs)",
                             hint="remove it and download the model again")
    sig.inputs = [name for name in inputs if name not in initializers]
    return sig


def read_metadata(path: Path) -> dict[str, str]:
    return read_signature(path).metadata
