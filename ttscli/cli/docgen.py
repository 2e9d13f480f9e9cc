"""Generate completions/ttscli.{bash,zsh,fish} and man/ttscli.1 from the app.

    python -m ttscli.cli.docgen [REPO_DIR]

A test regenerates both into a temporary directory and fails on any difference,
so the shipped files never go stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .. import __version__, errors
from ..fsio import atomic_write

ENVIRONMENT = {
    "TTSCLI_HOME": "Keep data, cache and config under this one directory instead of the XDG locations.",
    "TTSCLI_MODEL": "Default model id for commands that take --model.",
    "TTSCLI_THREADS": "CPU threads per runtime (default: physical cores).",
    "TTSCLI_DEVICE": "Same as --device: auto, cpu, cuda, cuda:N or mps.",
    "TTSCLI_UNIFIED_MEMORY": "Set to 0 to stop ttscli from setting GGML_CUDA_ENABLE_UNIFIED_MEMORY=1 for "
                             "llama.cpp on unified-memory GPUs (DGX Spark, Jetson).",
    "TTSCLI_DEBUG": "Same as --debug when set to 1.",
    "TTSCLI_RUNTIME": "Same as --runtime: auto, onnxruntime, sherpa-onnx, llama.cpp or torch.",
    "HF_HOME, HF_HUB_CACHE": "Where huggingface_hub keeps downloaded model files.",
    "HF_HUB_OFFLINE": "When 1, never touch the network; use only what is cached.",
    "HF_TOKEN": "Token for gated or private Hugging Face repositories.",
    "HF_ENDPOINT": "Hub URL (a mirror, or a local test server).",
}

SHELLS = ("bash", "zsh", "fish")


def completion_script(shell: str) -> str:
    from typer._completion_shared import get_completion_script

    from .app import COMPLETE_ENV

    return get_completion_script(prog_name="ttscli", complete_var=COMPLETE_ENV, shell=shell).rstrip() + "\n"


def _roff(text: str) -> str:
    text = " ".join(str(text).split()).replace("\\[", "[")  # rich's escaped brackets
    text = text.replace("\\", "\\\\").replace("-", "\\-")
    return ("\\&" + text) if text.startswith((".", "'")) else text


def _param_line(param) -> tuple[str, str]:
    if param.param_type_name != "option":
        return (param.name or "").upper(), getattr(param, "help", "") or ""
    names = ", ".join(list(param.opts) + list(getattr(param, "secondary_opts", [])))
    label = names if getattr(param, "is_flag", False) else f"{names} {(param.name or '').upper()}"
    return label, getattr(param, "help", "") or ""


def man_page() -> str:
    import typer

    from .app import app

    group = typer.main.get_command(app)
    out = [
        '.TH TTSCLI 1 "" "ttscli ' + __version__ + '" "User Commands"',
        ".SH NAME",
        "ttscli \\- " + _roff(group.help or ""),
        ".SH SYNOPSIS",
        ".B ttscli",
        "[\\fB\\-\\-debug\\fR] \\fICOMMAND\\fR [\\fIOPTIONS\\fR] [\\fIARGS\\fR]",
        ".SH DESCRIPTION",
        _roff("ttscli speaks text with local neural voices. The default voice ships with the package, "
              "so it works offline with no download."),
    ]
    out.append(".SH GLOBAL OPTIONS")  # given before the command: ttscli --device cuda say ...
    for param in group.params:
        if param.name in ("help",):
            continue
        label, help_text = _param_line(param)
        out += [".TP", "\\fB" + _roff(label) + "\\fR", _roff(help_text) or "\\&"]
    out.append(".SH COMMANDS")
    commands = []
    for name in sorted(group.commands):
        cmd = group.commands[name]
        subs = getattr(cmd, "commands", None)  # a command group such as `ttscli voice`
        if subs:
            commands += [(f"{name} {sub}", subs[sub]) for sub in sorted(subs)]
        else:
            commands.append((name, cmd))
    for name, cmd in commands:
        out += [".SS " + _roff(f"ttscli {name}"), _roff(cmd.help or "")]
        for param in cmd.params:
            if param.name in ("help",):
                continue
            label, help_text = _param_line(param)
            out += [".TP", "\\fB" + _roff(label) + "\\fR", _roff(help_text) or "\\&"]
    out.append(".SH EXIT STATUS")
    for code, meaning in sorted(errors.EXIT_CODES.items()):
        out += [".TP", f"\\fB{code}\\fR", _roff(meaning)]
    out.append(".SH ENVIRONMENT")
    for name, meaning in ENVIRONMENT.items():
        out += [".TP", "\\fB" + _roff(name) + "\\fR", _roff(meaning)]
    out += [".SH SEE ALSO", "piper(1), espeak\\-ng(1), ffmpeg(1)"]
    return "\n".join(out) + "\n"


def generate(root: Path) -> list[Path]:
    written = []
    (root / "completions").mkdir(parents=True, exist_ok=True)
    (root / "man").mkdir(parents=True, exist_ok=True)
    for shell in SHELLS:
        path = root / "completions" / f"ttscli.{shell}"
        atomic_write(path, completion_script(shell))
        written.append(path)
    path = root / "man" / "ttscli.1"
    atomic_write(path, man_page())
    written.append(path)
    return written


if __name__ == "__main__":
    for p in generate(Path(sys.argv[1] if len(sys.argv) > 1 else ".")):
        print(p)
