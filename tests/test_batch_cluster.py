"""`batch --cluster`: real Ray (a local instance, and a two-node cluster on this machine)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from support.cli import run_cli
pytest.importorskip("ray", reason="the ray extra is not installed")
pytestmark = pytest.mark.slow

SENTENCES = ["The boat left the harbour at dawn.", "Gulls followed it out to sea.", "By noon the sky turned grey.",
             "Rain hammered the deck for an hour.", "At last the wind fell.", "They sailed home before dark.",
             "The lamps were lit along the quay.", "Nobody spoke of the storm again."]


def _book(path: Path, paragraphs_per_chapter: int = 3) -> Path:
    parts = []
    for chapter in (1, 2):
        parts.append(f"Chapter {chapter}")
        for i in range(paragraphs_per_chapter):
            parts.append(" ".join(SENTENCES[(i + chapter) % len(SENTENCES):][:2]) + f" Part {i + 1}.")
    path.write_text("\n\n".join(parts) + "\n", encoding="utf-8")
    return path


def _outputs(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((folder / "book").glob("*.wav"))}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _batch(*args: str) -> list[str]:
    return ["--threads", "1", "batch", *args, "--format", "wav", "--json-progress"]


@pytest.fixture(scope="module")
def book_ref(tmp_path_factory):
    """A two-chapter book (14 chunks) and its chapters made by `--jobs 2` (one thread per worker)."""
    folder = tmp_path_factory.mktemp("cluster-book")
    book = _book(folder / "book.txt", paragraphs_per_chapter=6)
    local = run_cli(*_batch(str(book), "-o", str(folder / "jobs"), "--jobs", "2"),
                    env={"TTSCLI_HOME": str(folder / "home")})
    assert local.returncode == 0, local.stderr.decode()
    outputs = _outputs(folder / "jobs")
    assert len(outputs) == 2
    return book, outputs


def _events(stderr: bytes) -> list[dict]:
    return [json.loads(line) for line in stderr.decode().splitlines() if line.startswith("{")]


def test_local_ray_gives_the_same_bytes_as_two_worker_processes(tmp_path, book_ref):
    book, ref = book_ref
    ray_run = run_cli(*_batch(str(book), "-o", str(tmp_path / "ray"), "--cluster", "ray"))
    assert ray_run.returncode == 0, ray_run.stderr.decode()
    cluster = [e for e in _events(ray_run.stderr) if e["event"] == "cluster"]
    assert cluster and cluster[0]["actors"] == 2 and cluster[0]["nodes"] == 1
    assert _outputs(tmp_path / "ray") == ref


def _descendants(root: int) -> set[int]:
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                parents[int(entry)] = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                pass
    found, grew = {root}, True
    while grew:
        new = {pid for pid, parent in parents.items() if parent in found and pid not in found}
        found |= new
        grew = bool(new)
    return found


def _listening(pids: set[int]) -> list[tuple[str, str, str]]:
    """(process name, protocol, local address) of every listening TCP socket and bound UDP socket of ``pids``
    (from /proc: each process's socket inodes, matched in /proc/net/{tcp,tcp6,udp,udp6})."""
    owner = {}
    for pid in pids:
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                link = os.readlink(f"/proc/{pid}/fd/{fd}")
                if link.startswith("socket:["):
                    owner[link[8:-1]] = Path(f"/proc/{pid}/comm").read_text().strip()
        except OSError:
            continue
    found = []
    for proto in ("tcp", "tcp6", "udp", "udp6"):
        for line in Path(f"/proc/net/{proto}").read_text().splitlines()[1:]:
            fields = line.split()
            listening = fields[3] == "0A" if proto.startswith("tcp") else fields[3] == "07"
            if listening and fields[9] in owner:
                found.append((owner[fields[9]], proto, fields[1]))
    return found


def _loopback(hex_address: str) -> bool:
    """/proc/net address (little-endian hex) on 127.0.0.0/8, ::1 or ::ffff:127.x."""
    host = hex_address.split(":")[0]
    if len(host) == 8:
        return host[6:8] == "7F"
    return host == "00000000000000000000000001000000" or (host[:24] == "0000000000000000FFFF0000"
                                                           and host[30:32] == "7F")


def test_local_ray_listens_on_loopback_only(tmp_path):
    """Every socket the processes of `batch --cluster ray` listen on (GCS, raylet, object manager, workers,
    agents) is bound to loopback."""
    book = _book(tmp_path / "book.txt")
    args = [sys.executable, "-m", "ttscli", *_batch(str(book), "-o", str(tmp_path / "out"), "--cluster", "ray")]
    proc = subprocess.Popen(args, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL)
    sockets = []
    for raw in proc.stderr:
        if raw.startswith(b"{") and json.loads(raw)["event"] in ("cluster", "synthesized") and len(sockets) < 40:
            sockets = _listening(_descendants(proc.pid))  # while the actors work
    assert proc.wait(timeout=300) == 0
    names = {name for name, _, _ in sockets}
    assert {"gcs_server", "raylet"} <= names, sockets
    assert [s for s in sockets if not _loopback(s[2])] == [], sockets


def test_cluster_with_subtitles_and_verify_gives_the_files_of_two_workers(tmp_path):
    """Ray actors time the words and take re-take seeds: subtitles, timings, chapters and --verify records
    are the same bytes as with --jobs 2 (a corrupted first take forces a re-take through the actors)."""
    pytest.importorskip("faster_whisper")
    book = _book(tmp_path / "book.txt")
    env = {"TTSCLI_TEST_CORRUPT_CHUNK": "wind fell"}
    runs = {}
    for name, extra in (("jobs", ["--jobs", "2"]), ("ray", ["--cluster", "ray"])):
        out = tmp_path / name
        proc = run_cli(*_batch(str(book), "-o", str(out), *extra, "--subtitles", "srt,json", "--verify"), env=env)
        assert proc.returncode == 0, proc.stderr.decode()
        files = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*")
                 if p.is_file() and p.suffix in (".wav", ".srt", ".json") and p.name != "manifest.json"}
        manifest = json.loads((out / ".ttscli" / "book" / "manifest.json").read_text())
        runs[name] = files, manifest["verify"]
    files, records = runs["ray"]
    assert any(name.endswith(".timing.json") for name in files) and "book.srt" in files
    assert any(r["take"] >= 2 and r["takes"][0] > 0.5 for r in records.values()), records
    assert runs["ray"] == runs["jobs"]


