"""A real `ttscli serve` process on a free port, for the server tests."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServerProcess:
    def __init__(self, home: Path, *args: str, env: dict | None = None, port: int | None = None,
                 preexec_fn=None):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = home / f"server-{self.port}.log"
        full = dict(os.environ, TTSCLI_HOME=str(home), HF_HUB_OFFLINE="1", **(env or {}))
        self._log = open(self.log, "wb")  # noqa: SIM115 - closed by stop()
        self.proc = subprocess.Popen([sys.executable, "-m", "ttscli", "serve", "--port", str(self.port), *args],
                                     stdout=self._log, stderr=subprocess.STDOUT, env=full, preexec_fn=preexec_fn)
        self.key = (env or {}).get("TTSCLI_API_KEY")
        self.wait_up()

    def wait_up(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited {self.proc.returncode}: {self.log.read_text()}")
            try:
                if self.get("/health")["status"] == "ok":
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"server did not come up: {self.log.read_text()}")

    def _request(self, path: str, body: dict | None = None):
        headers = {"Content-Type": "application/json"}
        if self.key:
            headers["Authorization"] = f"Bearer {self.key}"
        data = json.dumps(body).encode() if body is not None else None
        return urllib.request.Request(self.url + path, data=data, headers=headers)

    def get(self, path: str) -> dict:
        with urllib.request.urlopen(self._request(path), timeout=30) as resp:
            return json.loads(resp.read())

    def speech(self, **body) -> tuple[int, dict, bytes]:
        """(status, headers, body) of POST /v1/audio/speech."""
        import urllib.error

        try:
            with urllib.request.urlopen(self._request("/v1/audio/speech", body), timeout=120) as resp:
                return resp.status, dict(resp.headers), resp.read()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read()

    def model_status(self, model: str = "piper:en_US-joe-medium") -> dict | None:
        return next((m for m in self.get("/v1/status")["models"] if m["model"] == model), None)

    def wait_for(self, predicate, timeout: float = 30, every: float = 0.05):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = predicate()
            if value:
                return value
            time.sleep(every)
        raise AssertionError(f"condition not met in {timeout}s; log:\n{self.log.read_text()[-2000:]}")

    def stop(self, sig=signal.SIGTERM, timeout: float = 30) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()
        return self.proc.returncode
