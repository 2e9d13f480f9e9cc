"""`say` start-up (docs/performance.md, "First audio"): with no server listening and no
subtitles asked, a run imports neither pydantic, http.client nor the timing modules; text
without digits or foreign letters loads no number rules (nor num2words) and compiles no
script patterns; the default model resolves without every family's model list or the
store; and the server probe still falls back to in-process synthesis."""

from __future__ import annotations

import socket
import subprocess
import sys
import textwrap


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_say_imports_only_what_it_uses(tmp_path):
    out = tmp_path / "hello.wav"
    code = textwrap.dedent(f"""
        import sys
        from ttscli.cli.app import main
        rc = main(["say", "Hello there.", "-o", {str(out)!r}])
        names = ("pydantic", "http.client", "ttscli.timing.session", "ttscli.timing.collector", "num2words",
                 "ttscli.text.en.dates", "ttscli.text.en.measures", "ttscli.store", "ttscli.families.styletts.offline")
        from ttscli.text import scripts
        compiled = ["scripts"] if scripts._patterns.cache_info().currsize else []
        print("RC", rc, "LOADED", [m for m in names if m in sys.modules] + compiled)
        """)
    env = {"TTSCLI_HOST": f"127.0.0.1:{_free_port()}", "TTSCLI_HOME": str(tmp_path / "home")}
    import os

    base = {k: v for k, v in os.environ.items() if not k.startswith("TTSCLI_")}  # an option given as text
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,  # would load pydantic
                          env={**base, **env}, timeout=120)
    assert proc.stdout.strip().endswith("RC 0 LOADED []"), proc.stdout + proc.stderr
    assert out.read_bytes()[:4] == b"RIFF" and out.stat().st_size > 10_000


def test_probe_finds_no_server_and_writes_nothing(tmp_path, monkeypatch):
    from ttscli.audio.formats import format_for
    from ttscli.audio.sinks import FileSink
    from ttscli.server import client

    port = _free_port()
    for host in (f"127.0.0.1:{port}", f"http://localhost:{port}", f"https://127.0.0.1:{port}"):
        monkeypatch.setenv("TTSCLI_HOST", host)
        sink = FileSink(tmp_path / "x.wav", format_for(tmp_path / "x.wav", None))
        assert client.speak({"input": "Hello."}, sink) is False, host
        assert sink.sample_rate == 0 and list(tmp_path.iterdir()) == []


def test_probe_hands_its_socket_to_http(tmp_path):
    """A listener that is not a ttscli server: the probe connects, the request goes out on
    that same connection, and the odd answer means in-process synthesis."""
    import threading

    from ttscli.server import client

    seen: list[bytes] = []
    with socket.socket() as srv:
        srv.bind(("127.0.0.1", 0))
        srv.listen(1)

        def answer():
            conn, _ = srv.accept()
            with conn:
                seen.append(conn.recv(65536))
                conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\nno")

        t = threading.Thread(target=answer)
        t.start()
        from ttscli.server import address

        conn = client._connect(address(f"http://127.0.0.1:{srv.getsockname()[1]}"), None)
        try:
            conn.request("GET", "/v1/models")
            resp = conn.getresponse()
            assert resp.status == 404 and resp.read() == b"no"
        finally:
            conn.close()
        t.join(10)
    assert seen and seen[0].startswith(b"GET /v1/models HTTP/1.1")


def test_plugin_precheck_sees_every_place_importlib_metadata_reads(tmp_path, monkeypatch):
    """The registry skips importlib.metadata only when no entry_points.txt names its group."""
    from ttscli.backends.registry import ENTRY_POINT_GROUP
    from ttscli.plugins import _may_declare

    def _may_declare_plugins():
        return _may_declare(ENTRY_POINT_GROUP)

    baseline = _may_declare_plugins()  # whatever this environment has installed
    other = tmp_path / "other"
    (other / "some_tool-1.0.dist-info").mkdir(parents=True)
    (other / "some_tool-1.0.dist-info" / "entry_points.txt").write_text("[console_scripts]\nx = y:z\n")
    monkeypatch.syspath_prepend(str(other))
    assert _may_declare_plugins() == baseline
    for where in ("Plug-1.0.DIST-INFO", "plug.egg-info", "plug-1.0.egg/EGG-INFO"):
        root = tmp_path / where.replace("/", "_")
        info = root / where
        info.mkdir(parents=True)
        (info / "entry_points.txt").write_text(f"[{ENTRY_POINT_GROUP}]\nplug = plug:FAMILY\n")
        path = root / where.split("/")[0] if "/" in where else root
        with monkeypatch.context() as m:
            m.syspath_prepend(str(path))
            assert _may_declare_plugins() is True, where


def test_interrupt_inside_an_extension_import_still_stops(monkeypatch):
    """pybind11 turns a Ctrl-C that lands while onnxruntime's module initializes into
    ImportError("initialization failed") caused by the KeyboardInterrupt (seen with SIGINT at
    0.3 s into `say`: the run went on and ignored it). The runtime probe and the family
    registry raise the interrupt instead of recording a failed import. Here a finder raises
    that same error shape for onnxruntime."""
    import pytest
    from importlib.abc import MetaPathFinder

    from ttscli.runtime import sources

    class Interrupted(MetaPathFinder):
        def find_spec(self, fullname, path=None, target=None):
            if fullname == "onnxruntime":
                raise ImportError("initialization failed") from KeyboardInterrupt()
            return None

    import onnxruntime  # noqa: F401 - restored by monkeypatch after the test

    where = sources._package_dir("onnxruntime")
    monkeypatch.setattr(sources, "_package_dir", lambda module: where)  # installed; only the import fails
    monkeypatch.delitem(sys.modules, "onnxruntime")
    monkeypatch.setattr(sys, "meta_path", [Interrupted(), *sys.meta_path])
    with pytest.raises(KeyboardInterrupt):
        sources._onnxruntime_facts()
    monkeypatch.setattr(sys, "meta_path", sys.meta_path[1:])
    assert "error" not in (sources._onnxruntime_facts() or {})  # a plain import works again
