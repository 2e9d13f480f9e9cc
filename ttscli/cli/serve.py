"""`ttscli serve`: keep models warm behind an OpenAI-compatible speech API (docs/server.md)."""

from __future__ import annotations

import os

import typer

from .app import app
from .argv import BARE_VALUES

WYOMING_URI = "tcp://127.0.0.1:10200"  # the port wyoming-piper and Home Assistant's docs use
BARE_VALUES["serve"] = {"--wyoming": WYOMING_URI}  # `serve --wyoming` alone: the default address

def _size(text: str) -> int:
    from ..errors import UsageError

    units = {"": 1, "k": 2**10, "m": 2**20, "g": 2**30}
    value = text.strip().lower().removesuffix("ib").removesuffix("b")
    unit = value[-1:] if value[-1:] in units else ""
    try:
        return int(float(value[: len(value) - len(unit)]) * units[unit])
    except ValueError:
        raise UsageError(f"--max-memory {text!r}: expected a size such as 2G or 512M") from None


def _duration(text: str) -> float:
    from ..errors import UsageError
    from ..server.errors import ApiError
    from ..server.openai_api import parse_keep_alive

    try:
        return parse_keep_alive(text)
    except ApiError:
        raise UsageError(f"--keep-alive {text!r}: expected seconds or 30s, 5m, 1h (-1: forever)") from None


