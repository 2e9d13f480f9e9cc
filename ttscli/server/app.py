"""The Starlette application: routes, API key, limits, access log, lifespan.

Endpoints: ``POST /v1/audio/speech`` (OpenAI's shape), ``GET /v1/models``,
``GET /v1/audio/voices``, ``GET /health``, ``GET /v1/status`` (what `ttscli ps` prints).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hmac
import json
import logging
import time
from dataclasses import dataclass, field, replace

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from .. import __version__, engine
from ..errors import TtsError
from . import RATE_HEADER, STORE_HEADER, identity, store_id
from .errors import ApiError, bad_request, busy, from_tts, too_large, unauthorized
from .guard import BrowserGuard, Origins
from .limits import BODY_TIMEOUT, OneLine, SendTimeout, describe, quiet_loop
from .models import Pool
from .openai_api import Limits, Mapping, parse
from .stream import PCM_RATE, Cancelled, Job, encoder_for, served

log = logging.getLogger("ttscli.server")
access = logging.getLogger("ttscli.server.access")


@dataclass
class ServerConfig:
    api_key: str | None = None
    limits: Limits = field(default_factory=Limits)
    mapping: Mapping = field(default_factory=Mapping)
    parallel: int = 1
    queue: int = 16  # waiting requests per model
    max_requests: int = 32  # requests synthesizing or waiting, server-wide
    keep_alive: float = 300.0
    memory_budget: int | None = None
    loopback: bool = True  # bound to a loopback address: the Host rule applies (guard.py)
    origins: Origins = field(default_factory=Origins)
    key: bytes | None = None  # the user's server key (identity.py): proof for `say` and `ps`
    body_timeout: float = BODY_TIMEOUT


class State:
    def __init__(self, config: ServerConfig):
        self.config = config
        self.pool = Pool(parallel=config.parallel, queue=config.queue, keep_alive=config.keep_alive,
                         budget=config.memory_budget, pick_voice=config.mapping.pick_voice)
        self.inflight = 0
        self.cancelled = 0
        self.started = time.time()
        self.stopping = False
        self.jobs: set[Job] = set()
        self.store = store_id()


def _error(exc: ApiError) -> JSONResponse:
    return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers())


def _prove(state: State, request: Request, response: Response) -> None:
    nonce = request.headers.get(identity.CHALLENGE_HEADER.lower())
    if state.config.key and identity.valid_challenge(nonce):
        port = (request.scope.get("server") or ("", 0))[1] or 0
        response.headers[identity.PROOF_HEADER] = identity.proof(state.config.key, nonce, port)


def _log(record: dict) -> None:
    access.info("%s", json.dumps(record, separators=(",", ":")), extra={"record": record})


def _record(request: Request, status: int, started: float, **more) -> dict:
    client = request.client.host if request.client else "-"
    return {"time": round(time.time(), 3), "client": client, "method": request.method, "path": request.url.path,
            "status": status, "seconds": round(time.perf_counter() - started, 4), **more}


def _check_key(state: State, request: Request) -> None:
    key = state.config.api_key
    if not key:
        return
    given = request.headers.get("authorization", "")
    scheme, _, token = given.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode(), key.encode()):
        raise unauthorized()


def endpoint(handler):
    """Errors as OpenAI JSON; every non-streaming answer in the access log."""

    async def wrapped(request: Request) -> Response:
        state: State = request.app.state.tts
        started = request.state.started = time.perf_counter()
        try:
            if handler is not health:
                _check_key(state, request)
            response = await handler(request, state)
        except ApiError as exc:
            response = _error(exc)
        except TtsError as exc:
            response = _error(from_tts(exc))
        except Cancelled:
            response = _error(ApiError(503, "the server is shutting down", kind="server_error", code="cancelled"))
        except Exception as exc:  # noqa: BLE001 - every answer is JSON; one log line, no traceback
            log.error("%s %s failed: %s", request.method, request.url.path, describe(exc))
            response = _error(ApiError(500, f"internal error: {type(exc).__name__}", kind="server_error",
                                       code="internal_error"))
        _prove(state, request, response)
        if not isinstance(response, StreamingResponse):
            _log(_record(request, response.status_code, started))
        return response

    return wrapped


async def health(request: Request, state: State) -> Response:
    return JSONResponse({"status": "ok", "service": "ttscli", "version": __version__})


async def status(request: Request, state: State) -> Response:
    body = state.pool.status()
    body.update(version=__version__, uptime=round(time.time() - state.started, 1), inflight=state.inflight,
                cancelled=state.cancelled, max_requests=state.config.max_requests)
    return JSONResponse(body)


async def models(request: Request, state: State) -> Response:
    from ..models.rows import installed_refs, ref_row

    rows = [ref_row(ref) for ref in await asyncio.to_thread(installed_refs)]
    data = [{"id": r["id"], "object": "model", "created": 0, "owned_by": "ttscli", "family": r["family"],
             "languages": r["languages"], "voices": r["voices"]} for r in rows]
    data += [{"id": name, "object": "model", "created": 0, "owned_by": "ttscli", "maps_to": target}
             for name, target in state.config.mapping.models.items()]
    return JSONResponse({"object": "list", "data": data})


async def voices(request: Request, state: State) -> Response:
    from ..models.rows import cloned_voices, installed_refs, ref_row

    refs = await asyncio.to_thread(installed_refs)
    stock = [{"id": v, "model": ref.id, "kind": "stock"} for ref in refs for v in ref_row(ref)["voices"]]
    stored = [{"id": v["id"], "model": v.get("model"), "kind": v.get("kind")} for v in cloned_voices()
              if "error" not in v]
    return JSONResponse({"voices": stock + stored, "openai": dict(state.config.mapping.voices)})


def _no_constant(name: str):
    raise ValueError(f"{name} is not a number")


async def _read_body(request: Request, limit: int, timeout: float) -> dict:
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and (len(declared) > 15 or int(declared) > limit):
        raise too_large(f"request body is over {limit} bytes")
    data = bytearray()
    try:
        async with asyncio.timeout(timeout):
            async for part in request.stream():
                data += part
                if len(data) > limit:
                    raise too_large(f"request body is over {limit} bytes")
    except TimeoutError:
        raise ApiError(408, f"the request body did not arrive within {timeout:g}s", code="timeout") from None
    try:  # NaN and Infinity are not JSON; nesting deeper than the parser's stack is not a request
        return json.loads(data or b"null", parse_constant=_no_constant)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise bad_request("the request body is not valid JSON") from None


async def speech(request: Request, state: State) -> Response:
    body = await _read_body(request, state.config.limits.max_body, state.config.body_timeout)
    req = parse(body, state.config.limits, state.config.mapping, request.headers.get("x-keep-alive"))
    wanted = request.headers.get(STORE_HEADER.lower())
    if wanted and wanted != state.store:
        raise ApiError(409, "this server reads another model store", kind="invalid_request_error",
                       code="other_store")
    if state.stopping:
        raise busy("the server is shutting down", retry_after=5, status=503)
    if state.inflight >= state.config.max_requests:
        raise busy(f"{state.inflight} requests in progress (limit {state.config.max_requests})",
                   retry_after=2, status=503)
    state.inflight += 1
    try:
        slot, instance, name, voice = await state.pool.acquire(req.model, req.voice, req.openai_names)
    except BaseException:
        state.inflight -= 1
        raise
    try:
        loaded = replace(instance.loaded, voice=voice, voice_name=name)
        asked = await asyncio.to_thread(_request, req)
        segments = await asyncio.to_thread(engine.segments, asked, loaded)
    except BaseException:
        state.inflight -= 1
        state.pool.release(slot, instance, req.keep_alive)
        raise
    return await _stream(request, state, req, slot, instance, loaded, segments, asked.synthesis_options)


def _request(req):
    """The engine's Request for a parsed API request (+ the config directory's lexicon.toml)."""
    from ..request import Request

    return Request.from_user(req.input, speed=req.speed, volume=req.volume, seed=req.seed, lang=req.lang,
                             sentence_silence=req.sentence_silence, paragraph_silence=req.paragraph_silence,
                             date_order=req.date_order)


async def _stream(request, state: State, req, slot, instance, loaded, segments, options) -> StreamingResponse:
    started = request.state.started
    ready = time.perf_counter() - started  # reading, queueing, loading, text preparation
    rate = loaded.backend.sample_rate
    job = Job(interrupt=loaded.backend.interrupt)
    state.jobs.add(job)
    info = {"model": slot.model_id, "voice": req.voice, "format": req.response_format, "chars": len(req.input)}

    def work(job: Job) -> None:
        encoder = encoder_for(req.response_format, rate, job.emit)
        try:
            for chunk in engine.chunks(loaded, job.counted(segments), options):
                if job.cancelled:
                    raise Cancelled()
                encoder.write(chunk.samples)
            encoder.close()
        except BaseException:
            encoder.kill()
            raise

    def finished(error: BaseException | None) -> None:
        state.inflight -= 1
        state.jobs.discard(job)
        state.pool.release(slot, instance, req.keep_alive)
        if isinstance(error, Cancelled):
            state.cancelled += 1
            slot.cancelled += 1
            log.info("cancelled %s after %d segments (client gone)", slot.model_id, job.segments)
        elif error is not None:
            log.error("synthesis failed for %s: %s", slot.model_id, error)

    job.start(work, finished)
    try:  # nothing is answered before the first audio: a failure until then is a JSON error
        head = await job.next()
    except BaseException:
        job.cancel()
        raise

    async def body():
        outcome, first = "error", None
        try:
            async for data in job.chunks(head):
                first = first or time.perf_counter()
                yield _sse(data) if req.stream_format == "sse" else data
            if req.stream_format == "sse":
                yield _sse_done(len(req.input))
            outcome = "ok"
        except asyncio.CancelledError:
            outcome = "cancelled"
            raise
        finally:
            job.cancel() if outcome != "ok" else None
            _log(_record(request, 200, started, outcome=outcome, bytes=job.bytes, segments=job.segments,
                         ready=round(ready, 4), ttfb=round(first - started, 4) if first else None, **info))

    fmt = served(req.response_format)  # None: a finished file for `say` (file.*)
    out_rate = PCM_RATE if req.response_format == "pcm" else fmt.rate_for(rate) if fmt and fmt.encoder else rate
    media = ("text/event-stream" if req.stream_format == "sse" else
             fmt.media_type if fmt else "application/octet-stream")
    headers = {RATE_HEADER: str(out_rate), "X-Model": slot.model_id, "X-Voice": loaded.voice_name or "default"}
    return StreamingResponse(body(), media_type=media, headers=headers)


def _sse(data: bytes) -> bytes:
    event = {"type": "speech.audio.delta", "audio": base64.b64encode(data).decode()}
    return b"data: " + json.dumps(event).encode() + b"\n\n"


def _sse_done(chars: int) -> bytes:
    event = {"type": "speech.audio.done", "usage": {"input_tokens": chars, "output_tokens": 0, "total_tokens": chars}}
    return b"data: " + json.dumps(event).encode() + b"\n\n"


def create_app(config: ServerConfig, companions: tuple = (), note: OneLine | None = None) -> Starlette:
    """The app; ``companions`` (other front ends, e.g. the Wyoming server) start and stop with
    it and share its model pool: ``await c.start(pool)``, ``await c.stop()``. ``note``: the
    one-line logger for the loop's own errors (server/limits.py)."""

    @contextlib.asynccontextmanager
    async def lifespan(app):
        quiet_loop(asyncio.get_running_loop(), note or OneLine(log))
        state = app.state.tts = State(config)
        reaper = asyncio.create_task(state.pool.reaper())
        started = []
        try:
            for companion in companions:
                await companion.start(state.pool)
                started.append(companion)
            yield
        finally:
            state.stopping = True
            for companion in started:
                await companion.stop()
            jobs = list(state.jobs)
            for job in jobs:
                job.cancel()
            for job in jobs:  # cancelled between chunks: let each thread end before models unload
                if job.thread is not None:
                    await asyncio.to_thread(job.thread.join, 5.0)
            reaper.cancel()
            state.pool.close()
            log.info("stopped")

    async def not_found(request: Request, exc: HTTPException) -> Response:
        response = _error(ApiError(exc.status_code, f"{request.method} {request.url.path}: {exc.detail}",
                                   code="not_found" if exc.status_code == 404 else "method_not_allowed"))
        _log(_record(request, exc.status_code, time.perf_counter()))
        return response

    def refused(scope: dict, status: int, code: str) -> None:
        client = (scope.get("client") or ("-",))[0]
        _log({"time": round(time.time(), 3), "client": client, "method": scope.get("method"),
              "path": scope.get("path"), "status": status, "seconds": 0.0, "refused": code})

    middleware = [Middleware(BrowserGuard, loopback=config.loopback, origins=config.origins, refused=refused),
                  Middleware(SendTimeout)]
    routes = [
        Route("/health", endpoint(health), methods=["GET"]),
        Route("/v1/status", endpoint(status), methods=["GET"]),
        Route("/v1/models", endpoint(models), methods=["GET"]),
        Route("/v1/audio/voices", endpoint(voices), methods=["GET"]),
        Route("/v1/audio/speech", endpoint(speech), methods=["POST"]),
    ]
    return Starlette(routes=routes, lifespan=lifespan, middleware=middleware,
                     exception_handlers={HTTPException: not_found})
