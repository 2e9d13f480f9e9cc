"""`ttscli mcp`: a Model Context Protocol server for agents and assistants, on the warm engine."""

from __future__ import annotations

import os
from typing import Optional

import typer

from . import options as opt
from .app import app


@app.command()
def mcp(
    output_dir: Optional[str] = typer.Option(
        None, "--output-dir", metavar="DIR", envvar="TTSCLI_MCP_DIR", show_envvar=True,
        help="The only directory tools may write files to (default: ~/.local/share/ttscli/mcp)."),
    max_chars: int = typer.Option(20000, "--max-chars", min=1, max=1_000_000,
                                  help="Characters of text per tool call (longer text is refused)."),
    keep_alive: str = typer.Option("-1", "--keep-alive", help="Keep an idle model loaded this long (30s, 5m, 1h; "
                                   "-1: for the whole session; 0: unload after each call)."),
    http: Optional[int] = typer.Option(None, "--http", metavar="PORT", min=0, max=65535,
                                       help="Serve streamable HTTP on 127.0.0.1:PORT/mcp instead of stdio."),
    debug: bool = opt.Debug,
) -> None:
    """Serve ttscli's tools over MCP (stdio by default): speak, write_speech, make_subtitles, list_models,
    list_voices. See docs/integrations.md for client configuration."""
    from pathlib import Path

    from ..optional import install_command, require
    from .serve import _duration

    require("mcp", "`ttscli mcp` needs the mcp package (the Model Context Protocol SDK)", hint=install_command("mcp"))
    from ..mcp_server.places import default_dir
    from ..mcp_server.server import McpConfig, build

    config = McpConfig(output_dir=Path(output_dir).expanduser() if output_dir else default_dir(),
                       max_chars=max_chars, keep_alive=_duration(keep_alive))
    os.environ.setdefault("TTSCLI_NO_SERVER", "1")
    server = build(config)
    if http is None:
        server.run()
        return
    _serve_http(server, http)


def _serve_http(server, port: int) -> None:
    """Streamable HTTP on loopback only, with the Host/Origin checks of ttscli.mcp_server.server."""
    import socket

    import anyio
    import uvicorn

    from ..errors import RuntimeFailure
    from ..mcp_server.server import http_security

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1", port))
    except OSError as exc:
        sock.close()
        raise RuntimeFailure(f"cannot listen on 127.0.0.1:{port}: {exc.strerror or exc}",
                             hint="choose another --http PORT") from None
    bound = sock.getsockname()[1]
    starlette_app = server.streamable_http_app(transport_security=http_security("127.0.0.1", bound))
    import logging

    logging.getLogger("ttscli").info("MCP on http://127.0.0.1:%d/mcp", bound)
    typer.echo(f"http://127.0.0.1:{bound}/mcp", err=True)
    uv = uvicorn.Server(uvicorn.Config(starlette_app, log_level="warning", lifespan="on"))
    anyio.run(lambda: uv.serve(sockets=[sock]))
