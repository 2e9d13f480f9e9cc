"""GGUF speech backends (Orpheus, NeuTTS) against raw llama-cpp-python on the same GGUF.

    pip install -e ".[test]"          # llama-cpp-python + gguf
    python benchmarks/gguf_speech.py [--family orpheus neutts] [--runs 3] [--decoder stub heavy]

No real weights are reachable from CI, so the models are synthetic but sized
like small real ones: random F16 transformers (512 wide, 4 layers) whose
vocabularies hold the families' full token sets (Orpheus: 28,672 audio tokens
in 7 slots, sampled as well-formed frames; NeuTTS: 65,536 speech tokens), so
per-token compute, sampling over the real vocab size and the code extraction
are realistic. Decoders: "stub" is the tests' position-local ONNX graph
(almost free: measures pure backend overhead); "heavy" is a random-weight
SNAC-shaped conv decoder (same inputs/outputs and upsampling, 6.9 M parameters).

Measured, alternating, medians of --runs:

* tokens/s: the backend generating while decoding audio in windows (a model
  that never emits end-of-speech runs into the plausibility cap of the text),
  versus a plain ``Llama.generate`` loop over the same prompt, sampler settings,
  seed and token count, run right after it on a worker thread like the backend's
  (its main-thread rate is shown in brackets: llama.cpp ran slower on the main
  thread on this machine). The ratio is the median of the
  per-pair ratios (min-max shown). Goal: ratio >= 0.9.
* CPU seconds per 100 tokens (whole process, all threads): steadier than
  wall time on a shared machine; the backend's includes its audio decoding.
* time to first audio for a 2-sentence input: in-process (stream() call to
  the first AudioChunk) and for the real CLI (``ttscli say ... -o -`` from
  process start to the first PCM byte after the WAV header, model load included).

Prints a Markdown table for the README.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO))

TWO_SENTENCES = "Good morning, and welcome to the station. The next train leaves in ten minutes."
RATE_TEXT = "Hello there, a quick test."
CACHE = Path(os.environ.get("TTSCLI_BENCH_CACHE", Path.home() / ".cache" / "ttscli-bench"))


def heavy_snac(path: Path) -> Path:
    """Random-weight decoder with SNAC 24 kHz's interface and upsampling path
    (codes at 1/2/4 per frame → embeddings → ConvTranspose ×8 ×8 ×4 ×2 → 2048 samples/frame)."""
    import numpy as np
    import onnx
    from onnx import TensorProto, helper

    rng = np.random.default_rng(0)
    inits, nodes = [], []

    def init(name, arr):
        inits.append(helper.make_tensor(name, TensorProto.FLOAT, arr.shape, arr.astype(np.float32).ravel()))

    dim = 256
    inits.append(helper.make_tensor("last", TensorProto.INT64, [1], [2]))
    parts = []
    for k, repeat in enumerate((4, 2, 1)):  # to the fine (4 per frame) rate
        init(f"emb{k}", rng.standard_normal((4096, dim)) * 0.1)
        inits.append(helper.make_tensor(f"rep{k}", TensorProto.INT64, [3], [1, 1, repeat]))
        inits.append(helper.make_tensor(f"fine{k}", TensorProto.INT64, [3], [1, -1, dim]))
        nodes += [helper.make_node("Gather", [f"emb{k}", f"audio_codes.{k}"], [f"e{k}"], axis=0),  # [1,n,D]
                  helper.make_node("Unsqueeze", [f"e{k}", "last"], [f"u{k}"]),  # [1,n,1,D]
                  helper.make_node("Tile", [f"u{k}", f"rep{k}x"], [f"t{k}"]),
                  helper.make_node("Reshape", [f"t{k}", f"fine{k}"], [f"f{k}"])]
        inits.append(helper.make_tensor(f"rep{k}x", TensorProto.INT64, [4], [1, 1, repeat, 1]))
        parts.append(f"f{k}")
    nodes += [helper.make_node("Sum", parts, ["z"]), helper.make_node("Transpose", ["z"], ["x0"], perm=[0, 2, 1])]
    channels, x = [dim, 512, 256, 128, 64], "x0"
    init("w_in", rng.standard_normal((channels[1], dim, 7)) / np.sqrt(dim * 7))
    nodes.append(helper.make_node("Conv", [x, "w_in"], ["x1"], pads=[3, 3]))
    x = "x1"
    for i, stride in enumerate((8, 8, 4, 2)):
        c_in, c_out = channels[min(i + 1, 4)], channels[min(i + 2, 4)]
        init(f"up{i}", rng.standard_normal((c_in, c_out, 2 * stride)) / np.sqrt(c_in * 2))
        init(f"dw{i}", rng.standard_normal((c_out, 1, 7)) / np.sqrt(7))
        init(f"pw{i}", rng.standard_normal((c_out, c_out, 1)) / np.sqrt(c_out))
        nodes += [helper.make_node("ConvTranspose", [x, f"up{i}"], [f"y{i}"], strides=[stride],
                                   pads=[stride // 2, stride // 2]),
                  helper.make_node("Conv", [f"y{i}", f"dw{i}"], [f"d{i}"], pads=[3, 3], group=c_out),
                  helper.make_node("Conv", [f"d{i}", f"pw{i}"], [f"p{i}"]),
                  helper.make_node("Tanh", [f"p{i}"], [f"a{i}"])]
        x = f"a{i}"
    init("w_out", rng.standard_normal((1, channels[4], 7)) / np.sqrt(channels[4] * 7))
    inits.append(helper.make_tensor("shape", TensorProto.INT64, [3], [1, 1, -1]))
    nodes += [helper.make_node("Conv", [x, "w_out"], ["o"], pads=[3, 3]),
              helper.make_node("Tanh", ["o"], ["ot"]),
              helper.make_node("Reshape", ["ot", "shape"], ["audio_values"])]
    graph = helper.make_graph(
        nodes, "snac_like",
        [helper.make_tensor_value_info(f"audio_codes.{k}", TensorProto.INT64, [1, f"n{k}"]) for k in range(3)],
        [helper.make_tensor_value_info("audio_values", TensorProto.FLOAT, [1, 1, "S"])], initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    return path


def build(family: str, decoder: str) -> Path:
    """The model directory (built once, cached)."""
    from support import speech_models as sm
    from support.synthetic_gguf import CONTROL, Vocab, random_lm

    root = CACHE / f"{family}-{decoder}"
    gguf_name = "orpheus-bench-f16.gguf" if family == "orpheus" else "neutts-bench-f16.gguf"
    if (root / gguf_name).exists() and (root / "done").exists():
        return root
    root.mkdir(parents=True, exist_ok=True)
    size = dict(n_embd=512, n_layer=4, n_head=8)
    if family == "orpheus":
        vocab = Vocab.base(["▁tara", ":"])
        bos, eot = vocab.add("<|begin_of_text|>", CONTROL), vocab.add("<|eot_id|>", CONTROL)
        marks = [vocab.add(f"<custom_token_{n}>") for n in range(10)]
        slots = [[vocab.add(f"<custom_token_{10 + 4096 * p + c}>") for c in range(4096)] for p in range(7)]
        random_lm(root / gguf_name, vocab, groups=slots, lead_in=[marks[1]], bos=bos, eos=eot, **size)
        (sm.snac_decoder if decoder == "stub" else heavy_snac)(root / "snac_decoder.onnx")
    else:
        vocab, _marks, speech = sm.neutts_vocab(65536)
        random_lm(root / gguf_name, vocab, arch="qwen2", groups=[speech], **size)
        sm.neucodec_decoder(root / "model.onnx")
        (root / "samples").mkdir(exist_ok=True)
        sm.write_codes_npy(root / "samples" / "jo.npy", [(i * 7919) % 65536 for i in range(150)])  # 3 s
        (root / "samples" / "jo.txt").write_text("So I just tried it and I am genuinely impressed.\n")
    (root / "done").write_text("ok")
    return root


def backend_rate(backend, voice, text: str, seed: int) -> tuple[float, int, float]:
    """(tokens/s, tokens, CPU s) of the backend running into its cap while decoding."""
    from ttscli.backends.base import SynthesisOptions
    from ttscli.errors import RuntimeFailure
    from ttscli.text.segments import Segment

    cpu = time.process_time()
    try:
        for _ in backend.stream(Segment(text), voice, SynthesisOptions(seed=seed)):
            pass
    except RuntimeFailure:
        pass  # the runaway cap: expected, the model never says end-of-speech
    st = backend.last
    return st.tokens / st.generation_s, st.tokens, time.process_time() - cpu


def raw_rate(backend, voice, text: str, seed: int, n_tokens: int) -> tuple[float, float]:
    """Plain llama-cpp-python on a worker thread like the backend's (llama.cpp runs
    measurably faster off the main thread here, see README): same model object,
    prompt, sampler, seed and token count. Returns (tokens/s, CPU s)."""
    import threading

    out: list = []
    worker = threading.Thread(target=lambda: out.append(_raw_rate(backend, voice, text, seed, n_tokens)))
    worker.start()
    worker.join()
    return out[0]


def raw_rate_main_thread(backend, voice, text: str, seed: int, n_tokens: int) -> float:
    return _raw_rate(backend, voice, text, seed, n_tokens)[0]


def _raw_rate(backend, voice, text: str, seed: int, n_tokens: int) -> tuple[float, float]:
    from ttscli.backends.base import SynthesisOptions
    from ttscli.runtime.llama import seed_for_llama
    from ttscli.runtime.seeded import text_seed
    from ttscli.text.segments import Segment

    llm = backend.llm.llm
    piece = backend.pieces(Segment(text), voice, SynthesisOptions())[0]
    prompt = backend.prompt(piece, voice)
    s = backend.sampling
    started, cpu = time.perf_counter(), time.process_time()
    llm.reset()
    llm.set_seed(seed_for_llama(text_seed(piece.text, seed)))
    llm.last_n_tokens_size = s.repeat_last_n
    n = 0
    for _ in llm.generate(prompt, top_k=s.top_k, top_p=s.top_p, min_p=s.min_p, temp=s.temperature,
                          repeat_penalty=s.repeat_penalty, reset=True):
        n += 1
        if n >= n_tokens:
            break
    return n / (time.perf_counter() - started), time.process_time() - cpu


def first_audio_in_process(backend, voice, seed: int, **extra) -> float:
    from ttscli import engine
    from ttscli.request import Request
    from ttscli.backends.base import SynthesisOptions

    first = next(iter(engine.segments(Request(TWO_SENTENCES), backend)))  # both sentences, packed
    started = time.perf_counter()
    stream = backend.stream(first, voice, SynthesisOptions(seed=seed, extra=extra))
    next(stream)
    elapsed = time.perf_counter() - started
    stream.close()
    return elapsed


def first_audio_cli(model_dir: Path, threads: int) -> float:
    """Process start → first PCM byte after the 44-byte WAV header; then stop the process."""
    cmd = [sys.executable, "-m", "ttscli", "say", TWO_SENTENCES, "--model", str(model_dir), "-o", "-"]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                            env={**os.environ, "PYTHONPATH": str(REPO), "TTSCLI_THREADS": str(threads)})
    head = proc.stdout.read(45)
    elapsed = time.perf_counter() - started
    proc.kill()
    proc.wait()
    if len(head) < 45:
        raise RuntimeError("ttscli produced no audio")
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--family", nargs="+", default=["orpheus", "neutts"], choices=["orpheus", "neutts"])
    ap.add_argument("--decoder", nargs="+", default=["stub", "heavy"], choices=["stub", "heavy"])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--threads", type=int, default=1, help="llama.cpp/ORT threads (TTSCLI_THREADS for the CLI)")
    args = ap.parse_args()

    from ttscli.families.neutts import backend as neutts
    from ttscli.families.orpheus import backend as orpheus
    from ttscli.models.ref import ModelRef
    from ttscli.runtime.plan import cpu_plan

    rows = []
    for family in args.family:
        for decoder in args.decoder:
            if family == "neutts" and decoder == "heavy":
                continue  # no cost-realistic NeuCodec stand-in (see README: uncertain)
            root = build(family, decoder)
            module = orpheus if family == "orpheus" else neutts
            t0 = time.perf_counter()
            backend = module.load(ModelRef(f"bench:{family}", family, root, "local"),
                                  cpu_plan("llama.cpp", threads=args.threads))
            load_s = time.perf_counter() - t0
            voice = backend.resolve_voice(None)
            ours, raws, ratios, cpu_ours, cpu_raw, ttfa, ttfa0, mains = [], [], [], [], [], [], [], []
            for run in range(args.runs):  # pairs back to back: the ratio of a pair resists machine load
                rate, n, cpu = backend_rate(backend, voice, RATE_TEXT, seed=run)
                raw, raw_cpu = raw_rate(backend, voice, RATE_TEXT, seed=run, n_tokens=n)
                ours.append(rate)
                raws.append(raw)
                ratios.append(rate / raw)
                cpu_ours.append(100 * cpu / n)
                cpu_raw.append(100 * raw_cpu / n)
                mains.append(raw_rate_main_thread(backend, voice, RATE_TEXT, seed=run, n_tokens=n))
                ttfa.append(first_audio_in_process(backend, voice, seed=run))
                ttfa0.append(first_audio_in_process(backend, voice, seed=run, holdback=0))
            cli = statistics.median(first_audio_cli(root, args.threads) for _ in range(args.runs))
            backend.close()
            med = statistics.median
            row = dict(family=family, decoder=decoder, tokens=n, ours=med(ours), raw=med(raws), main=med(mains),
                       ratio=med(ratios), lo=min(ratios), hi=max(ratios), cpu_ours=med(cpu_ours),
                       cpu_raw=med(cpu_raw), ttfa=med(ttfa), ttfa0=med(ttfa0), cli=cli, load=load_s)
            rows.append(row)
            print(row, file=sys.stderr, flush=True)
    print("| family | decoder | tokens | backend tok/s | raw llama-cpp-python tok/s (main thread) | "
          "ratio (min-max) | CPU s / 100 tokens, backend vs raw | first audio s (in process) | same, holdback 0 | "
          "first audio s (CLI, incl. start-up) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['family']} | {r['decoder']} | {r['tokens']} | {r['ours']:.1f} | "
              f"{r['raw']:.1f} ({r['main']:.1f}) | "
              f"**{r['ratio']:.2f}** ({r['lo']:.2f}-{r['hi']:.2f}) | {r['cpu_ours']:.2f} vs {r['cpu_raw']:.2f} | "
              f"{r['ttfa']:.2f} | {r['ttfa0']:.2f} | "
              f"{r['cli']:.2f} |")


if __name__ == "__main__":
    main()
