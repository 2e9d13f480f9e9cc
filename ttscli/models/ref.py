"""A reference to a model that is on disk and ready to load."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class ModelRef:
    id: str  # e.g. "piper:en_US-joe-medium"
    family: str  # registry key, e.g. "piper"
    path: Path  # directory holding the model files
    source: str  # "embedded", "store" or "local"
    revision: str | None = None
    info: dict[str, Any] = field(default_factory=dict)  # catalog facts: licence, languages, ...

    def file(self, name: str) -> Path:
        return self.path / name
