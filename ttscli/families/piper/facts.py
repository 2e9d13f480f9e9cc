"""What an imported Piper voice directory tells about the voice (FamilySpec.facts)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ...errors import IntegrityError


def _piper_facts(config: Path) -> dict[str, Any]:
    try:
        data = json.loads(config.read_text(encoding="utf-8"))
        speakers = data.get("speaker_id_map") or {}
        code = str((data.get("language") or {}).get("code", "")).replace("_", "-")
        return {"sample_rate": int(data["audio"]["sample_rate"]), "languages": [code] if code else [],
                "voices": sorted(speakers, key=speakers.get) if speakers else []}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise IntegrityError(f"{config.name} is not a valid Piper config ({exc})") from exc


def facts(root: Path, roles: dict[str, str]) -> dict[str, Any]:
    """Rate, language and speakers from the voice's NAME.onnx.json."""
    return _piper_facts(root / roles["config"]) if "config" in roles else {}
