"""Fault injection: kill -9 during `ttscli pull`, concurrent pulls, concurrent clones.

Everything runs the real CLI in subprocesses against the loopback hub
(tests/hfserver.py) serving the real Piper joe voice (63 MB). After every
kill, nothing half-written may be visible: the model is not listed as
installed (or is listed complete), and every blob in the hub cache hashes to
its name. After the final re-run the store must equal a clean pull's, byte
for byte (hub cache files and the install record, paths and times aside).
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from support.cli import assert_clean_error, run_cli
from support.hub import Repo, hub_fixture
from support.hfserver import sha256_file as _sha
from support.hubfiles import joe_as, voices_json

KEY = "en_US-joefault-medium"
MODEL = f"piper:{KEY}"
ONNX = f"en/en_US/joefault/medium/{KEY}.onnx"
KILLS = 10
SEED = 20261122  # the kill points are random but reproducible


def _piper_voices(_tmp):
    files = joe_as("joefault")
    return {"rhasspy/piper-voices": Repo({**files, "voices.json": voices_json(files, KEY)}, refs=("main", "v1.0.0"))}


hub = hub_fixture(_piper_voices)


def _env(hub, root: Path) -> dict[str, str]:
    return {**hub.env(root / "hf"), "TTSCLI_HOME": str(root / "home")}


def _popen(env, *args) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "ttscli", *args], env={**os.environ, **env},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def store_state(root: Path) -> dict:
    """What a pull leaves behind, comparable across two homes: hub cache files
    (blobs, refs, snapshot links) by content, and the install record without
    absolute paths or times."""
    hub_dir = root / "hf" / "hub"
    files = {}
    for p in sorted(hub_dir.rglob("*")):
        rel = str(p.relative_to(hub_dir))
        if rel.startswith(".locks") or "/.no_exist" in rel or not (p.is_file() or p.is_symlink()):
            continue
        files[rel] = ("link:" + os.readlink(p)) if p.is_symlink() else _sha(p)
    records = {}
    for rec in sorted((root / "home" / "data" / "store" / "models").glob("*.json")):
        text = rec.read_text().replace(str(root), "<root>")
        data = json.loads(text)
        data.pop("installed_at", None)
        records[rec.name] = data
    return {"files": files, "records": records}


def differences(a, b, where: str = "") -> list[str]:
    """Leaf paths where two nested structures differ (a readable assertion message)."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for key in sorted(set(a) | set(b), key=str):
            out += differences(a.get(key, "<missing>"), b.get(key, "<missing>"), f"{where}/{key}")
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in differences(x, y, f"{where}[{i}]")]
    return [] if a == b else [f"{where}: {a!r} != {b!r}"]


def assert_nothing_half_written(env, root: Path) -> None:
    """After a kill: the model is either not installed or installed complete; cached blobs are whole."""
    listed = run_cli("list", "--json", env=env)
    assert listed.returncode == 0, listed.stderr.decode()
    ids = {m["id"] for m in json.loads(listed.stdout)}
    if MODEL in ids:
        shown = json.loads(run_cli("show", MODEL, "--json", env=env).stdout)
        assert shown["complete"], shown
    blobs = root / "hf" / "hub" / "models--rhasspy--piper-voices" / "blobs"
    for blob in blobs.iterdir() if blobs.is_dir() else []:
        if len(blob.name) == 64:  # LFS blobs are named by their sha256
            assert _sha(blob) == blob.name, f"half-written blob {blob.name} in the hub cache"
    snapshots = root / "hf" / "hub" / "models--rhasspy--piper-voices" / "snapshots"
    for link in snapshots.rglob("*") if snapshots.is_dir() else []:
        if link.is_symlink():
            assert link.exists(), f"dangling snapshot link {link}"


@pytest.fixture(scope="module")
def clean(hub, tmp_path_factory):
    """A clean, uninterrupted pull: the reference state and how long it takes."""
    root = tmp_path_factory.mktemp("clean-pull")
    hub.clear()
    hub.fault("rhasspy/piper-voices", ONNX, "slow", times=-1, delay=0.002)
    start = time.monotonic()
    proc = run_cli("pull", MODEL, env=_env(hub, root))
    took = time.monotonic() - start
    assert proc.returncode == 0, proc.stderr.decode()
    return store_state(root), took


