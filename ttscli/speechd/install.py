"""`ttscli speechd install` / `uninstall`: the module's files in speech-dispatcher's configuration.

User install (the default): ``$XDG_CONFIG_HOME/speech-dispatcher`` (``~/.config/...``), the
launcher in ``$XDG_DATA_HOME/ttscli/speechd``. ``--system``: ``/etc/speech-dispatcher`` and
``/usr/local/libexec/ttscli``. Written there:

* ``modules/ttscli.conf`` — the module's configuration (``TtscliModel``, ``TtscliVoice``);
* ``sd_ttscli`` — a launcher that runs ``ttscli speechd module`` with this Python;
* a marked block in ``speechd.conf`` (copied from the system one when the user has none) with
  ``AddModule "ttscli" …``. speech-dispatcher stops detecting modules by itself once the file
  names one, so the block also names the modules it would have found (espeak-ng, …).

``uninstall`` removes the block and both files; the rest of ``speechd.conf`` is left alone.
"""

from __future__ import annotations

import os
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

BEGIN = "# >>> ttscli speechd install >>>"
END = "# <<< ttscli speechd install <<<"
SYSTEM_CONF = Path("/etc/speech-dispatcher")
SYSTEM_MODULES = Path("/usr/lib/speech-dispatcher-modules")
NAME = "ttscli"


@dataclass(frozen=True)
class Places:
    conf_dir: Path  # speech-dispatcher's configuration directory
    launcher: Path

    @property
    def speechd_conf(self) -> Path:
        return self.conf_dir / "speechd.conf"

    @property
    def module_conf(self) -> Path:
        return self.conf_dir / "modules" / f"{NAME}.conf"


def places(system: bool, conf_dir: str | None = None) -> Places:
    if conf_dir:
        base = Path(conf_dir).expanduser()
        return Places(base, base / "modules" / "sd_ttscli")
    if system:
        return Places(SYSTEM_CONF, Path("/usr/local/libexec/ttscli/sd_ttscli"))
    config = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    data = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return Places(config / "speech-dispatcher", data / "ttscli" / "speechd" / "sd_ttscli")


def _detected_modules(text: str) -> list[str]:
    """AddModule lines for the modules speech-dispatcher would have found by itself
    (``sd_NAME`` with a ``NAME.conf``), unless the configuration names them already."""
    named = {line.split()[1].strip('"') for line in text.splitlines()
             if line.strip().startswith("AddModule") and len(line.split()) > 1}
    lines = []
    if SYSTEM_MODULES.is_dir():
        for binary in sorted(SYSTEM_MODULES.glob("sd_*")):
            name = binary.name[3:]
            if name in ("dummy", "generic", NAME) or name in named:
                continue
            if (SYSTEM_CONF / "modules" / f"{name}.conf").is_file():
                lines.append(f'AddModule "{name}" "{binary.name}" "{name}.conf"')
    return lines


def _without_block(text: str) -> str:
    out, inside = [], False
    for line in text.splitlines(keepends=True):
        if line.strip() == BEGIN:
            inside = True
        elif line.strip() == END:
            inside = False
        elif not inside:
            out.append(line)
    return "".join(out)


def launcher_text() -> str:
    keep = "".join(f"export {k}={shlex.quote(os.environ[k])}\n" for k in ("TTSCLI_HOME",) if os.environ.get(k))
    return ("#!/bin/sh\n# speech-dispatcher output module: ttscli (written by `ttscli speechd install`)\n"
            f"{keep}exec {shlex.quote(sys.executable)} -m ttscli speechd module \"$@\"\n")


def module_conf_text(model: str | None, voice: str | None) -> str:
    lines = ["# ttscli's speech-dispatcher module (written by `ttscli speechd install`).",
             "# TtscliModel: the model to speak with (default: ttscli's default model).",
             "# TtscliVoice: its voice, or a stored clone or blend (default: the model's own).",
             f'TtscliModel "{model}"' if model else '# TtscliModel "piper:en_US-joe-medium"',
             f'TtscliVoice "{voice}"' if voice else '# TtscliVoice "NAME"']
    return "\n".join(lines) + "\n"


def install(where: Places, model: str | None, voice: str | None, default: bool) -> list[Path]:
    from ..fsio import atomic_write

    conf = where.speechd_conf
    if conf.is_file():
        text = conf.read_text(encoding="utf-8", errors="replace")
    elif (SYSTEM_CONF / "speechd.conf").is_file() and conf != SYSTEM_CONF / "speechd.conf":
        text = (SYSTEM_CONF / "speechd.conf").read_text(encoding="utf-8", errors="replace")
    else:
        text = ""
    text = _without_block(text)
    block = [BEGIN, f'AddModule "{NAME}" "{where.launcher}" "{NAME}.conf"', *_detected_modules(text)]
    if default:
        block.append(f"DefaultModule {NAME}")
    text = text.rstrip("\n") + ("\n\n" if text.strip() else "") + "\n".join([*block, END]) + "\n"
    where.module_conf.parent.mkdir(parents=True, exist_ok=True)
    where.launcher.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(where.launcher, launcher_text())
    where.launcher.chmod(0o755)
    atomic_write(where.module_conf, module_conf_text(model, voice))
    atomic_write(conf, text)
    return [conf, where.module_conf, where.launcher]


def uninstall(where: Places) -> list[Path]:
    from ..fsio import atomic_write

    removed = []
    conf = where.speechd_conf
    if conf.is_file():
        text = conf.read_text(encoding="utf-8", errors="replace")
        if BEGIN in text:
            atomic_write(conf, _without_block(text).rstrip("\n") + "\n")
            removed.append(conf)
    for path in (where.module_conf, where.launcher):
        if path.is_file():
            path.unlink()
            removed.append(path)
    return removed