def _logging(as_json: bool) -> None:
    """Every logger the server stack writes to goes through one handler: one line per event
    (JSON lines with --json), tracebacks never (the loop, threads: see server/limits.py)."""
    import logging

    from ..server.logs import handler

    out = handler(as_json)
    for name in ("ttscli.server", "uvicorn", "uvicorn.error", "asyncio", "starlette"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [out]
        logger.setLevel(logging.INFO if name.startswith(("ttscli", "uvicorn")) else logging.WARNING)
        logger.propagate = False
    logging.lastResort = out  # records of any other logger (warnings, libraries) keep the format


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on. Any non-loopback address "
                             "needs an API key."),
    port: int = typer.Option(8870, "--port", "-p", min=0, max=65535, help="TCP port (default 8870)."),
    api_key: str | None = typer.Option(None, "--api-key", envvar="TTSCLI_API_KEY", show_envvar=True,
                                          help="Require 'Authorization: Bearer KEY' on every API call "
                                          "(letters, digits and - . _ ~ + / =)."),
    allow_origin: list[str] | None = typer.Option(None, "--allow-origin", metavar="ORIGIN", envvar="TTSCLI_ORIGINS",
                                                    show_envvar=True,
                                                    help="Also answer browser pages from ORIGIN (e.g. "
                                                    "https://app.example.com; '*' matches any run of characters). "
                                                    "Default: loopback origins only (repeatable)."),
    max_connections: int = typer.Option(256, "--max-connections", min=4, max=65536,
                                        help="Open connections at most (kept below the file limit); when "
                                        "full, the longest-idle connection is closed for a new one."),
    request_timeout: float = typer.Option(10.0, "--request-timeout", min=0.1, max=3600.0,
                                          help="Seconds a connection has to send a request's headers; "
                                          "the body gets 30 s more at most."),
    keep_alive: str = typer.Option("5m", "--keep-alive", help="Keep an idle model loaded this long (30s, 5m, 1h; "
                                   "0: unload after each request; -1: forever). Requests may override it."),
    parallel: int = typer.Option(1, "--parallel", min=1, max=16, help="Instances of a model synthesizing at once."),
    queue: int = typer.Option(16, "--queue", min=0, max=1024, help="Requests that may wait for one model (429 beyond)."),
    max_requests: int = typer.Option(32, "--max-requests", min=1, max=4096,
                                     help="Requests in progress server-wide (503 beyond)."),
    max_input: int = typer.Option(4096, "--max-input", min=1, max=1_000_000, help="Characters of input per request (413 beyond)."),
    max_say_input: int = typer.Option(1_000_000, "--max-say-input", min=1, max=10_000_000,
                                      help="Characters of input per request in ttscli's own formats, what "
                                      "`ttscli say` sends (413 beyond: `say` then works in-process)."),
    max_memory: str | None = typer.Option(None, "--max-memory", metavar="SIZE",
                                             help="Memory for loaded models (e.g. 2G; default: 90% of the "
                                             "memory available at start). Idle models leave least recently used first."),
    mapping: list[str] | None = typer.Option(None, "--map", metavar="NAME=TARGET",
                                                help="Map an OpenAI model or voice name, e.g. --map tts-1-hd=kokoro:v1.0 "
                                                "--map alloy=af_bella (repeatable)."),
    json_logs: bool = typer.Option(False, "--json", help="Log JSON lines (access log included) on stderr."),
    grace: float = typer.Option(10.0, "--grace", min=0.0, help="Seconds SIGTERM waits for requests in progress."),
    wyoming: str | None = typer.Option(None, "--wyoming", metavar="[URI]",
                                       help="Also serve the Wyoming protocol (Home Assistant) on URI: "
                                       f"tcp://HOST:PORT or unix://PATH (default {WYOMING_URI})."),
    no_http: bool = typer.Option(False, "--no-http", help="Serve only Wyoming (with --wyoming), no HTTP API."),
    wyoming_remote: bool = typer.Option(False, "--wyoming-allow-remote",
                                        help="Let --wyoming listen on a non-loopback address. Wyoming has no "
                                        "authentication: anyone who reaches the port can use every voice."),
    wyoming_connections: int = typer.Option(16, "--wyoming-max-connections", min=1, max=1024,
                                            help="Wyoming connections at once (an error event beyond)."),
    zeroconf: bool = typer.Option(False, "--zeroconf", help="Advertise the Wyoming server to Home Assistant "
                                  "on the local network (mDNS; needs the zeroconf package)."),
) -> None:
    """Serve the OpenAI speech API locally and keep models warm; `say` uses it automatically.
    With --wyoming, also Home Assistant's Wyoming protocol, on the same warm models."""
    from ..errors import RuntimeFailure, UsageError
    from ..server import key_problem
    from ..server.guard import Origins, is_loopback

    if api_key and (why := key_problem(api_key)):
        raise UsageError(f"--api-key (or TTSCLI_API_KEY) cannot be sent by a client: {why}",
                         hint="choose a key of letters and digits, e.g. from `python -c \"import secrets; "
                         "print(secrets.token_urlsafe())\"`")
    companion = _wyoming(wyoming, no_http, wyoming_remote, wyoming_connections, zeroconf, max_input, grace)
    if no_http:
        _logging(json_logs)
        _serve_alone(companion, parallel, queue, _duration(keep_alive), max_memory)
        return
    if not api_key and not is_loopback(host):
        raise UsageError(f"--host {host} is reachable from other machines: set --api-key or TTSCLI_API_KEY",
                         hint="or bind 127.0.0.1")
    from ..server.openai_api import Limits, Mapping

    names = Mapping()
    for pair in mapping or []:
        names.add(pair)
    budget = _size(max_memory) if max_memory else _default_budget()
    from ..optional import install_command, require

    for module in ("starlette", "uvicorn"):
        require(module, f"`ttscli serve` needs {module}", hint=install_command("server"))
    _logging(json_logs)
    import uvicorn

    from ..server import identity
    from ..server.app import ServerConfig, create_app
    from ..server.limits import Connections, OneLine, connection_cap, guarded_http, quiet_threads
    from ..server.sockets import tcp_listener

    try:
        sock = tcp_listener(host, port)
    except OSError as exc:
        raise RuntimeFailure(f"cannot listen on {host}:{port}: {exc.strerror or exc}",
                             hint="is another server running? (`ttscli ps`) or choose --port") from None
    limits = Limits(max_input=max_input, max_say_input=max_say_input,
                    max_body=max(64 * 1024, 4 * max(max_input, max_say_input) + 16 * 1024))
    try:
        key = identity.ensure_key()
    except OSError as exc:
        sock.close()
        raise RuntimeFailure(f"cannot keep the server key {identity.key_path()}: {exc.strerror or exc}",
                             hint="set TTSCLI_HOME to a writable directory") from None
    origins = Origins([o for item in allow_origin or [] for o in item.split(",")], env="")
    config = ServerConfig(api_key=api_key, limits=limits, mapping=names, parallel=parallel,
                          queue=queue, max_requests=max_requests, keep_alive=_duration(keep_alive),
                          memory_budget=budget, loopback=is_loopback(host), origins=origins, key=key)
    companions = (companion,) if companion is not None else ()
    import logging

    from uvicorn.protocols.http.auto import AutoHTTPProtocol

    note = OneLine(logging.getLogger("ttscli.server"))
    quiet_threads(note)
    cap, backlog = connection_cap(max_connections)
    http = guarded_http(AutoHTTPProtocol, Connections(cap, note), request_timeout, note)
    server = uvicorn.Server(uvicorn.Config(create_app(config, companions, note), log_level="info", access_log=False,
                                           log_config=None, timeout_graceful_shutdown=grace, lifespan="on",
                                           http=http, timeout_keep_alive=5, backlog=backlog))

    bound = sock.getsockname()[1]
    logging.getLogger("ttscli.server").info("serving on http://%s:%d (keep-alive %s, parallel %d)",
                                            host, bound, keep_alive, parallel)
    _process_env(parallel)
    _quiet_signals()
    server.run(sockets=[sock])  # uvicorn handles SIGINT/SIGTERM: graceful shutdown, then exit 0
    _exit_quietly()