def _partial_bytes(root: Path) -> int:
    return sum(p.stat().st_size for p in (root / "home" / "cache" / "downloads").rglob("*.part") if p.exists())


def test_kill_9_at_ten_random_points_then_resume(hub, clean, tmp_path):
    """Eight kills at random fractions of the model file's transfer (each run resumes the last
    one's partial file and is killed further on), two at random moments after the transfer
    (verification, the move into the cache, the install record)."""
    reference, _ = clean
    env = _env(hub, tmp_path)
    rng = random.Random(SEED)
    size = next(f.size for f in hub.repos["rhasspy/piper-voices"].files.values() if f.path == ONNX)
    fractions = sorted(rng.uniform(0.02, 0.98) for _ in range(KILLS - 2))
    sha = next(f.sha256 for f in hub.repos["rhasspy/piper-voices"].files.values() if f.path == ONNX)
    blob = tmp_path / "hf" / "hub" / "models--rhasspy--piper-voices" / "blobs" / sha
    hub.clear()
    hub.fault("rhasspy/piper-voices", ONNX, "slow", times=-1, delay=0.005)
    killed, moments = 0, []
    for n in range(KILLS):
        proc = _popen(env, "pull", MODEL)
        if n < len(fractions):
            target = fractions[n] * size
            while proc.poll() is None and _partial_bytes(tmp_path) < target:
                time.sleep(0.005)
            moments.append(f"{fractions[n]:.0%} of the file")
        else:
            while proc.poll() is None and _partial_bytes(tmp_path) < size and not blob.exists():
                time.sleep(0.005)  # the transfer completes...
            delay = rng.uniform(0.0, 0.25)  # ... then verification, the move, the record
            time.sleep(delay)
            moments.append(f"{delay:.2f} s after the transfer")
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            killed += 1
        proc.communicate(timeout=60)
        assert_nothing_half_written(env, tmp_path)
    print(f"kill -9 at: {moments}; {killed} of {KILLS} runs killed while working")
    assert killed >= KILLS - 2, f"only {killed} of {KILLS} pulls were still running when killed"
    final = run_cli("pull", MODEL, env=env)
    assert final.returncode == 0, final.stderr.decode()
    assert not differences(store_state(tmp_path), reference), differences(store_state(tmp_path), reference)
    assert not list((tmp_path / "home" / "cache" / "downloads").rglob("*.part"))
    speak = run_cli("say", "Resumed after ten kills.", "--model", MODEL, "-o", str(tmp_path / "r.wav"), env=env)
    assert speak.returncode == 0, speak.stderr.decode()


def test_a_pull_after_a_kill_between_writes_leaves_no_temporaries(hub, clean, tmp_path):
    """The moments a random kill rarely hits, set up exactly: a run killed between making the
    snapshot's temporary link and renaming it, and between writing a temporary ref, blob or
    install record and renaming it. The next pull removes what the dead run left; the store
    equals a clean pull's."""
    reference, _ = clean
    env = _env(hub, tmp_path)
    hub.clear()
    assert run_cli("pull", MODEL, env=env).returncode == 0
    repo_dir = tmp_path / "hf" / "hub" / "models--rhasspy--piper-voices"
    pointers = [p for p in (repo_dir / "snapshots").rglob("*") if p.is_symlink()]
    assert pointers
    planted = []
    for pointer in pointers:  # a dead process (pid 999999) made the temporary, then died
        target = os.readlink(pointer)
        pointer.unlink()
        planted.append(pointer.with_name(f".{pointer.name}.999999.1.tmp"))
        os.symlink(target, planted[-1])
    old = time.time() - 60
    for folder, name in ((repo_dir / "refs", "v1.0.0"), (repo_dir / "blobs", "x"),
                         (tmp_path / "home" / "data" / "store" / "models", "m.json")):
        planted.append(folder / f".{name}.k1ll3d00.part")
        planted[-1].write_bytes(b"half")
        os.utime(planted[-1], (old, old))
    for record in (tmp_path / "home" / "data" / "store" / "models").glob("*.json"):
        record.unlink()
    (tmp_path / "home" / "cache" / "catalog" / "piper-voices.json").unlink()  # voices.json is fetched again
    again = run_cli("pull", MODEL, env=env)
    assert again.returncode == 0, again.stderr.decode()
    assert [str(p) for p in planted if os.path.lexists(p)] == []
    assert not differences(store_state(tmp_path), reference), differences(store_state(tmp_path), reference)


