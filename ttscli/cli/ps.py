"""`ttscli ps`: what a running `ttscli serve` has loaded (like `ollama ps`)."""

from __future__ import annotations

import json
import time

import typer

from .app import app


def _ago(stamp: float | None, now: float) -> str:
    if not stamp:
        return "-"
    seconds = max(0, int(now - stamp))
    return f"{seconds}s ago" if seconds < 120 else f"{seconds // 60}m ago"


def _until(row: dict, now: float) -> str:
    if row["state"] != "loaded":
        return "-"
    if row["busy"] or row["queued"]:
        return "busy"
    if row["keep_alive"] < 0:
        return "forever"
    if row["expires_at"] is None:
        return "-"
    return f"in {max(0, int(row['expires_at'] - now))}s"


@app.command()
def ps(as_json: bool = typer.Option(False, "--json", help="Print the server's status as JSON.")) -> None:
    """Show the models a running `ttscli serve` holds: state, memory, last use, keep-alive."""
    from ..errors import RuntimeFailure
    from ..server import base_url
    from ..server.client import ServerGone, get_json
    from ..models.rows import human_size, table

    url = base_url()
    try:
        status = get_json("/v1/status", url, timeout=2.0)
    except ServerGone as exc:
        raise RuntimeFailure(str(exc), hint="start one with `ttscli serve` (or set TTSCLI_HOST)") from None
    if as_json:
        typer.echo(json.dumps(status, indent=1))
        return
    now = time.time()
    rows = [[m["model"], m["state"], f"{m['instances']} ({m['busy']} busy, {m['queued']} queued)",
             human_size(m["memory_bytes"]) if m["memory_bytes"] else "-", _ago(m["last_used"], now), _until(m, now)]
            for m in status.get("models", [])]
    typer.echo(f"server {url} (ttscli {status.get('version')}, up {int(status.get('uptime', 0))}s, "
               f"{status.get('inflight', 0)} requests in progress, memory {human_size(status.get('rss_bytes'))})")
    if not rows:
        typer.echo("no models loaded yet")
        return
    typer.echo(table(rows, ["MODEL", "STATE", "INSTANCES", "MEMORY", "LAST USED", "UNLOADS"]))
