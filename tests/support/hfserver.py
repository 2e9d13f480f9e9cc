"""A loopback Hugging Face hub for tests: the endpoints huggingface_hub really calls.

It speaks the protocol observed from huggingface_hub 2.4 (docs/development.md lists the
endpoints and headers): model info and revision lookup, tree listings,
paths-info, and ``resolve`` with ETag / X-Repo-Commit / X-Linked-Etag /
X-Linked-Size, Range requests and X-Error-Code errors. Files are served from
disk or memory, so real model files (the joe voice) go over real sockets.

Faults for tests are set per file: drop the connection half-way, flip a byte,
serve an HTML page, or throttle. Every request is logged.
"""

from __future__ import annotations

import hashlib
import json
import re
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

LFS_MIN = 100_000  # files at least this big are "LFS" files (sha256 etag), like on the hub
HTML_PAGE = (b"<!DOCTYPE html>\n<html><head><title>503 Service Unavailable</title></head>"
             b"<body><h1>The hub is down for maintenance</h1></body></html>\n")


def sha256_file(path: Path) -> str:
    """Independent of ttscli's own hashing, on purpose (the files here are small)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@dataclass
class HubFile:
    path: str
    source: Path | bytes
    size: int = 0
    sha256: str = ""
    git_sha1: str = ""
    lfs: bool = False

    def __post_init__(self) -> None:
        if isinstance(self.source, bytes):
            data = self.source
            self.size = len(data)
            self.sha256 = hashlib.sha256(data).hexdigest()
            self.git_sha1 = hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
        else:
            self.size = self.source.stat().st_size
            self.sha256 = sha256_file(self.source)
            h = hashlib.sha1(b"blob %d\0" % self.size)
            with open(self.source, "rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    h.update(block)
            self.git_sha1 = h.hexdigest()
        self.lfs = self.size >= LFS_MIN or self.path.endswith((".onnx", ".gguf", ".safetensors"))

    @property
    def etag(self) -> str:
        return self.sha256 if self.lfs else self.git_sha1

    def read(self, start: int, end: int) -> bytes:
        if isinstance(self.source, bytes):
            return self.source[start:end]
        with open(self.source, "rb") as fh:
            fh.seek(start)
            return fh.read(end - start)

    def entry(self) -> dict:
        out = {"type": "file", "path": self.path, "oid": self.git_sha1, "size": self.size}
        if self.lfs:
            out["lfs"] = {"oid": self.sha256, "size": self.size, "pointerSize": 134}
        return out


@dataclass
class HubRepo:
    repo_id: str
    files: dict[str, HubFile]
    refs: dict[str, str]  # branch/tag -> commit
    gated: bool = False
    commits: frozenset[str] = frozenset()  # commit ids that serve these files

    def commit_for(self, rev: str) -> str | None:
        if rev in self.refs:
            return self.refs[rev]
        return rev if rev in self.commits else None


@dataclass
class Fault:
    kind: str  # "drop", "corrupt", "html", "slow"
    times: int = 1  # how many GETs are affected (-1 = all)
    at: float = 0.5  # fraction of the body for drop/corrupt
    delay: float = 0.0  # seconds per 64 KiB for "slow"


@dataclass
class HubServer:
    repos: dict[str, HubRepo] = field(default_factory=dict)
    faults: dict[tuple[str, str], Fault] = field(default_factory=dict)
    tokens: set[str] = field(default_factory=set)  # bearer tokens that open gated repos
    log: list[dict] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None

    # --- setup
    def add_repo(self, repo_id: str, files: dict[str, Path | bytes], *, refs: tuple[str, ...] = ("main",),
                 gated: bool = False, commits: tuple[str, ...] = ()) -> HubRepo:
        """Serve ``files`` at every ref in ``refs`` (one made-up commit) and at ``commits``."""
        commit = hashlib.sha1(f"{repo_id}:{sorted(files)}".encode()).hexdigest()
        repo = HubRepo(repo_id, {p: HubFile(p, src) for p, src in files.items()}, {r: commit for r in refs},
                       gated, frozenset((commit, *commits)))
        self.repos[repo_id] = repo
        return repo

    def fault(self, repo_id: str, path: str, kind: str, **kw) -> None:
        self.faults[(repo_id, path)] = Fault(kind, **kw)

    def clear(self) -> None:
        with self._lock:
            self.faults.clear()
            self.log.clear()

    def gets(self, path_suffix: str) -> list[dict]:
        with self._lock:
            return [r for r in self.log if r["method"] == "GET" and "/resolve/" in r["path"]
                    and r["path"].endswith(path_suffix)]

    # --- lifecycle
    @property
    def url(self) -> str:
        assert self._httpd is not None
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def start(self) -> "HubServer":
        server = self

        class Handler(_Handler):
            hub = server

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def session_env(self, root: Path) -> dict[str, str]:
        """Clear the log and faults, then the environment for a CLI with its hub cache under ``root/hf``."""
        self.clear()
        return self.env(root / "hf")

    def env(self, hf_home: Path, **extra: str) -> dict[str, str]:
        """Environment for a CLI subprocess that talks to this server."""
        env = {"HF_ENDPOINT": self.url, "HF_HOME": str(hf_home), "HF_HUB_OFFLINE": "0",
               "HF_HUB_DISABLE_XET": "1", "HF_HUB_DISABLE_TELEMETRY": "1", "HF_HUB_ETAG_TIMEOUT": "10",
               "HF_HUB_DOWNLOAD_TIMEOUT": "10", "HF_TOKEN": ""}
        env.update(extra)
        return env

    # --- used by the handler
    def _take_fault(self, repo_id: str, path: str) -> Fault | None:
        with self._lock:
            fault = self.faults.get((repo_id, path))
            if fault is None or fault.times == 0:
                return None
            if fault.times > 0:
                fault.times -= 1
            return Fault(fault.kind, 1, fault.at, fault.delay)


_API = re.compile(r"^/api/models/([^/]+/[^/]+)(?:/(revision|tree|paths-info)/([^/]+)(?:/(.*))?)?$")
_RESOLVE = re.compile(r"^/([^/]+/[^/]+)/resolve/([^/]+)/(.+)$")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    hub: HubServer

    def log_message(self, *args) -> None:  # quiet
        pass

    # --- helpers
    def _record(self, status: int) -> dict:
        entry = {"method": self.command, "path": unquote(urlsplit(self.path).path),
                 "range": self.headers.get("Range"), "status": status,
                 "auth": self.headers.get("Authorization"), "time": time.time(), "bytes": 0}
        with self.hub._lock:
            self.hub.log.append(entry)
        return entry

    def _send(self, status: int, body: bytes = b"", headers: dict | None = None, ctype="application/json") -> None:
        self._record(status)
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _error(self, status: int, code: str, message: str, extra: dict | None = None) -> None:
        self._send(status, json.dumps({"error": message}).encode(),
                   {"X-Error-Code": code, "X-Error-Message": message, **(extra or {})})

    def _repo(self, repo_id: str) -> HubRepo | None:
        repo = self.hub.repos.get(repo_id)
        if repo is None:
            self._error(404, "RepoNotFound", f"Repository {repo_id} not found")
        return repo

    def _authorised(self, repo: HubRepo) -> bool:
        if not repo.gated:
            return True
        auth = self.headers.get("Authorization", "")
        if auth.startswith("Bearer ") and auth[7:] in self.hub.tokens:
            return True
        self._error(401, "GatedRepo", f"Access to model {repo.repo_id} is restricted. You must have access to it "
                    "and be authenticated to access it. Please log in.")
        return False

    # --- verbs
    def do_GET(self) -> None:
        path = unquote(urlsplit(self.path).path)
        if path == "/_log":  # for benchmarks that run the server in another process
            with self.hub._lock:
                body = json.dumps(self.hub.log).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        if path == "/_clear":
            self.hub.clear()
            return self._send(200, b"{}")
        if path.startswith("/api/models/"):
            return self._api(path, parse_qs(urlsplit(self.path).query))
        match = _RESOLVE.match(path)
        if match:
            return self._resolve(*match.groups())
        self._send(404, b'{"error":"not found"}')

    def do_HEAD(self) -> None:
        match = _RESOLVE.match(unquote(urlsplit(self.path).path))
        if match:
            return self._resolve(*match.groups())
        self._send(404)

    def do_POST(self) -> None:
        path = unquote(urlsplit(self.path).path)
        length = int(self.headers.get("Content-Length") or 0)
        form = parse_qs(self.rfile.read(length).decode())
        match = _API.match(path)
        if not match or match.group(2) != "paths-info":
            return self._send(404, b'{"error":"not found"}')
        repo = self._repo(match.group(1))
        if repo is None or not self._authorised(repo):
            return
        commit = repo.commit_for(match.group(3))
        if commit is None:
            return self._error(404, "RevisionNotFound", f"Invalid rev id: {match.group(3)}")
        entries = [repo.files[p].entry() for p in form.get("paths", []) if p in repo.files]
        self._send(200, json.dumps(entries).encode())

    def _api(self, path: str, query: dict) -> None:
        match = _API.match(path)
        if not match:
            return self._send(404, b'{"error":"not found"}')
        repo_id, kind, rev, sub = match.groups()
        repo = self._repo(repo_id)
        if repo is None:
            return
        commit = repo.commit_for(rev or "main")
        if commit is None:
            return self._error(404, "RevisionNotFound", f"Invalid rev id: {rev}")
        if kind in (None, "revision"):
            siblings = [{"rfilename": f.path, "size": f.size} for f in repo.files.values()]
            body = {"id": repo.repo_id, "modelId": repo.repo_id, "sha": commit, "private": False,
                    "gated": "auto" if repo.gated else False, "disabled": False, "siblings": siblings, "tags": []}
            return self._send(200, json.dumps(body).encode())
        if not self._authorised(repo):
            return
        prefix = (sub or "").strip("/")
        recursive = query.get("recursive", ["false"])[0] == "true"
        entries, dirs = [], set()
        for f in sorted(repo.files.values(), key=lambda f: f.path):
            if prefix and not f.path.startswith(prefix + "/"):
                continue
            rest = f.path[len(prefix) + 1:] if prefix else f.path
            if recursive or "/" not in rest:
                entries.append(f.entry())
            else:
                dirs.add((prefix + "/" if prefix else "") + rest.split("/", 1)[0])
        if prefix and not entries and not dirs:
            return self._error(404, "EntryNotFound", f"{prefix} does not exist at {rev}", {"X-Repo-Commit": commit})
        entries += [{"type": "directory", "path": d, "oid": "0" * 40, "size": 0} for d in sorted(dirs)]
        self._send(200, json.dumps(entries).encode())

    def _resolve(self, repo_id: str, rev: str, path: str) -> None:
        repo = self._repo(repo_id)
        if repo is None or not self._authorised(repo):
            return
        commit = repo.commit_for(rev)
        if commit is None:
            return self._error(404, "RevisionNotFound", f"Invalid rev id: {rev}")
        f = repo.files.get(path)
        if f is None:
            return self._error(404, "EntryNotFound", f"{path} does not exist", {"X-Repo-Commit": commit})
        headers = {"X-Repo-Commit": commit, "ETag": f'"{f.etag}"', "Accept-Ranges": "bytes"}
        if f.lfs:
            headers.update({"X-Linked-Etag": f'"{f.sha256}"', "X-Linked-Size": str(f.size)})
        if self.command == "HEAD":
            self._record(200)
            self.send_response(200)
            for k, v in {**headers, "Content-Length": str(f.size),
                         "Content-Type": "application/octet-stream"}.items():
                self.send_header(k, v)
            self.end_headers()
            return
        fault = self.hub._take_fault(repo_id, path)
        if fault is not None and fault.kind == "html":
            return self._send(200, HTML_PAGE, headers, ctype="text/html")
        start, end, status = 0, f.size, 200
        rng = self.headers.get("Range")
        if rng:
            m = re.match(r"bytes=(\d+)-(\d*)$", rng)
            if not m or int(m.group(1)) >= f.size:
                return self._error(416, "RangeNotSatisfiable", f"bad range {rng}")
            start = int(m.group(1))
            end = min(int(m.group(2)) + 1, f.size) if m.group(2) else f.size
            status = 206
            headers["Content-Range"] = f"bytes {start}-{end - 1}/{f.size}"
        entry = self._record(status)
        self.send_response(status)
        for k, v in {**headers, "Content-Length": str(end - start),
                     "Content-Type": "application/octet-stream"}.items():
            self.send_header(k, v)
        self.end_headers()
        entry["bytes"] = self._stream(f, start, end, fault)

    def _stream(self, f: HubFile, start: int, end: int, fault: Fault | None) -> int:
        """Send bytes [start, end) of ``f`` (with the fault applied); return how many were sent."""
        pos = start
        cut = int(f.size * fault.at) if fault else -1
        block = 64 * 1024
        try:
            while pos < end:
                stop = min(pos + block, end)
                if fault and fault.kind == "drop" and pos <= cut < stop:
                    self.wfile.write(f.read(pos, cut))
                    self.wfile.flush()
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return cut - start
                data = f.read(pos, stop)
                if fault and fault.kind == "corrupt" and pos <= cut < stop:
                    i = cut - pos
                    data = data[:i] + bytes([data[i] ^ 0xFF]) + data[i + 1:]
                if fault and fault.kind == "slow" and pos >= cut:
                    time.sleep(fault.delay)
                self.wfile.write(data)
                pos = stop
        except (BrokenPipeError, ConnectionResetError, OSError):
            self.close_connection = True
        return pos - start
