"""Options shared by several commands (declared once, reused)."""

from __future__ import annotations

from typing import Optional

import typer

Debug = typer.Option(False, "--debug", help="Show debug logs and full tracebacks.")
Model = typer.Option(None, "--model", "-m", help="Model id (see `ttscli list`) or a path to a model directory.",
                     envvar="TTSCLI_MODEL", show_envvar=True)
Voice = typer.Option(None, "--voice", "-v", help="Voice or speaker of the model, a saved or cloned voice, a preset, "
                     "or a blend such as 'af_sarah:60,am_adam:40' (see `ttscli voice list`).")
Speed = typer.Option(1.0, "--speed", min=0.25, max=4.0, help="Speaking rate: 2.0 is twice as fast.")
Seed = typer.Option(None, "--seed", min=0, max=2**32 - 1,
                    help="Seed for models that sample: the same text, voice and seed give the same audio.")
Lang = typer.Option(None, "--lang", help="Language for the phonemizer (e.g. en-us, en-gb); default: the voice's.")

__all__ = ["Debug", "Model", "Voice", "Speed", "Seed", "Lang", "Optional"]
