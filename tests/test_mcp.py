"""`ttscli mcp` through the MCP SDK's own stdio client (mcp.client.stdio + ClientSession): the tool
list, speech written to a file (a real WAV: rate, duration, Whisper round trip), progress on a
long text, path escapes and oversized text refused as tool errors, subtitles, and the HTTP
transport's Host check."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from support.asr import transcribe, word_errors

pytest.importorskip("mcp")

from mcp.client.session import ClientSession  # noqa: E402
from mcp.client.stdio import StdioServerParameters, stdio_client  # noqa: E402

TEXT = "The quick brown fox jumps over the lazy dog. It was a sunny day."
LONG = " ".join(f"Sentence number {i} is here to make the text long." for i in range(1, 13))


def _session(out: Path, scenario, *args: str, env: dict | None = None):
    """Run ``scenario(session)`` against `ttscli mcp --output-dir out` over stdio."""
    params = StdioServerParameters(command=sys.executable,
                                   args=["-m", "ttscli", "mcp", "--output-dir", str(out), *args],
                                   env={**os.environ, **(env or {})})

    async def main():
        async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            return await asyncio.wait_for(scenario(session), 180)

    return asyncio.run(main())


def _result(res) -> dict:
    assert not res.is_error, res.content[0].text
    return json.loads(res.content[0].text)


def _error(res) -> str:
    assert res.is_error
    text = res.content[0].text
    assert "\n" not in text and "Traceback" not in text, text
    return text


def test_tools_speech_to_a_file_and_progress(tmp_path, whisper):
    out = tmp_path / "out"
    updates = []

    async def progress(done, total, message):
        updates.append((done, total))

    async def scenario(s):
        names = sorted(t.name for t in (await s.list_tools()).tools)
        first = _result(await s.call_tool("write_speech", {"text": TEXT, "path": "clips/fox.wav"}))
        long = _result(await s.call_tool("write_speech", {"text": LONG, "path": "long.wav"},
                                         progress_callback=progress))
        models = _result(await s.call_tool("list_models", {}))
        voices = _result(await s.call_tool("list_voices", {}))
        return names, first, long, models, voices

    names, first, long, models, voices = _session(out, scenario)
    assert names == ["list_models", "list_voices", "make_subtitles", "speak", "write_speech"]
    assert first["path"] == "clips/fox.wav" and first["model"] == "piper:en_US-joe-medium"
    audio, rate = sf.read(out / "clips" / "fox.wav", dtype="float32")
    assert rate == first["sample_rate"] == 22050
    assert 2.0 < len(audio) / rate < 8.0 and abs(len(audio) / rate - first["seconds"]) < 0.01
    assert float(np.sqrt(np.mean(audio**2))) > 0.02
    errors, words = word_errors(TEXT, transcribe(whisper, audio, rate))
    assert errors <= 2, (errors, words)
    # progress: several notifications, counting up to the total number of segments
    assert len(updates) >= 2 and updates[-1][0] == updates[-1][1] >= 6, updates
    assert [d for d, _ in updates] == sorted(d for d, _ in updates)
    assert long["seconds"] > 20
    assert "piper:en_US-joe-medium" in [m["id"] for m in models["models"]]
    assert {"voice": "en_US-joe-medium", "model": "piper:en_US-joe-medium"}.items() <= voices["voices"][0].items()


def test_paths_outside_the_output_directory_and_oversized_text_are_refused(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    (out / "link").symlink_to(outside)
    (out / "file-link.wav").symlink_to(outside / "target.wav")

    async def scenario(s):
        said = {}
        for path in ("../escape.wav", str(outside / "abs.wav"), "link/through.wav", "file-link.wav",
                     "a/../../up.wav", "notes.txt", "sub"):
            said[path] = _error(await s.call_tool("write_speech", {"text": "Hello.", "path": path}))
        said["big"] = _error(await s.call_tool("write_speech", {"text": "word " * 30, "path": "big.wav"}))
        said["empty"] = _error(await s.call_tool("write_speech", {"text": "  ", "path": "empty.wav"}))
        said["speed"] = _error(await s.call_tool("write_speech", {"text": "Hi.", "path": "s.wav", "speed": 9}))
        inside = _result(await s.call_tool("write_speech", {"text": "Hello.", "path": str(out / "ok.wav")}))
        return said, inside

    (out / "sub").mkdir()
    said, inside = _session(out, scenario, "--max-chars", "100")
    for path in ("../escape.wav", str(outside / "abs.wav"), "link/through.wav", "file-link.wav", "a/../../up.wav"):
        assert "is outside the output directory" in said[path], said[path]
    assert "must end in .wav" in said["notes.txt"]
    assert "the limit is 100" in said["big"] and "150 characters" in said["big"]
    assert "empty" in said["empty"]
    assert "out of range" in said["speed"]
    assert list(outside.iterdir()) == [] and not (tmp_path / "escape.wav").exists()
    assert inside["path"] == "ok.wav" and (out / "ok.wav").stat().st_size > 1000


def test_subtitles_and_speak(tmp_path, whisper):
    from support.speechd import fake_player

    out = tmp_path / "out"
    env, played = fake_player(tmp_path)

    async def scenario(s):
        made = _result(await s.call_tool("make_subtitles", {"text": TEXT, "audio_path": "fox.wav",
                                                            "subtitles_path": "fox.srt"}))
        spoken = _result(await s.call_tool("speak", {"text": TEXT}))
        return made, spoken

    made, spoken = _session(out, scenario, env=env)
    srt = (out / "fox.srt").read_text()
    assert made["words"] == 14 and "-->" in srt and "quick brown fox" in srt
    audio, rate = sf.read(out / "fox.wav", dtype="float32")
    last_end = srt.strip().splitlines()[-2].split(" --> ")[1]
    h, m, s = last_end.replace(",", ".").split(":")
    assert abs(float(h) * 3600 + float(m) * 60 + float(s) - len(audio) / rate) < 1.0
    # speak: the player (an ffplay that keeps what it is given) got the speech
    audio = np.frombuffer(played.read_bytes(), dtype="<i2").astype(np.float32) / 32768
    assert abs(len(audio) / 22050 - spoken["seconds"]) < 0.01
    errors, words = word_errors(TEXT, transcribe(whisper, audio, 22050))
    assert errors <= 2, (errors, words)

    async def no_player(s):
        return _error(await s.call_tool("speak", {"text": "Hello."}))

    assert "no audio player or sound device" in _session(out, no_player, env={"TTSCLI_PLAYER": "none"})


def test_http_transport_is_loopback_and_checks_the_host(tmp_path):
    import subprocess
    import time
    import urllib.error
    import urllib.request

    from support.server import free_port

    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "ttscli", "mcp", "--http", str(port), "--output-dir",
                             str(tmp_path)], stderr=subprocess.PIPE)
    try:
        body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                           "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                                      "clientInfo": {"name": "t", "version": "1"}}}).encode()

        def post(host: str, origin: str | None = None) -> int:
            headers = {"Host": host, "Content-Type": "application/json",
                       "Accept": "application/json, text/event-stream"}
            if origin:
                headers["Origin"] = origin
            req = urllib.request.Request(f"http://127.0.0.1:{port}/mcp", data=body, headers=headers)
            try:
                with urllib.request.urlopen(req, timeout=10) as resp:
                    return resp.status
            except urllib.error.HTTPError as exc:
                return exc.code

        deadline = time.monotonic() + 30
        while True:
            try:
                status = post(f"127.0.0.1:{port}")
                break
            except OSError:
                assert time.monotonic() < deadline and proc.poll() is None, proc.stderr.read()
                time.sleep(0.2)
        assert status == 200
        assert post(f"localhost:{port}", f"http://localhost:{port}") == 200
        assert post("evil.example:80") in (403, 421)  # a DNS-rebound name
        assert post(f"127.0.0.1:{port}", "http://evil.example") == 403  # a page elsewhere
    finally:
        proc.terminate()
        proc.wait(10)


def test_the_default_output_directory_is_in_ttscli_data(monkeypatch, _isolated_home):
    from ttscli.mcp_server.places import default_dir

    monkeypatch.delenv("TTSCLI_MCP_DIR", raising=False)
    assert default_dir() == _isolated_home / "data" / "mcp"
    monkeypatch.setenv("TTSCLI_MCP_DIR", "/srv/speech")
    assert str(default_dir()) == "/srv/speech"
