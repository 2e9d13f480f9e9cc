"""`say` and `ps` against impostors and hostile answers, and `say`'s fast client (issue 34 classes 2
and 9; issue 28 item 2). Real processes: a fake listener on the default port that captures what
arrives, one that never answers, the user's real server there, hostile headers; files through the
fast client compared byte for byte with `--no-server`."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time

import pytest
from support.cli import assert_clean_error, report_at_exit, run_cli
from support.server import ServerProcess

from ttscli.server import DEFAULT_PORT, identity

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")

SECRET = "The launch code is xyzzy-4711."


class FakeListener:
    """A listener that is not the user's ttscli server. ``mode``: "impostor" answers like a
    ttscli server but cannot prove it; "silent" accepts and never answers; "rate:VALUE" answers
    every request as a server would, with ``X-Sample-Rate: VALUE``; "cut" answers a request with
    one frame of audio and then closes the connection, as a server that dies partway would.

    Other programs on this machine may knock on the default port while a test holds it (an older
    ttscli, say); they get a 503 or a closed connection, never a hang. ``ours`` holds what
    arrived on the connections that carried a challenge, ``received`` everything."""

    def __init__(self, port: int, mode: str):
        self.mode = mode
        self.received = bytearray()
        self.ours: list[bytearray] = []
        self.connections = 0
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            self.sock.bind(("127.0.0.1", port))
        except OSError:
            self.sock.close()
            pytest.skip(f"port {port} is in use on this machine")
        self.sock.listen(16)
        self.port = port
        self.held: list[socket.socket] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            self.held.append(conn)
            threading.Thread(target=self._talk, args=(conn,), daemon=True).start()

    def _talk(self, conn: socket.socket) -> None:
        buf = b""
        mine = None
        try:
            while True:
                data = conn.recv(65536)
                if not data:
                    return
                self.received += data
                buf += data
                if mine is None and identity.CHALLENGE_HEADER.lower().encode() in buf.lower():
                    mine = bytearray()
                    self.ours.append(mine)
                if mine is not None:
                    mine += data
                if self.mode == "silent":
                    if mine is None and b"\r\n\r\n" in buf:
                        conn.close()  # not one of ours: do not hang it
                        return
                    continue
                while b"\r\n\r\n" in buf:
                    head, _, rest = buf.partition(b"\r\n\r\n")
                    length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                                   if line.lower().startswith(b"content-length:")), 0)
                    if len(rest) < length:
                        break
                    buf = rest[length:]
                    conn.sendall(self._answer(head.split(b" ")[0]))
                    if self.mode == "cut" and head.startswith(b"POST"):
                        conn.shutdown(socket.SHUT_RDWR)
                        return
        except OSError:
            return

    def _answer(self, method: bytes) -> bytes:
        if method == b"POST" and self.mode == "impostor":
            return b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n"
        if method == b"GET":
            body = json.dumps({"status": "ok", "service": "ttscli", "version": "0.1.0"}).encode()
            extra = f"{identity.PROOF_HEADER}: {'0' * 64}\r\n"
            return (f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n{extra}Content-Length: {len(body)}\r\n\r\n"
                    .encode() + body)
        rate = self.mode.partition(":")[2] or "22050"
        frame = (2000).to_bytes(4, "little") + b"\x00\x00\x00\x3e" * 2000  # 2000 samples of 0.125
        head = f"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nX-Sample-Rate: {rate}\r\n"
        try:  # what a client decodes as the same characters (HTTP headers are Latin-1), else raw UTF-8
            raw = head.encode("latin-1")
        except UnicodeEncodeError:
            raw = head.encode("utf-8")
        promised = len(frame) * (10 if self.mode == "cut" else 1)
        return raw + f"Content-Length: {promised}\r\n\r\n".encode() + frame

    def close(self) -> None:
        try:
            self.sock.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept(): the port is free again
        except OSError:
            pass
        self.sock.close()
        for conn in self.held:
            conn.close()


@pytest.fixture
def user_key(_isolated_home):
    """The user has run `ttscli serve` before: their key file exists (so `say` does knock)."""
    return identity.ensure_key(_isolated_home / "config" / identity.KEY_FILE)


def _wav_ok(path) -> float:
    import soundfile as sf

    audio, rate = sf.read(str(path))
    assert rate == 22050 and abs(audio).max() > 0.05
    return len(audio) / rate


def test_impostor_on_the_default_port_gets_no_text(user_key, tmp_path):
    fake = FakeListener(DEFAULT_PORT, "impostor")
    try:
        out = tmp_path / "out.wav"
        proc = run_cli("say", SECRET, "-o", str(out), timeout=180)
        assert proc.returncode == 0, proc.stderr
        ps = run_cli("ps", timeout=30)
    finally:
        fake.close()
    assert len(fake.ours) >= 2  # say and ps knocked, with a challenge
    assert b"xyzzy" not in fake.received  # the text never left this process
    assert not [c for c in fake.ours if b"POST" in c]  # nothing but the challenge was sent
    assert 1.5 < _wav_ok(out) < 6  # spoken in-process
    assert_clean_error(ps, 5, "could not prove")


def test_a_listener_that_never_answers_costs_a_bounded_wait(user_key, tmp_path):
    fake = FakeListener(DEFAULT_PORT, "silent")
    try:
        started = time.monotonic()
        ps = run_cli("ps", timeout=60)
        ps_seconds = time.monotonic() - started
        out = tmp_path / "out.wav"
        proc = run_cli("--debug", "say", SECRET, "-o", str(out), timeout=180)
    finally:
        fake.close()
    assert_clean_error(ps, 5, "did not answer")
    assert ps_seconds < 15, ps_seconds  # 2 s per wait, not the 600 s of a read timeout
    assert proc.returncode == 0 and b"did not answer in 2s" in proc.stderr, proc.stderr[-2000:]
    assert len(fake.ours) >= 2 and b"xyzzy" not in fake.received
    _wav_ok(out)


def test_a_suspended_server_costs_a_bounded_wait(tmp_path):
    """A real server stopped with SIGSTOP accepts connections (the kernel does) but never answers."""
    import signal

    (tmp_path / "srv").mkdir()
    srv = ServerProcess(tmp_path / "srv")
    env = {"TTSCLI_HOST": srv.url}
    try:
        srv.proc.send_signal(signal.SIGSTOP)
        started = time.monotonic()
        ps = run_cli("ps", env=env, timeout=60)
        ps_seconds = time.monotonic() - started
        started = time.monotonic()
        say = run_cli("say", SECRET, "-o", str(tmp_path / "x.wav"), env=env, timeout=180)
        say_seconds = time.monotonic() - started
    finally:
        srv.proc.send_signal(signal.SIGCONT)
        srv.stop()
    assert_clean_error(ps, 5, "did not answer")
    assert ps_seconds < 15 and say_seconds < 120, (ps_seconds, say_seconds)  # was 600 s per read
    assert say.returncode == 0, say.stderr
    _wav_ok(tmp_path / "x.wav")


def test_the_users_own_server_on_the_default_port_is_used(_isolated_home, tmp_path):
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", DEFAULT_PORT)) == 0:
            pytest.skip("something listens on the default port")
    srv = ServerProcess(_isolated_home, port=DEFAULT_PORT)
    try:
        for ext in ("wav", "mp3"):
            assert run_cli("say", SECRET, "--seed", "3", "-o", str(tmp_path / f"s.{ext}")).returncode == 0
            assert run_cli("say", SECRET, "--seed", "3", "--no-server", "-o", str(tmp_path / f"l.{ext}")).returncode == 0
            assert (tmp_path / f"s.{ext}").read_bytes() == (tmp_path / f"l.{ext}").read_bytes()
        ps = run_cli("ps")
        assert ps.returncode == 0 and b"piper:en_US-joe-medium" in ps.stdout, ps.stderr
    finally:
        srv.stop()
    log = srv.log.read_text()
    assert "format=file.wav" in log and "format=file.mp3" in log  # both went through the server


def test_the_proof_is_bound_to_the_key_and_the_port(tmp_path):
    key = identity.ensure_key(tmp_path / "server.key")
    nonce = identity.challenge()
    answer = identity.proof(key, nonce, 8870)
    assert identity.proven(key, nonce, 8870, answer)
    assert not identity.proven(key, nonce, 8871, answer)  # relayed from a server on another port
    assert not identity.proven(b"0" * 64, nonce, 8870, answer)
    assert not identity.proven(key, identity.challenge(), 8870, answer)
    assert not identity.proven(key, nonce, 8870, "é" * 64) and not identity.proven(key, nonce, 8870, None)
    assert (tmp_path / "server.key").stat().st_mode & 0o777 == 0o600


def test_a_key_file_that_is_not_the_users_own_is_not_trusted(tmp_path):
    path = tmp_path / "server.key"
    key = identity.ensure_key(path)
    assert identity.read_key(path) == key
    path.chmod(0o644)  # readable by others: anyone could answer the challenge
    assert identity.read_key(path) is None
    path.chmod(0o600)
    link = tmp_path / "link.key"
    link.symlink_to(path)
    assert identity.read_key(link) is None
    if os.geteuid() == 0:
        os.chown(path, 65534, 65534)  # another user's file
        assert identity.read_key(path) is None
    fresh = identity.ensure_key(path)  # the server replaces it with its own
    assert fresh != key and identity.read_key(path) == fresh


# ---- class 9: hostile answers and environment ---------------------------------------------------

@pytest.mark.parametrize("rate", ["١٢٣٤٥", "22050\u00b2", "99999999999999999999", "0", "1", "-22050", "2e4"])
def test_a_hostile_sample_rate_header_means_in_process(rate, tmp_path):
    from support.server import free_port

    fake = FakeListener(free_port(), f"rate:{rate}")
    try:
        env = {"TTSCLI_HOST": f"127.0.0.1:{fake.port}"}
        served = run_cli("say", "Hello there.", "--raw", env=env, timeout=180)
    finally:
        fake.close()
    local = run_cli("say", "Hello there.", "--raw", "--no-server", timeout=180)
    assert served.returncode == 0 and b"Traceback" not in served.stderr, served.stderr
    assert served.stdout == local.stdout and len(local.stdout) > 20000  # in-process audio, not the fake's


@pytest.mark.parametrize("key", ["ключ", "abc\r\nX-Evil: 1", "two words", "x" * 5000])
def test_an_api_key_no_header_can_carry_is_one_line(key, tmp_path):
    for args in (["say", "Hi.", "-o", str(tmp_path / "x.wav")], ["ps"]):
        assert_clean_error(run_cli(*args, env={"TTSCLI_API_KEY": key}), 2, "TTSCLI_API_KEY")
    assert not list(tmp_path.iterdir())
    assert_clean_error(run_cli("serve", "--api-key", key, "--port", "9"), 2, "api-key")


@pytest.mark.parametrize("host", ["127.0.0.1:99999", "127.0.0.1:abc", "[::1", "::1]:80", "http://[::1",
                                  "127.0.0.1:0", "ftp://127.0.0.1:1", "a b:1", "127.0.0.1:８８７０"])
def test_a_malformed_server_address_is_one_line(host, tmp_path):
    for args in (["say", "Hi.", "-o", str(tmp_path / "x.wav")], ["ps"]):
        assert_clean_error(run_cli(*args, env={"TTSCLI_HOST": host}), 2, "TTSCLI_HOST")


# ---- issue 28 item 2: the fast client ---------------------------------------------------------------

@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = ServerProcess(tmp_path_factory.mktemp("fast-home"), "--keep-alive", "-1")
    yield srv
    srv.stop()


@pytest.mark.parametrize("ext", ["wav", "flac", "ogg", "opus", "mp3"])
def test_fast_client_files_are_byte_identical(server, ext, tmp_path):
    text = "Notification number 7: the build has finished, with 12 warnings."
    env = {"TTSCLI_HOST": server.url}
    fast = run_cli("say", text, "--seed", "5", "--speed", "1.1", "-o", str(tmp_path / f"fast.{ext}"), env=env)
    assert fast.returncode == 0 and fast.stderr == b"", fast.stderr
    local = run_cli("say", text, "--seed", "5", "--speed", "1.1", "--no-server", "-o", str(tmp_path / f"local.{ext}"))
    assert local.returncode == 0, local.stderr
    assert (tmp_path / f"fast.{ext}").read_bytes() == (tmp_path / f"local.{ext}").read_bytes()
    assert server.log.read_text().count(f"format=file.{ext} chars={len(text)}") == 1  # --no-server: never asked
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"fast.{ext}", f"local.{ext}"]  # no .part left


HEAVY = ('numpy', 'soundfile', 'typer', 'click', 'rich', 'pydantic', 'ttscli.engine', 'ttscli.cli.app',
         'onnxruntime', 'starlette', 'http.client', 'ssl', 'email', 'logging')


def test_fast_client_imports_the_standard_library_only(server, tmp_path):
    code = (f"heavy = {HEAVY!r}\n" + report_at_exit("print([m for m in heavy if m in sys.modules])")
            + "sys.argv = ['ttscli', 'say', 'Hello there.', '-o', sys.argv[1]]\n"
            "from ttscli.__main__ import run\nrun()\nprint('the entry point returned')")
    env = dict(os.environ, TTSCLI_HOST=server.url)
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "x.wav")], capture_output=True, text=True,
                         env=env, check=True).stdout
    assert out.strip() == "[]"
    _wav_ok(tmp_path / "x.wav")


def test_fast_client_reads_a_file_on_stdin_and_hands_it_over_untouched(server, tmp_path):
    from support.server import free_port

    text = tmp_path / "text.txt"
    text.write_text("Read from standard input. Twice if needed.\n")
    outputs = {}
    for name, env in (("served", {"TTSCLI_HOST": server.url}), ("closed", {"TTSCLI_HOST": f"127.0.0.1:{free_port()}"}),
                      ("local", {"TTSCLI_NO_SERVER": "1"})):
        with open(text, "rb") as stdin:
            proc = subprocess.run([sys.executable, "-m", "ttscli", "say", "-o", str(tmp_path / f"{name}.flac")],
                                  stdin=stdin, capture_output=True, env=dict(os.environ, **env), timeout=180)
        assert proc.returncode == 0, proc.stderr
        outputs[name] = (tmp_path / f"{name}.flac").read_bytes()
    assert outputs["served"] == outputs["local"] == outputs["closed"]  # the hand-over read the same text


def test_fast_client_leaves_unusual_cases_to_the_full_cli(server, tmp_path):
    env = {"TTSCLI_HOST": server.url}
    assert_clean_error(run_cli("say", "Hi.", "-o", str(tmp_path / "no" / "x.wav"), env=env), 8, "does not exist")
    assert_clean_error(run_cli("say", "Hi.", "-o", str(tmp_path / "x.xyz"), env=env), 2, "format")
    assert_clean_error(run_cli("say", "   ", "-o", str(tmp_path / "x.wav"), env=env), 3)
    assert_clean_error(run_cli("say", "Hi.", "--voice", "nobody", "-o", str(tmp_path / "x.wav"), env=env), 4)
    assert_clean_error(run_cli("say", "Hi.", "--speed", "9", "-o", str(tmp_path / "x.wav"), env=env), 2)
    assert not list(tmp_path.rglob("*"))


@pytest.mark.parametrize("how", ["raw", "wav-pipe", "wav-file"])
def test_fast_client_stdout_is_byte_identical(server, how, tmp_path):
    """`say --raw` and WAV on stdout through the server: the same bytes (and the same note on
    stderr) as in-process; a seekable stdout gets the WAV sizes patched in, as in-process."""
    text = "Notification number 7: the build has finished, with 12 warnings. Then the next line."
    args = ["say", text, "--seed", "5", *(["--raw"] if how == "raw" else ["-o", "-"])]
    served_env = {**os.environ, "TTSCLI_HOST": server.url}
    got = {}
    for name, extra, env in (("fast", [], served_env), ("local", ["--no-server"], dict(os.environ))):
        if how == "wav-file":
            with open(tmp_path / f"{name}.wav", "wb") as out:
                proc = subprocess.run([sys.executable, "-m", "ttscli", *args, *extra], stdout=out,
                                      stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=env, timeout=180)
            got[name] = ((tmp_path / f"{name}.wav").read_bytes(), proc.stderr, proc.returncode)
        else:
            proc = run_cli(*args, *extra, env=env, timeout=180)
            got[name] = (proc.stdout, proc.stderr, proc.returncode)
    assert got["fast"][2] == got["local"][2] == 0, got["fast"][1]
    assert got["fast"][0] == got["local"][0] and len(got["fast"][0]) > 50_000
    assert got["fast"][1] == got["local"][1]  # `ttscli: raw PCM: s16le, 22050 Hz, 1 channel` for --raw
    assert f"format=stream.{'raw' if how == 'raw' else 'wav'} chars={len(text)}" in server.log.read_text()
    data = got["fast"][0]
    if how == "wav-file":
        assert int.from_bytes(data[40:44], "little") == len(data) - 44
    elif how == "wav-pipe":
        assert data[40:44] == b"\xff\xff\xff\xff"  # "read to the end of the stream"


def test_fast_client_raw_imports_the_standard_library_only(server):
    code = (f"heavy = {HEAVY!r}\n" + report_at_exit("sys.stderr.write(repr([m for m in heavy if m in sys.modules]))")
            + "sys.argv = ['ttscli', 'say', 'Hello there.', '--raw']\n"
            "from ttscli.__main__ import run\nrun()\nsys.stderr.write('the entry point returned')")
    env = dict(os.environ, TTSCLI_HOST=server.url)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, env=env, check=True, timeout=180)
    assert proc.stderr.decode().endswith("[]") and len(proc.stdout) > 20_000


def test_fast_client_stdout_server_gone_partway_is_one_line(tmp_path):
    """Audio already on stdout cannot be taken back: one line, exit 5, as the full CLI's served path."""
    from support.server import free_port

    fake = FakeListener(free_port(), "cut")
    try:
        proc = run_cli("say", "Hello there.", "--raw", env={"TTSCLI_HOST": f"127.0.0.1:{fake.port}"}, timeout=180)
    finally:
        fake.close()
    lines = proc.stderr.decode().splitlines()
    assert proc.returncode == 5 and b"Traceback" not in proc.stderr, proc.stderr
    assert lines == ["ttscli: raw PCM: s16le, 22050 Hz, 1 channel",
                     "ttscli: error: the server stopped in the middle of the audio; rerun with --no-server"]
    assert len(proc.stdout) == 2000  # the first frame (2,000 bytes) went out as it came; the rest was cut off


