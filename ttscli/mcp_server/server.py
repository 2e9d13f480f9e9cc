"""The MCP server: tools over the warm model pool of `ttscli serve` (ttscli.server.models.Pool).

Tools: ``speak`` (to the speakers), ``write_speech`` (a file in the output directory),
``make_subtitles`` (audio and word-timed .srt/.vtt/.json), ``list_models``, ``list_voices``.
Models load on first use and stay loaded (``--keep-alive``); the long calls report MCP
progress per segment; a ttscli error becomes a tool error carrying its one line.
"""

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError

from .. import __version__
from . import places, work

log = logging.getLogger("ttscli.mcp")

AUDIO_SUFFIXES = (".wav", ".flac", ".ogg", ".opus", ".mp3")
SUBTITLE_SUFFIXES = (".srt", ".vtt", ".json")
INSTRUCTIONS = ("Text to speech with ttscli: speak text aloud, write it to an audio file in the output "
                "directory, make word-timed subtitles, list the installed models and voices.")


@dataclass
class McpConfig:
    output_dir: Path = field(default_factory=places.default_dir)
    max_chars: int = 20000
    keep_alive: float = -1.0  # seconds an idle model stays loaded; -1: for the whole session
    queue: int = 16


class State:
    def __init__(self, config: McpConfig):
        self.config = config
        self.pool = None  # a Pool, made in the lifespan (on the server's event loop)


def _fail(exc: BaseException):
    """A ttscli or pool error as the tool error the client sees (one line)."""
    from ..errors import TtsError
    from ..server.errors import ApiError

    if isinstance(exc, TtsError):
        return ToolError(exc.one_line())
    if isinstance(exc, ApiError):
        return ToolError(exc.message)
    return exc


async def _synthesize(state: State, ctx, text: str, model: str | None, voice: str | None, speed: float,
                      job) -> dict[str, Any]:
    """Check the text, borrow a warm model, run ``job(loaded, prepared, progress)`` in a thread
    while reporting progress; the model goes back to the pool in any case."""
    from ..errors import BadInput

    limit = state.config.max_chars
    if not text or not text.strip():
        raise BadInput("no text to speak: the text is empty")
    if len(text) > limit:
        raise BadInput(f"the text is {len(text)} characters; the limit is {limit}",
                       hint="split it into several calls, or start the server with a larger --max-chars")
    slot, instance, name, resolved = await state.pool.acquire(model, voice, map_voice=False)
    progress = work.Progress()
    try:
        loaded = replace(instance.loaded, voice=resolved, voice_name=name)
        prepared = await asyncio.to_thread(work.prepare, loaded, text, speed)
        progress.total = len(prepared[0])
        task = asyncio.ensure_future(asyncio.to_thread(job, loaded, prepared, progress))
        reported = -1
        while not task.done():
            await asyncio.wait({task}, timeout=0.2)
            if progress.done != reported:
                reported = progress.done
                await ctx.report_progress(reported, progress.total, f"{reported} of {progress.total} segments")
        result = task.result()
        return {"model": slot.model_id, "voice": name or "default", **result}
    except asyncio.CancelledError:
        progress.stop.set()
        raise
    finally:
        state.pool.release(slot, instance)


def build(config: McpConfig):
    """The MCPServer with ttscli's tools."""
    state = State(config)

    @contextlib.asynccontextmanager
    async def lifespan(_server):
        from ..server.models import Pool

        state.pool = Pool(parallel=1, queue=config.queue, keep_alive=config.keep_alive)
        reaper = asyncio.create_task(state.pool.reaper())
        try:
            yield {}
        finally:
            reaper.cancel()
            state.pool.close()

    server = MCPServer("ttscli", version=__version__, instructions=INSTRUCTIONS, lifespan=lifespan, log_level="WARNING")

    async def run(ctx, text, model, voice, speed, job):
        try:
            return await _synthesize(state, ctx, text, model, voice, speed, job)
        except Exception as exc:
            raise _fail(exc) from exc

    def target(path: str, suffixes) -> Path:
        try:
            return places.inside(config.output_dir, path, suffixes)
        except Exception as exc:
            raise _fail(exc) from exc

    @server.tool()
    async def speak(text: str, ctx: Context, model: str | None = None, voice: str | None = None,
                    speed: float = 1.0) -> dict[str, Any]:
        """Speak text aloud on this computer's speakers. Plain text, Markdown or SSML (<speak>…)."""
        _check_speed(speed)
        return await run(ctx, text, model, voice, speed, work.aloud)

    @server.tool()
    async def write_speech(text: str, path: str, ctx: Context, model: str | None = None,
                           voice: str | None = None, speed: float = 1.0) -> dict[str, Any]:
        """Write speech to an audio file (.wav .flac .ogg .opus .mp3) in the output directory;
        `path` is relative to it. Returns the file, its duration and sample rate."""
        _check_speed(speed)
        out = target(path, AUDIO_SUFFIXES)
        result = await run(ctx, text, model, voice, speed, lambda lo, pre, pr: work.to_file(lo, pre, pr, out))
        return {"path": places.shown(config.output_dir, out), **result}

    @server.tool()
    async def make_subtitles(text: str, audio_path: str, subtitles_path: str, ctx: Context,
                             model: str | None = None, voice: str | None = None,
                             speed: float = 1.0) -> dict[str, Any]:
        """Speak text to an audio file and write word-timed subtitles (.srt, .vtt or .json) for it,
        both in the output directory."""
        _check_speed(speed)
        audio = target(audio_path, AUDIO_SUFFIXES)
        subs = target(subtitles_path, SUBTITLE_SUFFIXES)
        result = await run(ctx, text, model, voice, speed,
                           lambda lo, pre, pr: work.with_subtitles(lo, pre, pr, text, audio, subs))
        return {"audio_path": places.shown(config.output_dir, audio),
                "subtitles_path": places.shown(config.output_dir, subs), **result}

    @server.tool()
    async def list_models() -> dict[str, Any]:
        """The installed models: id, family, languages, voices, licence."""
        from ..models.rows import installed_refs, ref_row

        rows = [ref_row(ref) for ref in await asyncio.to_thread(installed_refs)]
        keep = ("id", "family", "languages", "voices", "license", "sample_rate", "description")
        return {"models": [{k: r.get(k) for k in keep} for r in rows]}

    @server.tool()
    async def list_voices(model: str | None = None) -> dict[str, Any]:
        """Voices to pass as `voice`: each model's own voices and the stored clones and blends."""
        from ..models.rows import cloned_voices, installed_refs, ref_row

        refs = await asyncio.to_thread(installed_refs)
        stock = [{"voice": v, "model": r["id"], "kind": "stock", "languages": r["languages"]}
                 for r in map(ref_row, refs) for v in r["voices"] if model in (None, r["id"])]
        stored = [{"voice": v["id"], "model": v.get("model"), "kind": v.get("kind")}
                  for v in cloned_voices() if "error" not in v and model in (None, v.get("model"))]
        return {"voices": stock + stored}

    return server


def _check_speed(speed: float) -> None:
    if not 0.25 <= speed <= 4.0:
        raise ToolError(f"speed {speed} is out of range; use 0.25 to 4.0 (1.0 is normal)")


def http_security(host: str, port: int):
    """Host and Origin must name this loopback server (DNS rebinding protection)."""
    from mcp.server.transport_security import TransportSecuritySettings

    names = ["127.0.0.1", "localhost", "[::1]"]
    return TransportSecuritySettings(
        enable_dns_rebinding_protection=True,
        allowed_hosts=[f"{n}:{port}" for n in names] + names,
        allowed_origins=[f"http://{n}:{port}" for n in names])