def _exit_quietly() -> None:
    """Everything has shut down (requests, models, logs): end without the interpreter's teardown,
    where native extensions may print leak reports that are not log lines (they break --json)."""
    import logging
    import sys

    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(0)


def _quiet_signals() -> None:
    """uvicorn re-raises the stop signal after its graceful shutdown, into the handler it found:
    make that a no-op, so a finished shutdown exits 0 instead of reporting an interruption."""
    import signal

    for sig in (signal.SIGINT, signal.SIGTERM):
        if signal.getsignal(sig) is not signal.SIG_IGN:
            signal.signal(sig, lambda *_: None)


def _default_budget() -> int | None:
    from ..runtime.planners import plan_for

    try:
        return plan_for("onnxruntime", device="cpu").memory_budget_bytes
    except Exception:  # noqa: BLE001 - no budget known: no eviction by memory
        return None


def _process_env(parallel: int) -> None:
    os.environ.setdefault("TTSCLI_NO_SERVER", "1")  # nothing in this process talks to itself
    if parallel > 1:  # instances × threads within the cores, as `batch --jobs` does
        from ..book.workers import threads_per_worker
        from ..runtime.plan import THREADS_ENV

        os.environ[THREADS_ENV] = str(threads_per_worker(parallel)[1])


def _wyoming(uri: str | None, no_http: bool, remote: bool, connections: int, zeroconf: bool, max_input: int,
             grace: float):
    """The Wyoming companion server for --wyoming (None without it), its socket bound."""
    from ..errors import RuntimeFailure, UsageError

    if uri is None:
        for flag, given in (("--no-http", no_http), ("--zeroconf", zeroconf), ("--wyoming-allow-remote", remote)):
            if given:
                raise UsageError(f"{flag} needs --wyoming", hint=f"e.g. ttscli serve --wyoming {flag}")
        return None
    from ..optional import install_command, require

    require("wyoming", "`ttscli serve --wyoming` needs the wyoming package", hint=install_command("wyoming"))
    from ..server.wyoming_events import Limits
    from ..server.wyoming_serve import bind, parse_uri
    from ..server.wyoming_serve import Companion, WyomingConfig

    try:
        scheme, where, _ = parse_uri(uri)
    except ValueError as exc:
        raise UsageError(f"--wyoming {exc}", hint=f"e.g. --wyoming {WYOMING_URI} or --wyoming unix:///run/ttscli.sock") from None
    from ..server.guard import is_loopback

    if scheme == "tcp" and not is_loopback(where) and not remote:
        raise UsageError(f"--wyoming {uri} is reachable from other machines, and Wyoming has no authentication",
                         hint="add --wyoming-allow-remote if that is what you want (see docs/home-assistant.md)")
    if zeroconf:
        _check_zeroconf(scheme, where)
    try:
        sock = bind(uri)
    except OSError as exc:
        raise RuntimeFailure(f"cannot listen on {uri}: {exc.strerror or exc}",
                             hint="is another Wyoming server running there? choose another port") from None
    limits = Limits(max_chars=max_input, max_connections=connections)
    return Companion(WyomingConfig(sock, limits, zeroconf=zeroconf, grace=grace))


def _check_zeroconf(scheme: str, where: str) -> None:
    from ..errors import UsageError
    from ..optional import install_command, require
    from ..server.guard import is_loopback

    if scheme != "tcp" or is_loopback(where):
        raise UsageError(f"--zeroconf tells the local network where to connect, but the Wyoming server listens on "
                         f"{where} only", hint="listen on the network: --wyoming tcp://0.0.0.0:10200 "
                         "--wyoming-allow-remote")
    require("zeroconf", "--zeroconf needs the zeroconf package, which is not installed",
            hint=install_command(packages=("zeroconf",)))


def _serve_alone(companion, parallel: int, queue: int, keep_alive: float, max_memory: str | None) -> None:
    import logging

    from ..server.wyoming_serve import run_alone

    budget = _size(max_memory) if max_memory else _default_budget()
    _process_env(parallel)
    logging.getLogger("ttscli.server").info("Wyoming only, no HTTP (keep-alive %gs, parallel %d)", keep_alive,
                                            parallel)
    run_alone(companion, dict(parallel=parallel, queue=queue, keep_alive=keep_alive, budget=budget))
