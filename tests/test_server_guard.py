"""`ttscli serve` against hostile clients, as a real process: browser-origin requests (Host and
Origin), held and trickling connections, descriptor exhaustion, requests that once gave plain-text
500s, and SIGTERM / disconnects with --json logs (issue 34, classes 1, 4, 8, 12)."""

from __future__ import annotations

import http.client
import json
import signal
import socket
import time

import pytest
from support.server import ServerProcess

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")

JOE = "piper:en_US-joe-medium"
LONG = " ".join(f"This is sentence number {i} of a long text." for i in range(40))


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = ServerProcess(tmp_path_factory.mktemp("guard-home"), "--allow-origin", "https://app.example.com",
                        "--request-timeout", "1")
    yield srv
    srv.stop()


def _call(srv, method: str, path: str, body=None, headers: dict | None = None) -> tuple[int, dict, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=60)
    data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
    conn.request(method, path, body=data, headers=headers or {})
    resp = conn.getresponse()
    out = resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    conn.close()
    return out


def _requests(srv) -> int:
    return sum(m["requests"] for m in srv.get("/v1/status")["models"])


# ---- class 1: browser-origin requests ------------------------------------------------------

@pytest.mark.parametrize("host", ["evil.example", "evil.example:8870", "127.0.0.1.nip.io", "[::1", "x:y:z",
                                  "attacker.com:80"])
def test_foreign_host_is_refused_on_loopback(server, host):
    for method, path, body in [("GET", "/v1/models", None), ("GET", "/v1/status", None),
                               ("GET", "/v1/audio/voices", None), ("POST", "/v1/audio/speech", {"input": "Hi."})]:
        status, headers, data = _call(server, method, path, body, {"Host": host})
        assert status == 403, (host, path, data)
        assert headers["content-type"] == "application/json"
        assert json.loads(data)["error"]["code"] == "forbidden_host"


@pytest.mark.parametrize("host", ["localhost", "localhost:{port}", "127.0.0.1:{port}", "127.0.0.2", "LOCALHOST",
                                  "tts.localhost:{port}", "[::1]:{port}"])
def test_local_host_names_are_answered(server, host):
    status, _, data = _call(server, "GET", "/v1/models", headers={"Host": host.format(port=server.port)})
    assert status == 200, data


def test_a_cross_site_simple_post_makes_no_speech(server):
    """The no-preflight attack: a page POSTs text/plain JSON. Refused before the body is read."""
    before = _requests(server)
    body = json.dumps({"model": JOE, "input": "Speak in my cloned voice."}).encode()
    for origin in ("https://evil.example", "null", "http://localhost.evil.example", "http://127.0.0.1.evil.example"):
        status, headers, data = _call(server, "POST", "/v1/audio/speech", body,
                                      {"Content-Type": "text/plain", "Origin": origin})
        assert status == 403 and json.loads(data)["error"]["code"] == "forbidden_origin", (origin, data)
        assert "access-control-allow-origin" not in headers
    status, _, _ = _call(server, "GET", "/v1/status", headers={"Sec-Fetch-Site": "cross-site"})
    assert status == 403  # a no-cors fetch (no Origin) from another site
    assert _requests(server) == before
    assert '"POST /v1/audio/speech" 403' in server.log.read_text()  # refusals are in the access log


