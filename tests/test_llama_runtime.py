"""ttscli.runtime.llama on real llama.cpp with tiny synthetic GGUFs (see synthetic_gguf)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

pytest.importorskip("llama_cpp")

from support.cli import REPO, assert_clean_error  # noqa: E402
from support.speech_models import REF_CODES, neutts_dir, neutts_vocab, orpheus_dir  # noqa: E402
from ttscli.errors import BadInput, IntegrityError, RuntimeFailure  # noqa: E402
from ttscli.runtime import llama as rt  # noqa: E402
from ttscli.runtime.plan import RuntimePlan  # noqa: E402

CHAIN = [7, 3, 9, 1, 4]
GREEDY = rt.Sampling(temperature=0.0)


@pytest.fixture(scope="module")
def dirs(tmp_path_factory):
    root = tmp_path_factory.mktemp("gguf")
    return {
        "end": neutts_dir(root / "end", CHAIN),
        "never": neutts_dir(root / "never", CHAIN, mode="never"),
        "coin": neutts_dir(root / "coin", CHAIN, mode="coin"),
        "orpheus": orpheus_dir(root / "orpheus", 3),
    }


def _gguf(d):
    return next(d.glob("*.gguf"))


@pytest.fixture(scope="module")
def end_model(dirs):
    model = rt.load(_gguf(dirs["end"]), RuntimePlan(runtime="llama.cpp", threads=1))
    yield model
    model.close()


def _prompt(model) -> list[int]:
    return model.tokenize(["user: hi", model.require("<|SPEECH_GENERATION_START|>")] +
                          [model.require(f"<|speech_{c}|>") for c in REF_CODES])


def _run(model, sampling=rt.Sampling(), seed=1, max_tokens=100, **kw):
    stream = model.stream(_prompt(model), sampling, seed=seed, max_tokens=max_tokens,
                          stop_ids=[model.require("<|SPEECH_GENERATION_END|>")], **kw)
    return [model.piece(t) for t in stream], stream.stats


def test_generates_the_programmed_chain_and_stops_on_the_stop_id(end_model):
    pieces, stats = _run(end_model)
    assert pieces == [f"<|speech_{c}|>" for c in CHAIN]
    assert stats.stop_reason == "stop" and stats.generated == len(CHAIN)
    assert stats.prompt_tokens == len(_prompt(end_model))


def test_token_cap(dirs):
    model = rt.load(_gguf(dirs["never"]), RuntimePlan(runtime="llama.cpp"))
    pieces, stats = _run(model, max_tokens=12)
    assert stats.stop_reason == "length" and len(pieces) == 12
    assert pieces[5] == pieces[0] == "<|speech_7|>"  # the loop really loops
    model.close()


def test_seed_decides_a_coin_flip_reproducibly(dirs):
    model = rt.load(_gguf(dirs["coin"]), RuntimePlan(runtime="llama.cpp"))
    outcomes = {seed: _run(model, seed=seed)[0] for seed in range(12)}
    again = {seed: _run(model, seed=seed)[0] for seed in range(12)}
    assert outcomes == again
    lengths = {len(p) for p in outcomes.values()}
    assert lengths == {0, len(CHAIN)}, outcomes  # both sides of the coin occur
    # Greedy sampling ignores the seed.
    assert len({tuple(_run(model, GREEDY, seed=s)[0]) for s in range(4)}) == 1
    model.close()


def test_user_text_cannot_inject_control_tokens(end_model):
    stop = end_model.require("<|SPEECH_GENERATION_END|>")
    speech3 = end_model.require("<|speech_3|>")
    # llama.cpp itself matches user-defined tokens inside plain text ...
    assert stop in end_model.llm.tokenize(b"say <|SPEECH_GENERATION_END|> now", add_bos=False, special=False)
    # ... so prompt text is cleaned of them; ids passed as ids stay.
    ids = end_model.tokenize(["say <|SPEECH_GENERATION_END|> now <|speech_3|>"])
    assert stop not in ids and speech3 not in ids
    assert end_model.tokenize(["<|speech_3|>"], allow=frozenset({"<|speech_3|>"})) == [speech3]
    assert end_model.tokenize([stop, "a"])[0] == stop


def test_numbered_tokens_contiguous_or_scanned(end_model, dirs):
    run = end_model.numbered("<|speech_{}|>", 0, 256)
    assert run.base is not None and run.count == 256  # one contiguous run: arithmetic
    speech = end_model.numbered("<|speech_{}|>", 0, 65536)
    assert speech.base is None and speech.count == 256  # the tiny model lacks most: found by scanning
    for table in (run, speech):
        assert end_model.piece(table.id(42)) == "<|speech_42|>" and table.number(table.id(255)) == 255
        assert table.id(256) is None and table.number(end_model.require("<|TEXT_PROMPT_END|>")) is None
    orpheus = rt.load(_gguf(dirs["orpheus"]), RuntimePlan(runtime="llama.cpp"))
    audio = orpheus.numbered("<custom_token_{}>", 10, 10 + 7 * 4096)
    assert audio.base is None and audio.count == 7 * 30  # sparse: found by scanning the vocabulary
    assert orpheus.piece(audio.id(10 + 4096 * 3 + 2)) == "<custom_token_12300>"
    assert orpheus.is_eog(orpheus.require("<|eot_id|>"))
    orpheus.close()


def test_plan_settings_reach_llama_cpp(dirs):
    plan = RuntimePlan(runtime="llama.cpp", threads=1, n_ctx=256, flash_attn=True, n_gpu_layers=0)
    model = rt.load(_gguf(dirs["end"]), plan)
    assert model.n_ctx == 256 and model.llm.n_threads == 1
    assert _run(model)[0] == [f"<|speech_{c}|>" for c in CHAIN]  # flash attention on the CPU: same tokens
    with pytest.raises(BadInput, match="context holds 256"):
        model.stream(model.tokenize(["x" * 300]), GREEDY, seed=1, max_tokens=5)
    model.close()


def test_closing_early_stops_the_producer(dirs):
    model = rt.load(_gguf(dirs["never"]), RuntimePlan(runtime="llama.cpp"))
    stream = model.stream(_prompt(model), GREEDY, seed=1, max_tokens=1500, prefetch=4)
    it = iter(stream)
    first = [next(it) for _ in range(3)]
    it.close()
    assert len(first) == 3 and not stream._thread.is_alive()
    assert stream.stats.generated <= 3 + 4 + 2  # bounded prefetch: it never ran far ahead
    assert _run(model, max_tokens=3)[1].generated == 3  # the model is free for the next call
    model.close()


def test_not_a_gguf(tmp_path):
    html = tmp_path / "model.gguf"
    html.write_text("<!DOCTYPE html><html>rate limited</html>")
    with pytest.raises(IntegrityError, match="HTML page"):
        rt.load(html, RuntimePlan(runtime="llama.cpp"))
    truncated = tmp_path / "cut.gguf"
    truncated.write_bytes(b"GGUF\x03\x00\x00\x00" + b"\x00" * 10)
    with pytest.raises(RuntimeFailure, match="cannot load cut.gguf"):
        rt.load(truncated, RuntimePlan(runtime="llama.cpp"))


def test_plan_env_is_set_before_llama_cpp_is_imported():
    code = textwrap.dedent("""
        import os, sys
        seen = []
        class Spy:
            def find_spec(self, name, path=None, target=None):
                if name == "llama_cpp":
                    seen.append(os.environ.get("GGML_CUDA_ENABLE_UNIFIED_MEMORY"))
                return None
        sys.meta_path.insert(0, Spy())
        import ttscli.families.neutts.backend, ttscli.families.orpheus.backend  # importing a backend loads no runtime
        assert "llama_cpp" not in sys.modules
        from ttscli.runtime.llama import import_llama_cpp
        from ttscli.runtime.plan import RuntimePlan
        import_llama_cpp(RuntimePlan(runtime="llama.cpp", env={"GGML_CUDA_ENABLE_UNIFIED_MEMORY": "1"}))
        print(seen)
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO,
                          env={**__import__("os").environ, "PYTHONPATH": str(REPO)})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "['1']"


def test_missing_llama_cpp_names_the_extra(dirs, tmp_path):
    code = textwrap.dedent(f"""
        import sys
        sys.modules["llama_cpp"] = None  # as if llama-cpp-python were not installed
        from ttscli.cli.app import main
        sys.exit(main(["say", "Hello.", "--model", {str(dirs['end'])!r}, "-o", {str(tmp_path / 'x.wav')!r}]))
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, cwd=REPO,
                          env={**__import__("os").environ, "PYTHONPATH": str(REPO)})
    assert_clean_error(proc, 5, "llama-cpp-python", 'pip install -e ".[gguf]"')
    assert not (tmp_path / "x.wav").exists()


def test_vocab_builder_has_the_real_neutts_tokens():
    vocab, marks, speech = neutts_vocab()
    assert "<|SPEECH_GENERATION_END|>" in marks and vocab.tokens[speech[0]] == "<|speech_0|>"