def test_four_concurrent_pulls_after_a_kill(hub, clean, tmp_path):
    """A killed pull leaves a partial file; four pulls then start at once: all succeed,
    the rest of the file travels once, and the store equals a clean pull's."""
    reference, _ = clean
    env = _env(hub, tmp_path)
    hub.clear()
    hub.fault("rhasspy/piper-voices", ONNX, "slow", times=-1, delay=0.004)
    first = _popen(env, "pull", MODEL)
    part_dir = tmp_path / "home" / "cache" / "downloads"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any(p.stat().st_size > 5_000_000 for p in part_dir.rglob("*.part")):
        time.sleep(0.02)
    first.send_signal(signal.SIGKILL)
    first.communicate(timeout=30)
    kept = sum(p.stat().st_size for p in part_dir.rglob("*.part"))
    assert kept > 5_000_000
    hub.clear()
    procs = [_popen(env, "pull", MODEL, "--json") for _ in range(4)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], [o[1].decode() for o in outs]
    results = [json.loads(o[0]) for o in outs]
    assert sum(not r["already_installed"] for r in results) == 1
    gets = hub.gets(ONNX)
    assert len(gets) == 1 and gets[0]["range"] == f"bytes={kept}-"
    assert not differences(store_state(tmp_path), reference), differences(store_state(tmp_path), reference)


@pytest.fixture(scope="module")
def neu(tmp_path_factory):
    pytest.importorskip("torch")
    pytest.importorskip("llama_cpp")
    from support.clone_helpers import neutts_model, neutts_setup, speechlike, write_wav

    root = tmp_path_factory.mktemp("clone-race")
    env = neutts_setup(root)
    model = neutts_model(root / "model", 0, [5, 6, 7])
    refs = [write_wav(root / f"ref{i}.wav", speechlike(3.0, 16000, seed=i), 16000) for i in range(2)]
    return env, model, refs


@pytest.mark.parametrize("force", [False, True], ids=["plain", "force"])
def test_two_clones_of_one_name_with_different_audio(neu, tmp_path, force):
    """One wins; the other refuses cleanly (busy, or the name now exists) or, with --force,
    replaces it whole. The voice file always verifies and comes from one of the two."""
    from ttscli.clone import reference
    from ttscli.voices import cache

    env, model, refs = neu
    results: list[subprocess.CompletedProcess] = [None, None]

    def go(i: int) -> None:
        args = ["clone", "race", str(refs[i]), "--model", str(model), "--text", "Hello there."]
        results[i] = run_cli(*args, *(["--force"] if force else []), env=env)

    threads = [threading.Thread(target=go, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    codes = [p.returncode for p in results]
    assert 0 in codes, [p.stderr.decode() for p in results]
    for p in results:
        if p.returncode == 9:
            assert_clean_error(p, 9, "race")
        elif p.returncode == 3:
            assert_clean_error(p, 3, "race", "already exists")
        else:
            assert p.returncode == 0, p.stderr.decode()
    voice = cache.load("race")  # verifies the checksum
    sources = {reference.file_sha256(r) for r in refs}
    assert voice.meta["source_sha256"] in sources
    leftovers = [p.name for p in cache.path_for("race").parent.iterdir() if p.name.endswith(".part")]
    assert leftovers == []


def test_hub_that_keeps_hanging_up(hub, clean, tmp_path):
    """Every transfer of the model is cut mid-way: the pull gives up with one line (exit 6),
    installs nothing, keeps what arrived; once the hub behaves, the next pull resumes."""
    reference, _ = clean
    env = _env(hub, tmp_path)
    hub.clear()
    hub.fault("rhasspy/piper-voices", ONNX, "drop", times=-1, at=0.3)
    proc = run_cli("pull", MODEL, env=env)
    assert_clean_error(proc, 6, "en_US-joefault-medium.onnx")
    assert_nothing_half_written(env, tmp_path)
    kept = sum(p.stat().st_size for p in (tmp_path / "home" / "cache" / "downloads").rglob("*.part"))
    assert kept > 0
    hub.clear()
    assert run_cli("pull", MODEL, env=env).returncode == 0
    assert hub.gets(ONNX)[0]["range"] == f"bytes={kept}-"
    assert not differences(store_state(tmp_path), reference)
