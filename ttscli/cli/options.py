"""Options shared by several commands (declared once, reused)."""

from __future__ import annotations

from enum import Enum
from typing import Optional

import typer

from . import complete

Debug = typer.Option(False, "--debug", help="Show debug logs and full tracebacks.")
Model = typer.Option(None, "--model", "-m", help="Model id (see `ttscli list`) or a path to a model directory.",
                     envvar="TTSCLI_MODEL", show_envvar=True, autocompletion=complete.models)
Voice = typer.Option(None, "--voice", "-v", help="Voice or speaker of the model, a saved or cloned voice, a preset, "
                     "or a blend such as 'af_sarah:60,am_adam:40' (see `ttscli voice list`).",
                     autocompletion=complete.voices)
Speed = typer.Option(1.0, "--speed", min=0.25, max=4.0, help="Speaking rate: 2.0 is twice as fast.")
Seed = typer.Option(None, "--seed", min=0, max=2**32 - 1,
                    help="Seed for models that sample: the same text, voice and seed give the same audio.")
Lang = typer.Option(None, "--lang", help="Language of the text, for normalization and the phonemizer "
                    "(e.g. en-us, en-gb, de); default: the voice's.")


class DateOrder(str, Enum):
    mdy = "mdy"
    dmy = "dmy"
    ymd = "ymd"


SentenceSilence = typer.Option(0.0, "--sentence-silence", min=0.0, max=10.0,
                               help="Seconds of silence after each sentence.")
ParagraphSilence = typer.Option(None, "--paragraph-silence", min=0.0, max=10.0,
                                help="Seconds of silence after each paragraph (default: 0.5, or "
                                "--sentence-silence if longer).")
DateOrderOpt = typer.Option(None, "--date-order", case_sensitive=False,
                            help="How to read numeric dates like 12/05/2024: mdy, dmy or ymd "
                            "(default: mdy for en-us, dmy for other English).")
Lexicon = typer.Option(None, "--lexicon", metavar="FILE",
                       help="TOML pronunciations (word = \"respelling\" or \"[[IPA]]\"), on top of "
                       "lexicon.toml in the config directory.")

__all__ = ["Debug", "Model", "Voice", "Speed", "Seed", "Lang", "Optional", "DateOrder", "SentenceSilence",
           "ParagraphSilence", "DateOrderOpt", "Lexicon"]