@pytest.mark.parametrize("origin", ["http://localhost:3000", "http://127.0.0.1:5173", "https://app.example.com"])
def test_allowed_origins_get_cors(server, origin):
    status, headers, _ = _call(server, "OPTIONS", "/v1/audio/speech", headers={
        "Origin": origin, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert status == 204 and headers["access-control-allow-origin"] == origin
    assert "POST" in headers["access-control-allow-methods"]
    status, headers, data = _call(server, "POST", "/v1/audio/speech",
                                  {"model": JOE, "input": "Hello.", "response_format": "wav"}, {"Origin": origin})
    assert status == 200 and data[:4] == b"RIFF"
    assert headers["access-control-allow-origin"] == origin


def test_preflight_from_a_foreign_origin_is_refused(server):
    status, headers, _ = _call(server, "OPTIONS", "/v1/audio/speech", headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
    assert status == 403 and "access-control-allow-origin" not in headers


def test_host_and_origin_rules():
    from ttscli.server.guard import Origins, host_allowed

    assert host_allowed("localhost:8870") and host_allowed("127.9.9.9") and host_allowed("[::1]:1")
    assert host_allowed(socket.gethostname())
    for bad in ("evil.example", "0.0.0.0:8870", "192.168.1.5", "[::1]x", "localhost:99999999", "127.0.0.1:a"):
        assert not host_allowed(bad), bad
    origins = Origins(["https://*.example.org"], env="http://tool.test:8080")
    assert origins.allows("http://localhost:1234") and origins.allows("https://[::1]")
    assert origins.allows("https://a.example.org") and origins.allows("http://tool.test:8080")
    assert not origins.allows("https://a.b/example.org") and not origins.allows("http://tool.test:8081")
    assert not origins.allows("null") and not origins.allows("http://localhost.evil.com")
    assert Origins(["*"], env="").allows("https://anything.example")


# ---- class 8: errors are JSON, always; everything is checked before the first byte ------------

BIG = int("9" * 400)


@pytest.mark.parametrize("body,param", [
    *[({"model": JOE, "input": "Hi.", key: BIG}, key)
      for key in ("speed", "seed", "volume", "keep_alive", "sentence_silence", "paragraph_silence")],
    *[({"model": JOE, "input": "Hi.", key: -BIG}, key) for key in ("speed", "keep_alive")],
    *[({"model": JOE, "input": "Hi.", "keep_alive": value}, "keep_alive")
      for value in ("nan", "inf", "-inf", "Infinity", "1e400", "NaN", "1e308h", "٥m", 1e300)],
    ({"model": JOE, "input": "Hi.", "seed": 1.5}, "seed"),
    ({"model": JOE, "input": "Hi.", "lang": "../../../../dev/zero"}, "lang"),
    ({"model": JOE, "input": "Hi.", "lang": "en us"}, "lang"),
    ({"model": JOE, "input": "Hi.", "lang": ["en"]}, "lang"),
])
def test_hostile_numbers_and_codes_are_400(server, body, param):
    status, headers, data = _call(server, "POST", "/v1/audio/speech", body)
    assert status == 400, data
    assert headers["content-type"] == "application/json"
    assert json.loads(data)["error"]["param"] == param


@pytest.mark.parametrize("raw", [b"[" * 30000 + b"]" * 30000, b'{"input": "Hi.", "speed": NaN}',
                                 b'{"input": "Hi.", "keep_alive": Infinity}', b'{"a":' * 8000 + b"1" + b"}" * 8000,
                                 b"\xff\xfe{", b"1" * 5000])
def test_unparseable_bodies_are_400(server, raw):
    status, headers, data = _call(server, "POST", "/v1/audio/speech", raw, {"Content-Type": "application/json"})
    assert status == 400 and headers["content-type"] == "application/json", data


def test_keep_alive_header_nan_and_status_stays_json(server, monkeypatch, capsys):
    status, _, data = _call(server, "POST", "/v1/audio/speech", {"model": JOE, "input": "Hi."}, {"X-Keep-Alive": "nan"})
    assert status == 400 and json.loads(data)["error"]["param"] == "keep_alive"
    assert server.get("/v1/status")["keep_alive"] == 300.0
    from ttscli.cli.app import main

    monkeypatch.setenv("TTSCLI_HOST", server.url)
    assert main(["ps"]) == 0 and "server http://127.0.0.1" in capsys.readouterr().out


def test_unknown_language_fails_before_the_first_byte(server):
    for fmt in ("wav", "pcm", "mp3", "f32"):
        status, headers, data = _call(server, "POST", "/v1/audio/speech",
                                      {"model": JOE, "input": "Hello there.", "lang": "xx-yy", "response_format": fmt})
        assert status == 404 and headers["content-type"] == "application/json", (fmt, data[:80])
        assert "xx-yy" in json.loads(data)["error"]["message"]


def test_unknown_routes_and_methods_are_json(server):
    for method, path, code in [("GET", "/nope", 404), ("DELETE", "/v1/models", 405), ("GET", "/v1/audio/speech", 405)]:
        status, headers, data = _call(server, method, path)
        assert status == code and json.loads(data)["error"]["message"], data
    log = server.log.read_text()
    assert '"GET /nope" 404' in log and "Traceback" not in log


# ---- class 4: held connections -----------------------------------------------------------------

def test_idle_and_trickling_connections_are_closed(server):
    idle = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(5)]
    trickle = socket.create_connection(("127.0.0.1", server.port))
    started = time.monotonic()
    closed_after = None
    try:
        for byte in b"GET /health HTTP/1.1\r\nHost: localhost\r\nX-Pad: " + b"a" * 200:
            trickle.send(bytes([byte]))
            time.sleep(0.05)
    except OSError:
        closed_after = time.monotonic() - started
    assert closed_after is not None and closed_after < 4, closed_after  # --request-timeout 1
    for sock in idle:
        sock.settimeout(5)
        assert sock.recv(1) == b""  # closed by the server, not by us
        sock.close()
    assert server.get("/health")["status"] == "ok"


@pytest.mark.slow
def test_descriptor_exhaustion_gives_few_lines_and_the_server_keeps_answering(tmp_path):
    """With 128 descriptors and 400 connections held open, the server once wrote thousands of
    tracebacks and stopped answering. Now: the longest-idle connections make room, a few lines."""
    import resource

    def low_limit():
        resource.setrlimit(resource.RLIMIT_NOFILE, (128, 128))

    srv = ServerProcess(tmp_path, "--request-timeout", "30", preexec_fn=low_limit)
    held = []
    try:
        for _ in range(400):
            sock = socket.socket()
            sock.setblocking(False)
            sock.connect_ex(("127.0.0.1", srv.port))
            held.append(sock)
        time.sleep(3)
        started = time.monotonic()
        for _ in range(3):
            assert srv.get("/health")["status"] == "ok"
        assert time.monotonic() - started < 20
    finally:
        for sock in held:
            sock.close()
        srv.stop()
    log = srv.log.read_text()
    assert "Traceback" not in log and len(log.splitlines()) < 60, log[-3000:]
    assert "closed an idle connection for a new one" in log


# ---- class 12: SIGTERM mid-request, disconnects, --json -------------------------------------

def test_sigterm_mid_request_and_disconnects_keep_json_logs(tmp_path):
    srv = ServerProcess(tmp_path, "--json", "--grace", "0.5")
    body = json.dumps({"model": JOE, "input": LONG, "response_format": "pcm"})
    for read in (1000, 0):  # a client leaves mid-stream, and one before the first byte
        conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=60)
        conn.request("POST", "/v1/audio/speech", body, {"Content-Type": "application/json"})
        if read:
            conn.getresponse().read(read)
        conn.sock.close()
        time.sleep(1.5)
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=60)
    conn.request("POST", "/v1/audio/speech", body, {"Content-Type": "application/json"})
    resp = conn.getresponse()
    resp.read(1000)
    srv.proc.send_signal(signal.SIGTERM)
    with pytest.raises(http.client.IncompleteRead):
        resp.read()  # cut off after --grace: the client sees an incomplete body
    assert srv.proc.wait(30) == 0
    srv.stop()
    lines = srv.log.read_text().splitlines()
    records = [json.loads(line) for line in lines]  # every line is JSON: no traceback, no native noise
    assert records[-1].get("message", "").startswith("Finished server process")
    assert sum(1 for r in records if "cancelled piper" in r.get("message", "")) >= 2
