"""`ttscli clone`: make a named voice from reference recordings."""

from __future__ import annotations

from typing import List, Optional

import typer

from .app import app


class _Progress:
    """A rich bar on a terminal (showing the best similarity so far); debug lines otherwise."""

    def __init__(self) -> None:
        import sys

        self._bar = None
        self._task = None
        self._tty = sys.stderr.isatty()

    def __call__(self, step: int, total: int, best: float, current: float, label: str = "") -> None:
        if not self._tty:
            import logging

            logging.getLogger("ttscli.clone").debug("candidate %d/%d %s: similarity %.3f (best %.3f)",
                                                    step, total, label, current, best)
            return
        if self._bar is None:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self._bar = Progress(TextColumn("matching voice", style="bold"), BarColumn(), MofNCompleteColumn(),
                                 TextColumn("{task.description}"), TimeRemainingColumn(),
                                 console=Console(stderr=True), transient=True)
            self._bar.start()
            self._task = self._bar.add_task("", total=total)
        self._bar.update(self._task, completed=step, total=total,
                         description=f"similarity {best:.3f} (last {current:.3f}{', ' + label if label else ''})")

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()


def _similarity(meta: dict) -> str:
    """'; speaker similarity …' of a searched clone: on held-back audio when there was some."""
    if "similarity" not in meta:
        return ""
    on = " on held-back audio" if meta.get("similarity_on") == "held-back" else ""
    detail = f"; speaker similarity{on} {meta['similarity']:.3f}"
    stock = meta.get("best_stock") or {}
    if stock:
        gain = meta["similarity"] - stock.get("similarity", 0)
        detail += f" (nearest stock voice {stock.get('voice')}: {stock.get('similarity', 0):.3f}, {gain:+.3f})"
    return detail


@app.command()
def clone(
    name: str = typer.Argument(..., metavar="NAME", help="Name of the new voice (letters, digits, . _ -)."),
    refs: List[str] = typer.Argument(..., metavar="REF...",
                                     help="Reference recordings (wav, flac, ogg, mp3, m4a...); several are joined."),
    model: Optional[str] = typer.Option(None, "--model", "-m",
                                        help="Family (neutts, pocket-tts, sherpa, kokoro) or model id to clone for, "
                                        "e.g. sherpa:pocket-tts-int8 or sherpa:zipvoice-distill-int8-zh-en. "
                                        "Default: the first installed family that can clone."),
    text: Optional[str] = typer.Option(None, "--text", "--transcript", "-t",
                                       help="What is said in the references; NeuTTS and ZipVoice need it "
                                       "(default: Whisper transcribes it when the asr extra is installed)."),
    force: bool = typer.Option(False, "--force", help="Replace an existing voice of that name."),
    quality: str = typer.Option("fast", "--quality",
                                help="Kokoro: fitting effort, fast (a few minutes on 2 cores) or best "
                                "(about twice as long)."),
    steps: Optional[int] = typer.Option(None, "--steps", min=0, max=10000,
                                        help="Kokoro: gradient steps after the stock voices are scored "
                                        "(default: 48 for --quality fast, 96 for best; 0 keeps the "
                                        "closest stock voice)."),
    seed: int = typer.Option(0, "--seed", min=0, help="Kokoro: seed of the search (the same seed and "
                             "references give the same voice)."),
) -> None:
    """Clone a voice from reference audio into a named voice for `say --voice NAME`."""
    from ..clone.run import clone as run_clone
    from .render import note_line

    if quality == "best":
        note_line("--quality best takes 96 gradient steps instead of 48: about twice as long as --quality fast")
    progress = _Progress()
    try:
        result = run_clone(name, list(refs), model=model, text=text, force=force, steps=steps, quality=quality,
                           seed=seed, progress=progress)
    finally:
        progress.close()
    for line in result.notes:
        note_line(line)
    meta = result.meta
    if result.cached:
        typer.echo(f"voice {name} is up to date for {result.model_id} (cache hit): {result.path}")
        return
    typer.echo(f"cloned voice {name} for {result.model_id} in {result.seconds:.1f} s{_similarity(meta)}: "
               f"{result.path}")
    wer = meta.get("wer")
    if wer:
        typer.echo(f"intelligibility (Whisper, fixed text): WER {wer['clone']:.1%}, "
                   f"the stock voice {wer['stock']:.1%}")
    typer.echo(f'use it with: ttscli say --voice {name} "Hello."')
