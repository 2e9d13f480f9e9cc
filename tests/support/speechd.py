"""Driving `ttscli speechd module` over pipes exactly as speech-dispatcher does (see its
src/server/output.c): a command line, its reply, then any data lines and the closing dot
with its own reply; events read as they come. And a real speech-dispatcher in a temp dir."""

from __future__ import annotations

import os
import queue
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np


def unescape(data: bytes) -> bytes:
    out, i = bytearray(), 0
    while i < len(data):
        if data[i] == 0x7D:
            out.append(data[i + 1] ^ 0x20)
            i += 2
        else:
            out.append(data[i])
            i += 1
    return bytes(out)


class Module:
    def __init__(self, tmp: Path, config: str = "", env: dict | None = None):
        conf = tmp / "ttscli.conf"
        conf.write_text(config)
        self.err_path = tmp / "module.err"
        self.stderr = open(self.err_path, "wb")  # noqa: SIM115 - closed in close()
        self.proc = subprocess.Popen([sys.executable, "-m", "ttscli", "speechd", "module", str(conf)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr,
                                     env={**os.environ, **(env or {})})
        self.lines: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for raw in iter(self.proc.stdout.readline, b""):
            self.lines.put((time.monotonic(), raw))
        self.lines.put((time.monotonic(), None))

    def send(self, *lines: str) -> float:
        data = "".join(f"{line}\n" for line in lines).encode()
        now = time.monotonic()
        self.proc.stdin.write(data)
        self.proc.stdin.flush()
        return now

    def line(self, timeout: float = 60) -> bytes:
        return self.timed(timeout)[1]

    def timed(self, timeout: float = 60) -> tuple[float, bytes]:
        at, raw = self.lines.get(timeout=timeout)
        assert raw is not None, "the module closed its stdout"
        return at, raw

    def reply(self, timeout: float = 60) -> list[str]:
        """One (multi-line) reply: NNN-… lines up to NNN …."""
        out = []
        while True:
            text = self.line(timeout).decode().rstrip("\n")
            out.append(text)
            if len(text) < 4 or text[3] == " ":
                return out

    def command(self, command: str, data: list[str] | None = None) -> list[str]:
        """Like speech-dispatcher: the command, its reply; then the data and '.', and that reply."""
        self.send(command)
        first = self.reply()
        if data is None:
            return first
        self.send(*[("." + d if d.startswith(".") else d) for d in data], ".")
        return first + self.reply()

    def init(self, audio: str = "server") -> None:
        self.send("INIT")
        assert self.reply(120)[-1] == "299 OK LOADED SUCCESSFULLY"
        assert self.command("AUDIO", [f"audio_output_method={audio}"]) == [
            "207 OK RECEIVING AUDIO SETTINGS", "203 OK AUDIO INITIALIZED"]

    def set(self, **values) -> list[str]:
        return self.command("SET", [f"{k}={v}" for k, v in values.items()])

    def speak(self, text: str, command: str = "SPEAK") -> None:
        assert self.command(command, text.split("\n")) == ["202 OK RECEIVING MESSAGE", "200 OK SPEAKING"]

    def events(self, until=(b"702 END\n", b"703 STOP\n", b"704 PAUSE\n"), timeout: float = 120):
        """[(time, kind, value)] up to the message's last event: ('begin',), ('audio', samples, rate),
        ('mark', name), ('icon', name), ('end'|'stop'|'pause',)."""
        out, block = [], {}
        while True:
            at, raw = self.timed(timeout)
            if raw.startswith(b"705-AUDIO\0"):
                block["data"] = unescape(raw[len(b"705-AUDIO\0"):-1])
            elif raw.startswith(b"705-"):
                key, _, value = raw[4:].decode().strip().partition("=")
                block[key] = int(value)
            elif raw == b"705 AUDIO\n":
                samples = np.frombuffer(block["data"], dtype="<i2").astype(np.float32) / 32768
                assert len(samples) == block["num_samples"] and block["bits"] == 16
                out.append((at, "audio", samples, block["sample_rate"]))
                block = {}
            elif raw.startswith(b"700-"):
                out.append((at, "mark", raw[4:].decode().strip()))
            elif raw.startswith(b"706-"):
                out.append((at, "icon", raw[4:].decode().strip()))
            elif raw in (b"700 INDEX MARK\n", b"706 ICON\n"):
                continue
            elif raw == b"701 BEGIN\n":
                out.append((at, "begin"))
            else:
                assert raw in until, raw
                out.append((at, {b"702": "end", b"703": "stop", b"704": "pause"}[raw[:3]]))
                return out

    def close(self) -> int:
        try:
            if self.proc.poll() is None:
                self.send("QUIT")
                assert self.reply(10) == ["210 OK QUIT"]
            return self.proc.wait(10)
        finally:
            self.proc.kill() if self.proc.poll() is None else None
            self.stderr.close()


def audio_of(events) -> tuple[np.ndarray, int]:
    chunks = [e[2] for e in events if e[1] == "audio"]
    rate = next(e[3] for e in events if e[1] == "audio")
    return np.concatenate(chunks), rate


def have_speech_dispatcher() -> bool:
    return bool(shutil.which("speech-dispatcher") and shutil.which("spd-say"))


class Dispatcher:
    """speech-dispatcher on a private socket with the configuration in ``conf``."""

    def __init__(self, tmp: Path, conf: Path, env: dict | None = None):
        self.sock = tmp / "sd.sock"
        self.env = {**os.environ, **(env or {}), "SPEECHD_ADDRESS": f"unix_socket:{self.sock}"}
        (tmp / "sdlog").mkdir(exist_ok=True)
        for stale in (self.sock, tmp / "sd.pid"):  # left by an earlier instance
            stale.unlink(missing_ok=True)
        self.proc = subprocess.Popen(["speech-dispatcher", "-s", "-C", str(conf), "-c", "unix_socket", "-S",
                                      str(self.sock), "-t", "120", "-L", str(tmp / "sdlog"), "-P",
                                      str(tmp / "sd.pid")], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     env=self.env)
        deadline = time.monotonic() + 30
        while not self.sock.exists():
            assert self.proc.poll() is None and time.monotonic() < deadline, "speech-dispatcher did not start"
            time.sleep(0.05)

    def say(self, *args: str, timeout: float = 120, wait: bool = True) -> subprocess.Popen | str:
        cmd = ["spd-say", *args]
        if not wait:
            return subprocess.Popen(cmd, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        return subprocess.run(cmd, env=self.env, capture_output=True, text=True, timeout=timeout, check=True).stdout

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)


def fake_player(tmp: Path) -> tuple[dict, Path]:
    """An `ffplay` on PATH that writes what it is given (s16le mono) to a file instead of a sound
    card: the environment that makes ttscli's player sink use it, and that file."""
    bin_dir, out = tmp / "player-bin", tmp / "played.raw"
    bin_dir.mkdir(exist_ok=True)
    script = bin_dir / "ffplay"
    script.write_text(f'#!/bin/sh\nexec cat > "{out}"\n')
    script.chmod(0o755)
    return {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "TTSCLI_PLAYER": "ffplay"}, out