@pytest.mark.parametrize("how", ["closed-pipe", "ctrl-c"])
def test_fast_client_stdout_reader_gone_or_interrupted(server, how, tmp_path):
    """The reader closing the pipe: exit 141, nothing printed (as in-process); Ctrl-C: exit 130
    and one line. Either way the server hears the client leave and stops that synthesis."""
    import signal

    text = tmp_path / "long.txt"
    text.write_text("A sentence that the server reads aloud, one of many. " * 150)
    env = dict(os.environ, TTSCLI_HOST=server.url)
    mark = "outcome=cancelled bytes="
    left = f"format=stream.raw chars={len(text.read_text())}"

    def stopped() -> int:
        return sum(mark in line and left in line for line in server.log.read_text().splitlines())

    before = stopped()
    proc = subprocess.Popen([sys.executable, "-m", "ttscli", "say", "-f", str(text), "--raw"], env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert len(proc.stdout.read(4000)) == 4000  # audio is flowing
        if how == "closed-pipe":
            proc.stdout.close()
        else:
            proc.send_signal(signal.SIGINT)
        code = proc.wait(60)
    finally:
        proc.kill()
    err = proc.stderr.read().decode()
    assert "Traceback" not in err
    lines = err.splitlines()
    assert lines[0] == "ttscli: raw PCM: s16le, 22050 Hz, 1 channel"
    if how == "closed-pipe":
        assert code == 141 and lines[1:] == []
    else:
        assert code == 130 and lines[1:] == ["ttscli: error: interrupted (Ctrl-C)"]
    server.wait_for(lambda: stopped() > before, timeout=60)
