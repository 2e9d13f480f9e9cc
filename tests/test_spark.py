"""Spark-TTS end to end on real llama.cpp + PyTorch with a tiny model built to the real
interfaces (tests/support/spark_tiny.py): prompts as the upstream inference code builds
them, voice design, stored voices, streaming, guards, refused files, missing extras."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

pytest.importorskip("llama_cpp")
pytest.importorskip("torch")

from support.cli import assert_clean_error, run_cli  # noqa: E402
from support.spark_tiny import REF_SEMANTIC, TOKEN_NUM, one_shot, spark_dir  # noqa: E402

from ttscli.backends.base import SynthesisOptions  # noqa: E402
from ttscli.errors import BadInput, RuntimeFailure  # noqa: E402
from ttscli.families.spark import backend as spark  # noqa: E402
from ttscli.families.spark import prompt as fmt  # noqa: E402
from ttscli.models.ref import ModelRef  # noqa: E402
from ttscli.text.segments import Segment  # noqa: E402

CHAIN = list(range(20, 220))  # 200 semantic codes = 4.0 s at 16 kHz
# one llama.cpp thread; synthesis in process even when some server listens on the default port
ONE_THREAD = {"TTSCLI_THREADS": "1", "TTSCLI_HOST": "127.0.0.1:9"}
TEXT = "Hello there, this is a test of the designed voice."
MEDIUM = "Hello there, this is a short test of streaming."  # 31 phonemes: 0.52 to 9.75 s

# --- the upstream prompt builders (SparkAudio/Spark-TTS cli/SparkTTS.py), re-derived as plain strings
UP_LEVELS = {"very_low": 0, "low": 1, "moderate": 2, "high": 3, "very_high": 4}
UP_GENDERS = {"female": 0, "male": 1}


def upstream_control(gender: str, pitch: str, speed: str, text: str) -> str:
    labels = f"<|gender_{UP_GENDERS[gender]}|><|pitch_label_{UP_LEVELS[pitch]}|><|speed_label_{UP_LEVELS[speed]}|>"
    return f"<|task_controllable_tts|><|start_content|>{text}<|end_content|><|start_style_label|>{labels}" \
           "<|end_style_label|>"


def upstream_clone(text: str, global_ids, prompt_text: str | None = None, semantic_ids=()) -> str:
    glob = "".join(f"<|bicodec_global_{i}|>" for i in global_ids)
    if prompt_text is not None:
        sem = "".join(f"<|bicodec_semantic_{i}|>" for i in semantic_ids)
        return f"<|task_tts|><|start_content|>{prompt_text}{text}<|end_content|><|start_global_token|>{glob}" \
               f"<|end_global_token|><|start_semantic_token|>{sem}"
    return f"<|task_tts|><|start_content|>{text}<|end_content|><|start_global_token|>{glob}<|end_global_token|>"


def _load(path):
    return spark.load(ModelRef(f"local:{path}", "spark", path, "local"))


def _audio(chunks) -> np.ndarray:
    return np.concatenate([c.samples for c in chunks]) if chunks else np.zeros(0, np.float32)


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    return spark_dir(tmp_path_factory.mktemp("spark") / "spark-tiny", CHAIN)


@pytest.fixture(scope="module")
def sp(model_dir):
    backend = _load(model_dir)
    yield backend
    backend.close()


def _upstream_ids(backend, text: str) -> list[int]:
    """What the upstream tokenizer call gives: added tokens matched, text pieces tokenized between them."""
    return backend.llm.llm.tokenize(text.encode("utf-8"), add_bos=False, special=True)


# --- voice design syntax
@pytest.mark.parametrize("spec, expected", [
    ("female", ("female", "moderate", "moderate")),
    ("male,high", ("male", "high", "moderate")),
    ("Female, very high, very-low", ("female", "very_high", "very_low")),
    ("speed=high,gender=male", ("male", "moderate", "high")),
    ("gender=female,pitch=low,speed=very_high", ("female", "low", "very_high")),
])
def test_design_syntax(spec, expected):
    design = fmt.parse_design(spec)
    assert (design.gender, design.pitch, design.speed) == expected
    assert fmt.parse_design(design.spec) == design  # the canonical spelling reads back


@pytest.mark.parametrize("spec, needle", [
    ("female,loud", "pitch 'loud'"), ("high,female", "needs a gender"), ("gender=female,high", "mixes"),
    ("female,low,low,low", "not GENDER"), ("gender=male,gender=female", "given twice"),
])
def test_design_syntax_errors_name_the_fix(spec, needle):
    with pytest.raises(BadInput) as exc:
        fmt.parse_design(spec)
    assert needle in exc.value.message and "gender=female,pitch=high,speed=moderate" in exc.value.hint


# --- prompts against the upstream layout
def test_voice_creation_prompt_matches_upstream(sp):
    design = fmt.parse_design("male,very_high,low")
    ours = sp._ids(fmt.design_prompt(fmt.DESIGN_TEXT, design))
    up = upstream_control("male", "very_high", "low", fmt.DESIGN_TEXT)
    assert "".join(p if isinstance(p, str) else "" for p in fmt.design_prompt(fmt.DESIGN_TEXT, design)) == up
    assert ours == _upstream_ids(sp, up)


def test_designed_voice_prompt_is_the_creation_prompt_plus_the_written_prefix(sp):
    voice = sp.create(sp.resolve_voice("female,high"), seed=7)
    piece = sp.pieces(Segment("Hello there."), voice, SynthesisOptions(seed=7))[0]
    expected = upstream_control("female", "high", "moderate", piece.text) + "".join(voice.prefix)
    assert sp.prompt(piece, voice) == _upstream_ids(sp, expected)
    # the prefix is what the model wrote: its attribute values, then 32 global tokens
    assert voice.prefix[:4] == ("<|start_acoustic_token|>", "<|pitch_value_300|>", "<|speed_value_5|>",
                                "<|start_global_token|>")
    assert voice.prefix[-1] == "<|end_global_token|>" and len(voice.globals_) == TOKEN_NUM
    assert [int(g) // 2 for g in voice.globals_] == list(range(TOKEN_NUM))  # one coin per position


def test_clone_prompts_match_upstream(sp):
    globals_ = np.arange(0, 64, 2, dtype=np.int32)
    plain = spark.SparkVoice("ref", globals_)
    piece = sp.pieces(Segment("Hello there."), plain, SynthesisOptions())[0]
    assert sp.prompt(piece, plain) == _upstream_ids(sp, upstream_clone(piece.text, globals_))
    with_text = spark.SparkVoice("ref", globals_, transcript="Hello voice.", semantic=np.array(REF_SEMANTIC))
    up = upstream_clone(piece.text, globals_, "Hello voice.", REF_SEMANTIC)
    assert sp.prompt(piece, with_text) == _upstream_ids(sp, up)
    assert sp.context_frames(with_text) == REF_SEMANTIC  # the reference's codes are the first window's left context


# --- audio
def test_designed_voice_streams_16khz_audio_of_the_generated_codes(sp, model_dir):
    voice = sp.resolve_voice("female,high,moderate")
    chunks = list(sp.stream(Segment(MEDIUM), voice, SynthesisOptions(seed=3)))
    audio = _audio(chunks)
    assert {c.sample_rate for c in chunks} == {16000}
    assert len(audio) == len(CHAIN) * 320 and np.sqrt(np.mean(audio ** 2)) > 1e-3
    assert len(chunks) > 2 and sp.last.tokens_at_first_audio < sp.last.tokens  # audio before the sentence ends
    reference = one_shot(model_dir, CHAIN, voice.globals_)  # windowed decode ≈ whole-utterance decode
    assert np.abs(audio - reference).max() < 0.05 * np.abs(reference).max()


def test_designed_voice_is_deterministic_and_the_seed_picks_it(sp):
    a = sp.create(sp.resolve_voice("male,low"), seed=1)
    b = sp.create(sp.resolve_voice("gender=male,pitch=low,speed=moderate"), seed=1)
    c = sp.create(sp.resolve_voice("male,low"), seed=2)
    assert a.prefix == b.prefix and np.array_equal(a.globals_, b.globals_)
    assert not np.array_equal(a.globals_, c.globals_)
    one = _audio(sp.stream(Segment(MEDIUM), a, SynthesisOptions(seed=1)))
    other = _audio(sp.stream(Segment(MEDIUM), c, SynthesisOptions(seed=1)))
    assert len(one) == len(other) and not np.allclose(one, other)  # the global tokens change the speaker


def test_cpu_decoder_is_an_onnx_export_made_once_and_reused(model_dir, monkeypatch):
    from ttscli.families.spark import bicodec_onnx
    from ttscli.families.spark.bicodec import BiCodec

    first = _load(model_dir)
    try:
        assert isinstance(first.codec, bicodec_onnx.OnnxBiCodec)
        cached = first.codec.path
        stamp = cached.stat().st_mtime_ns
        globals_ = np.arange(1, 64, 2)
        audio = first.codec.decode(np.array(CHAIN), globals_)
        np.testing.assert_allclose(audio, one_shot(model_dir, CHAIN, globals_), atol=1e-4)  # the same decoder
    finally:
        first.close()
    second = _load(model_dir)
    second.close()
    assert second.codec.path == cached and cached.stat().st_mtime_ns == stamp  # reused, not exported again
    monkeypatch.setattr(bicodec_onnx.paths, "cache_dir", lambda: Path("/proc/no-cache-here"))
    fallback = _load(model_dir)  # no cache to write: PyTorch decodes
    fallback.close()
    assert isinstance(fallback.codec, BiCodec)


def test_unknown_voice_names_the_design_syntax(sp):
    with pytest.raises(Exception) as exc:
        sp.resolve_voice("tara")
    assert "female,high,moderate" in exc.value.hint and "ttscli clone" in exc.value.hint


def test_runaway_generation_is_stopped(tmp_path):
    backend = _load(spark_dir(tmp_path / "never", CHAIN[:50], never=True))
    try:
        with pytest.raises(RuntimeFailure) as exc:
            list(backend.stream(Segment("Hi."), backend.resolve_voice("female"), SynthesisOptions(seed=1)))
        assert "no end of speech" in exc.value.message
    finally:
        backend.close()


def test_a_design_the_model_never_finishes_is_a_clear_error(tmp_path):
    backend = _load(spark_dir(tmp_path / "endless", CHAIN[:50], endless_globals=True))
    try:
        with pytest.raises(RuntimeFailure) as exc:
            backend.create(backend.resolve_voice("male"), seed=1)
        assert "cannot create the voice gender=male" in exc.value.message and "--seed" in exc.value.hint
    finally:
        backend.close()


# --- the CLI
def _say(*args):
    proc = run_cli("say", *args, env=ONE_THREAD)
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stderr == b"", proc.stderr.decode()
    return proc


def test_say_design_to_stdout_then_saved_voice_speaks_identically(model_dir, tmp_path):
    design = _say(TEXT, "-m", str(model_dir), "-v", "female,very high", "-o", "-").stdout
    audio, rate = sf.read(io.BytesIO(design), dtype="float32")
    assert rate == 16000 and len(audio) == len(CHAIN) * 320
    again = _say(TEXT, "-m", str(model_dir), "-v", "gender=female,pitch=very_high", "-o", "-").stdout
    assert again == design
    proc = run_cli("voice", "save", "narrator", "--voice", "female,very high", "-m", str(model_dir), env=ONE_THREAD)
    assert proc.returncode == 0, proc.stderr.decode()
    assert "gender=female,pitch=very_high,speed=moderate" in proc.stdout.decode() + proc.stderr.decode()
    saved = _say(TEXT, "-v", "narrator", "-o", "-").stdout  # the stored voice brings its model
    assert saved == design
    listed = run_cli("voice", "list", "-m", str(model_dir), env=ONE_THREAD).stdout.decode()
    assert "narrator" in listed and "design" in listed


def test_malformed_repository_is_refused_before_loading(model_dir, tmp_path):
    import shutil

    broken = tmp_path / "no-prenet"
    shutil.copytree(model_dir, broken)
    cfg = broken / "BiCodec" / "config.yaml"
    cfg.write_text(cfg.read_text().replace("vocos_num_layers: 2", "layers: 2"))
    proc = run_cli("say", "Hi.", "-m", str(broken), "-o", str(tmp_path / "x.wav"), env=ONE_THREAD)
    assert_clean_error(proc, 7, "audio_tokenizer.prenet lacks vocos_num_layers")
    truncated = tmp_path / "truncated"
    shutil.copytree(model_dir, truncated)
    weights = truncated / "BiCodec" / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:-1000])
    proc = run_cli("say", "Hi.", "-m", str(truncated), "-o", str(tmp_path / "x.wav"), env=ONE_THREAD)
    assert_clean_error(proc, 7, "model.safetensors is not BiCodec's weights", "truncated")
    no_gguf = tmp_path / "published-layout"
    shutil.copytree(model_dir, no_gguf)
    (no_gguf / "LLM" / "model.gguf").unlink()
    proc = run_cli("say", "Hi.", "-m", str(no_gguf), "-o", str(tmp_path / "x.wav"), env=ONE_THREAD)
    assert_clean_error(proc, 4, "no GGUF language model", "convert_hf_to_gguf.py")
    assert not (tmp_path / "x.wav").exists()


# --- the catalog entry, pulled from a loopback hub
def _hub_repos(factory):
    from support.hub import Repo, files_of

    full = spark_dir(factory.mktemp("hub-spark") / "repo", CHAIN)
    (full / "LLM" / "config.json").write_text('{"architectures": ["Qwen2ForCausalLM"]}')
    published = {k: v for k, v in files_of(full).items() if not k.endswith(".gguf")}
    return {"SparkAudio/Spark-TTS-0.5B": Repo(files_of(full)), "mirror/Spark-TTS-0.5B": Repo(published)}


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    from support.hub import serving

    with serving(_hub_repos(tmp_path_factory)) as server:
        yield server


def test_pull_from_the_hub_then_say_and_show(hub, tmp_path):
    env = {**hub.session_env(tmp_path), **ONE_THREAD}
    proc = run_cli("pull", "spark-tts", env=env)
    assert proc.returncode == 0, proc.stderr.decode()
    shown = run_cli("show", "spark-tts", env=env).stdout.decode()
    assert "CC BY-NC-SA 4.0" in shown and "Apache-2.0" in shown and "not installed" not in shown
    proc = run_cli("say", MEDIUM, "-m", "spark-tts", "-v", "male,low,high", "-o", "-", env=env)
    assert proc.returncode == 0, proc.stderr.decode()
    audio, rate = sf.read(io.BytesIO(proc.stdout), dtype="float32")
    assert rate == 16000 and len(audio) == len(CHAIN) * 320


def test_published_layout_without_gguf_says_how_to_convert(hub, tmp_path):
    env = {**hub.session_env(tmp_path), **ONE_THREAD}
    proc = run_cli("pull", "hf:mirror/Spark-TTS-0.5B", env=env)  # recognised as Spark-TTS by its BiCodec folder
    assert proc.returncode == 0, proc.stderr.decode()
    proc = run_cli("say", "Hi.", "-m", "hf:mirror/Spark-TTS-0.5B", "-o", str(tmp_path / "x.wav"), env=env)
    assert_clean_error(proc, 4, "no GGUF language model", "convert_hf_to_gguf.py")
    doctor = run_cli("doctor", env=env).stdout.decode()
    assert "hf:mirror/Spark-TTS-0.5B" in doctor.split("Fixes", 1)[1] and "convert_hf_to_gguf.py" in doctor


@pytest.mark.parametrize("module, named", [("llama_cpp", "llama-cpp-python"), ("torch", "torch"), ("yaml", "yaml")])
def test_missing_extras_name_the_install(module, named, model_dir, tmp_path):
    from blocked_imports import block_imports
    from support.cli import invoke

    hint = 'pip install -e ".[spark]"'
    with block_imports(module):
        r = invoke("say", "hi", "-m", str(model_dir), "-o", str(tmp_path / "x.wav"))
        assert r.code == 5 and len(r.err.strip().splitlines()) == 1 and "Traceback" not in r.err, r.err
        assert hint in r.err and named in r.err and "spark" in r.err
        r = invoke("pull", str(model_dir), "--name", "tiny")  # imported, and told what else is needed
        assert r.code == 0 and "spark:tiny" in r.out and hint in r.out + r.err
        r = invoke("show", "spark:tiny")
        assert r.code == 0 and hint in r.out
        r = invoke("doctor")
        assert r.code == 0 and f"spark:tiny: spark models need {named}" in r.out.split("Fixes", 1)[1]
    assert not (tmp_path / "x.wav").exists()


# --- cloning: the reference's global tokens
def test_clone_then_say_speaks_with_the_reference_tokens(sp, model_dir, tmp_path):
    from support.cli import SHARED

    from ttscli.voices import cache

    ref = SHARED / "speech" / "jfk.flac"
    if not ref.is_file():
        pytest.skip("no reference speech")
    proc = run_cli("clone", "kennedy", str(ref), "--model", str(model_dir), env=ONE_THREAD)
    assert proc.returncode == 0, proc.stderr.decode()
    stored = cache.load("kennedy")
    assert stored.family == "spark" and "pickle" not in stored.meta.get("method", "")
    codes = stored.tensors["global_tokens"]
    assert codes.dtype == np.int32 and codes.shape == (TOKEN_NUM,) and 0 <= codes.min() and codes.max() < 64
    again = run_cli("clone", "kennedy2", str(ref), "--model", str(model_dir), env=ONE_THREAD)
    assert again.returncode == 0 and np.array_equal(cache.load("kennedy2").tensors["global_tokens"], codes)
    voice = sp.use_stored_voice(stored)
    piece = sp.pieces(Segment(MEDIUM), voice, SynthesisOptions())[0]
    assert sp.prompt(piece, voice) == _upstream_ids(sp, upstream_clone(piece.text, codes))
    out = tmp_path / "clone.wav"
    _say(MEDIUM, "-v", "kennedy", "-o", str(out))
    audio, rate = sf.read(out, dtype="float32")
    assert rate == 16000 and len(audio) == len(CHAIN) * 320
    reference = one_shot(model_dir, CHAIN, codes)
    assert np.abs(audio - reference).max() < 0.05 * np.abs(reference).max() + 1e-3  # 16-bit WAV


def test_fsq_codes_read_back_as_the_quantized_values():
    """The encoder's FSQ (tokenizing) and the decoder's (detokenizing) agree code for code."""
    import torch

    from ttscli.families.spark.bicodec import GlobalQuantizer
    from ttscli.families.spark.encoder import FSQ

    levels = [4, 4, 4, 4, 4, 4]
    enc, dec = FSQ(levels, 6), GlobalQuantizer(levels, 6)
    enc.project_in = torch.nn.Identity()
    z = torch.randn(2, 32, 6, generator=torch.Generator().manual_seed(0)) * 3
    codes = enc(z)
    assert codes.min() >= 0 and codes.max() < 4096 and len(set(codes.flatten().tolist())) > 20
    half_l = 3 * (1 + 1e-3) / 2
    expected = torch.round(torch.tanh(z + np.arctanh(0.5 / half_l)) * half_l - 0.5) / 2
    assert torch.allclose(dec(codes), expected)


def test_mel_spectrogram_matches_librosa_slaney():
    librosa = pytest.importorskip("librosa")
    from ttscli.families.spark.encoder import mel_spectrogram

    audio = np.random.default_rng(0).standard_normal(16000).astype(np.float32) * 0.1
    ours = mel_spectrogram(audio, {"n_fft": 1024, "win_length": 640, "hop_length": 320, "num_mels": 128,
                                   "mel_fmin": 10, "mel_fmax": None})[0].numpy()
    spec = np.abs(librosa.stft(audio, n_fft=1024, hop_length=320, win_length=640, center=True, pad_mode="reflect"))
    bank = librosa.filters.mel(sr=16000, n_fft=1024, n_mels=128, fmin=10, fmax=8000, htk=False, norm="slaney")
    np.testing.assert_allclose(ours, bank @ spec, atol=1e-5)


def test_the_server_lists_and_speaks_it(model_dir, tmp_path):
    pytest.importorskip("starlette")
    from support.server import ServerProcess

    home = tmp_path / "home"
    proc = run_cli("pull", str(model_dir), "--name", "tiny", env={"TTSCLI_HOME": str(home)})
    assert proc.returncode == 0, proc.stderr.decode()
    listed = run_cli("list", "--json", env={"TTSCLI_HOME": str(home)}).stdout.decode()
    assert '"spark:tiny"' in listed and '"female"' in listed
    srv = ServerProcess(home, env={"TTSCLI_THREADS": "1"})
    try:
        models = {m["id"]: m for m in srv.get("/v1/models")["data"]}
        assert models["spark:tiny"]["family"] == "spark" and models["spark:tiny"]["voices"] == ["female", "male"]
        status, headers, body = srv.speech(model="spark:tiny", input=MEDIUM, voice="male,low", response_format="wav")
        assert status == 200, body[:300]
        audio, rate = sf.read(io.BytesIO(body), dtype="float32")
        assert rate == 16000 and len(audio) == len(CHAIN) * 320
        status, _, body = srv.speech(model="spark:tiny", input=MEDIUM, voice="robot", response_format="wav")
        assert status == 404 and b"female,high,moderate" in body
    finally:
        srv.stop()


def test_catalog_lists_the_published_layout_with_its_licences():
    import json

    rows = json.loads(run_cli("list", "--available", "--family", "spark", "--json").stdout)
    (row,) = [r for r in rows if r["id"] == "spark-tts:0.5b"]
    assert row["runtime"] == "llama.cpp" and row["can_clone"] and row["voices"] == ["female", "male"]
    assert row["license"]["code"].startswith("Apache-2.0") and "CC BY-NC-SA 4.0" in row["license"]["weights"]
    shown = json.loads(run_cli("show", "spark-tts", "--json").stdout)
    assert {f["role"] for f in shown["files"]} >= {"backbone", "bicodec_config", "bicodec_weights"}


def test_a_cast_of_designed_voices_narrates_a_book(model_dir, tmp_path):
    cast = tmp_path / "cast.toml"
    cast.write_text(f'narrator = "host"\ndialogue = "guest"\n\n[voices.host]\nmodel = "{model_dir}"\n'
                    f'voice = "female,high,moderate"\n\n[voices.guest]\nmodel = "{model_dir}"\n'
                    'voice = "gender=male,pitch=low,speed=moderate"\n')
    book = tmp_path / "book.txt"
    book.write_text(f"{MEDIUM} \u201c{MEDIUM}\u201d {MEDIUM}\n")
    proc = run_cli("batch", str(book), "-o", str(tmp_path / "out"), "--cast", str(cast), "--format", "flac",
                   env=ONE_THREAD)
    assert proc.returncode == 0, proc.stderr.decode()
    (out,) = list((tmp_path / "out").rglob("*.flac"))
    audio, rate = sf.read(out, dtype="float32")
    assert rate == 16000 and len(audio) >= 3 * len(CHAIN) * 320  # narration, dialogue, narration


def test_a_design_alone_picks_the_installed_spark_model(model_dir, tmp_path):
    proc = run_cli("say", "Hi.", "-v", "female,high", "-o", str(tmp_path / "x.wav"), env=ONE_THREAD)
    assert_clean_error(proc, 4, "'female,high' is a spark voice description", "--family spark")
    assert run_cli("pull", str(model_dir), "--name", "tiny", env=ONE_THREAD).returncode == 0
    out = tmp_path / "design.wav"
    _say(MEDIUM, "-v", "female,high", "-o", str(out))
    assert sf.info(out).samplerate == 16000