def test_cluster_option_is_checked_before_any_work(tmp_path):
    from support.cli import assert_clean_error
    book = _book(tmp_path / "book.txt")
    proc = run_cli("batch", str(book), "-o", str(tmp_path / "out"), "--cluster", "not an address")
    assert_clean_error(proc, 2, "--cluster")
    assert not (tmp_path / "out").exists()


def _ray(*args: str, env: dict) -> None:
    subprocess.run([shutil.which("ray") or "ray", *args], check=True, env=env, capture_output=True, timeout=120)


@pytest.fixture
def two_nodes(tmp_path):
    """A head (1 CPU) and a second node (1 CPU) started with `ray start`, both on loopback."""
    if not shutil.which("ray"):
        pytest.skip("the `ray` command is not on PATH")
    port, node_port = _free_port(), _free_port()
    import secrets

    # Ray's token authentication, as a real multi-node cluster would run it: every node and the driver share it.
    env = dict(os.environ, RAY_ADDRESS="", RAY_AUTH_MODE="token", RAY_AUTH_TOKEN=secrets.token_hex(32))
    _ray("start", "--head", "--port", str(port), "--num-cpus", "1", "--node-ip-address", "127.0.0.1",
         "--include-dashboard", "false", "--disable-usage-stats", env=env)
    try:
        _ray("start", "--address", f"127.0.0.1:{port}", "--num-cpus", "1", "--node-ip-address", "127.0.0.1",
             "--node-manager-port", str(node_port), "--disable-usage-stats", env=env)
        yield f"127.0.0.1:{port}", node_port, env
    finally:
        subprocess.run([shutil.which("ray") or "ray", "stop", "--force"], env=env, capture_output=True, timeout=120)


def _kill_node(node_port: int) -> None:
    """kill -9 the second node's raylet and its workers (their command lines name its port)."""
    subprocess.run(["pkill", "-9", "-f", f"node.manager.port[= ]{node_port}"], check=False)


def test_losing_a_node_mid_run_still_finishes_with_the_same_bytes(tmp_path, two_nodes, book_ref):
    address, node_port, env = two_nodes
    book, ref = book_ref

    args = [sys.executable, "-m", "ttscli", *_batch(str(book), "-o", str(tmp_path / "out"), "--cluster", address)]
    proc = subprocess.Popen(args, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, env=env)
    killed = False
    events = []
    for raw in proc.stderr:
        line = raw.decode("utf-8", "replace")
        if not line.startswith("{"):
            continue
        event = json.loads(line)
        events.append(event)
        if event["event"] == "cluster" and not killed:
            assert event["nodes"] == 2 and event["actors"] == 2, event
        if event["event"] == "synthesized" and not killed:  # the first chunk back: both nodes hold work
            _kill_node(node_port)
            killed = True
    assert proc.wait(timeout=300) == 0
    assert killed
    assert any(e["event"] == "cluster" and e["lost_actors"] >= 1 for e in events), events
    assert _outputs(tmp_path / "out") == ref


def test_driver_killed_with_sigkill_resumes_from_the_chunk_store(tmp_path, book_ref):
    book, ref = book_ref
    out = tmp_path / "out"
    args = [sys.executable, "-m", "ttscli", *_batch(str(book), "-o", str(out), "--cluster", "ray")]
    proc = subprocess.Popen(args, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, start_new_session=True)
    for raw in proc.stderr:
        if raw.startswith(b"{") and json.loads(raw)["event"] == "chunk":
            os.kill(proc.pid, signal.SIGKILL)
            break
    proc.wait(timeout=60)
    time.sleep(1.0)
    try:  # Ray's own processes share the driver's fate; sweep any straggler of its session
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    chunks = list((out / ".ttscli" / "book" / "chunks").glob("*.wav"))
    assert chunks, "no chunk was kept"
    again = run_cli(*_batch(str(book), "-o", str(out), "--cluster", "ray"))
    assert again.returncode == 0, again.stderr.decode()
    started = [e for e in _events(again.stderr) if e["event"] == "book"][0]
    assert started["cached"] >= len(chunks) >= 1
    assert _outputs(out) == ref


def test_doctor_shows_the_nodes_of_a_cluster():
    proc = run_cli("doctor", "--json", "--cluster", "ray")
    assert proc.returncode == 0, proc.stderr.decode()
    cluster = json.loads(proc.stdout)["cluster"]
    assert cluster["address"] == "ray" and len(cluster["nodes"]) == 1
    assert cluster["nodes"][0]["cpus"] >= 1 and cluster["nodes"][0]["memory_gb"] > 0
