"""Tiny but real NeuTTS- and Orpheus-shaped model directories for tests.

Each directory holds a GGUF backbone that llama.cpp runs (see synthetic_gguf:
the families' real token texts, a programmed next-token chain) and an ONNX
codec decoder with the real input/output names, dtypes and shapes:

* NeuCodec: ``codes`` int32 [1, 1, T] → float32 [1, 1, 480·T];
* SNAC 24 kHz: ``audio_codes.0/1/2`` int64 [1, L], [1, 2L], [1, 4L] →
  ``audio_values`` float32 [1, 1, 2048·L].

The decoders are position-local (sample i depends only on the codes that
cover it): a code sets the amplitude of a 200 Hz tone. That makes windowed
streaming decode comparable sample for sample with a one-shot decode, and the
audio's loudness track readable back into codes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from support.synthetic_gguf import CONTROL, Vocab, bigram

SR = 24000
TONE_HZ = 200.0

# --- NeuTTS
NEUTTS_MARKERS = ["<|TEXT_REPLACE|>", "<|TEXT_PROMPT_START|>", "<|TEXT_PROMPT_END|>", "<|SPEECH_REPLACE|>",
                  "<|SPEECH_GENERATION_START|>", "<|SPEECH_GENERATION_END|>"]
NEUTTS_CODES = 256  # <|speech_0|> ... <|speech_255|>
REF_CODES = [250, 251, 252, 253, 254, 255]  # the sample voice; generation starts after the last one


def neutts_amplitude(code: int | np.ndarray):
    return 0.05 + 0.9 * (np.asarray(code) % 64) / 63.0


def snac_amplitude(c0, c1, c2):
    return 0.05 + 0.3 * (np.asarray(c0) % 8) / 7.0 + 0.3 * (np.asarray(c1) % 8) / 7.0 + 0.3 * (np.asarray(c2) % 8) / 7.0


def neucodec_decoder(path: Path) -> Path:
    import onnx
    from onnx import TensorProto, helper

    hop = 480
    table = neutts_amplitude(np.arange(65536)).astype(np.float32)
    tone = np.sin(2 * np.pi * TONE_HZ * np.arange(hop) / SR).astype(np.float32)
    nodes = [
        helper.make_node("Gather", ["table", "codes"], ["amp"], axis=0),  # [1,1,T]
        helper.make_node("Unsqueeze", ["amp", "last"], ["amp4"]),  # [1,1,T,1]
        helper.make_node("Mul", ["amp4", "tone"], ["frames"]),  # [1,1,T,480]
        helper.make_node("Reshape", ["frames", "shape"], ["audio"]),
    ]
    graph = helper.make_graph(
        nodes, "neucodec_stub",
        [helper.make_tensor_value_info("codes", TensorProto.INT32, [1, 1, "T"])],
        [helper.make_tensor_value_info("audio", TensorProto.FLOAT, [1, 1, "S"])],
        initializer=[
            helper.make_tensor("table", TensorProto.FLOAT, [65536], table),
            helper.make_tensor("tone", TensorProto.FLOAT, [hop], tone),
            helper.make_tensor("last", TensorProto.INT64, [1], [3]),
            helper.make_tensor("shape", TensorProto.INT64, [3], [1, 1, -1]),
        ],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    return path


def snac_decoder(path: Path, *, noise: bool = False) -> Path:
    """SNAC-shaped stub; ``noise`` adds a RandomNormalLike like SNAC's NoiseBlocks."""
    import onnx
    from onnx import TensorProto, helper

    tone = np.sin(2 * np.pi * TONE_HZ * np.arange(2048) / SR).astype(np.float32)
    nodes, inits = [], [
        helper.make_tensor("tone", TensorProto.FLOAT, [1, 2048], tone),
        helper.make_tensor("last", TensorProto.INT64, [1], [2]),
        helper.make_tensor("shape", TensorProto.INT64, [3], [1, 1, -1]),
        helper.make_tensor("flat", TensorProto.INT64, [2], [1, -1]),
    ]
    parts = []
    for k, repeat in enumerate((2048, 1024, 512)):
        table = (0.3 * (np.arange(4096) % 8) / 7.0 + (0.05 if k == 0 else 0.0)).astype(np.float32)
        inits += [helper.make_tensor(f"table{k}", TensorProto.FLOAT, [4096], table),
                  helper.make_tensor(f"ones{k}", TensorProto.FLOAT, [repeat], np.ones(repeat, np.float32))]
        nodes += [
            helper.make_node("Gather", [f"table{k}", f"audio_codes.{k}"], [f"g{k}"], axis=0),  # [1, n]
            helper.make_node("Unsqueeze", [f"g{k}", "last"], [f"u{k}"]),  # [1, n, 1]
            helper.make_node("Mul", [f"u{k}", f"ones{k}"], [f"r{k}"]),  # [1, n, repeat]
            helper.make_node("Reshape", [f"r{k}", "flat"], [f"a{k}"]),  # [1, 2048 L]
        ]
        parts.append(f"a{k}")
    nodes += [helper.make_node("Sum", parts, ["amp"]),
              helper.make_node("Reshape", ["amp", "shape"], ["amp3"])]  # [1, 1, 2048 L]
    # tone repeats every 2048 samples: tile it over L frames by reshaping to [1, L, 2048]
    inits.append(helper.make_tensor("frames_shape", TensorProto.INT64, [3], [1, -1, 2048]))
    nodes += [helper.make_node("Reshape", ["amp3", "frames_shape"], ["amp_f"]),
              helper.make_node("Mul", ["amp_f", "tone"], ["wave_f"])]
    out = "wave_f"
    if noise:
        inits.append(helper.make_tensor("eps", TensorProto.FLOAT, [], [0.01]))
        nodes += [helper.make_node("RandomNormalLike", [out], ["noise"]),
                  helper.make_node("Mul", ["noise", "eps"], ["noise_s"]),
                  helper.make_node("Add", [out, "noise_s"], ["noisy"])]
        out = "noisy"
    nodes.append(helper.make_node("Reshape", [out, "shape"], ["audio_values"]))
    graph = helper.make_graph(
        nodes, "snac_stub",
        [helper.make_tensor_value_info("audio_codes.0", TensorProto.INT64, [1, "L"]),
         helper.make_tensor_value_info("audio_codes.1", TensorProto.INT64, [1, "L2"]),
         helper.make_tensor_value_info("audio_codes.2", TensorProto.INT64, [1, "L4"])],
        [helper.make_tensor_value_info("audio_values", TensorProto.FLOAT, [1, 1, "S"])],
        initializer=inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    return path


def write_codes_npy(path: Path, codes) -> None:
    np.save(path, np.asarray(codes, dtype=np.int32), allow_pickle=False)


def torch_pickle(n: int, storage: str = "IntStorage") -> bytes:
    """The opcode stream torch.save writes for a 1-D tensor of n elements (as in NeuTTS' jo.pt)."""
    import struct

    count = b"M" + struct.pack("<H", n) if n < 65536 else b"J" + struct.pack("<i", n)
    return (b"\x80\x02ctorch._utils\n_rebuild_tensor_v2\nq\x00((X\x07\x00\x00\x00storageq\x01ctorch\n"
            + storage.encode() + b"\nq\x02X\x01\x00\x00\x000q\x03X\x03\x00\x00\x00cpuq\x04" + count
            + b"tq\x05QK\x00" + count + b"\x85q\x06K\x01\x85q\x07\x89ccollections\nOrderedDict\nq\x08)Rq\ttq\nRq\x0b.")


def write_pt(path: Path, prefix: str, pkl: bytes, data: bytes) -> Path:
    """A torch.save-style zip archive (what NeuTTS ships as samples/NAME.pt)."""
    import zipfile

    with zipfile.ZipFile(path, "w") as z:
        z.writestr(f"{prefix}/data.pkl", pkl)
        z.writestr(f"{prefix}/byteorder", "little")
        z.writestr(f"{prefix}/data/0", data)
        z.writestr(f"{prefix}/version", "3\n")
    return path


def write_codes_pt(path: Path, codes) -> Path:
    codes = np.asarray(codes, dtype="<i4")
    return write_pt(path, "voice_actor", torch_pickle(len(codes)), codes.tobytes())


def neutts_vocab(codes: int = NEUTTS_CODES) -> tuple[Vocab, dict[str, int], list[int]]:
    vocab = Vocab.base(["▁user", "▁assistant"])
    marks = {m: vocab.add(m) for m in NEUTTS_MARKERS}
    speech = [vocab.add(f"<|speech_{i}|>") for i in range(codes)]
    return vocab, marks, speech


def neutts_dir(root: Path, chain: list[int], *, mode: str = "end", arch: str = "qwen2",
               voices: dict[str, tuple[list[int], str]] | None = None, metadata: dict | None = None) -> Path:
    """A NeuTTS model directory whose backbone answers any prompt ending in the
    reference code 255 with ``chain`` (speech codes), then:

    mode "end": <|SPEECH_GENERATION_END|>; "never": loops back to the chain's start;
    "coin": the first token is a fair coin between the chain and an immediate end.
    """
    root.mkdir(parents=True, exist_ok=True)
    vocab, marks, speech = neutts_vocab()
    end = marks["<|SPEECH_GENERATION_END|>"]
    ids = [speech[c] for c in chain]
    table: dict[int, list[int]] = {speech[REF_CODES[-1]]: [ids[0]] if mode != "coin" else [ids[0], end]}
    for a, b in zip(ids, ids[1:]):
        table[a] = [b]
    table[ids[-1]] = [ids[0]] if mode == "never" else [end]
    table[end] = [2]
    bigram(root / "neutts-tiny-Q8_0.gguf", vocab, table, arch=arch, metadata=metadata)
    neucodec_decoder(root / "model.onnx")
    samples = root / "samples"
    samples.mkdir(exist_ok=True)
    for name, (codes, text) in (voices or {"jo": (REF_CODES, "Hello from the reference voice.")}).items():
        if name.endswith(".pt"):
            name = name[:-3]
            write_codes_pt(samples / f"{name}.pt", codes)
        else:
            write_codes_npy(samples / f"{name}.npy", codes)
        (samples / f"{name}.txt").write_text(text + "\n", encoding="utf-8")
    return root


# --- Orpheus
ORPHEUS_FRAMES = 30  # distinct frames available for chains (frame f uses code f in every slot)


def orpheus_vocab(frames: int = ORPHEUS_FRAMES) -> tuple[Vocab, dict[str, int], dict[tuple[int, int], int]]:
    vocab = Vocab.base(["▁tara", "▁leah", ":"])
    marks = {"<|begin_of_text|>": vocab.add("<|begin_of_text|>", CONTROL),
             "<|eot_id|>": vocab.add("<|eot_id|>", CONTROL)}
    for n in range(10):
        marks[f"<custom_token_{n}>"] = vocab.add(f"<custom_token_{n}>")
    audio = {}
    for f in range(frames):
        for slot in range(7):
            audio[(f, slot)] = vocab.add(f"<custom_token_{10 + 4096 * slot + f}>")
    return vocab, marks, audio


def orpheus_dir(root: Path, n_frames: int, *, mode: str = "end", noise: bool = False) -> Path:
    """An Orpheus model directory that answers with frames 0..n_frames-1 (frame f
    = code f in all 7 slots), then <custom_token_2> ("end") or loops ("never")."""
    root.mkdir(parents=True, exist_ok=True)
    vocab, marks, audio = orpheus_vocab(max(n_frames, ORPHEUS_FRAMES))
    seq = [audio[(f, s)] for f in range(n_frames) for s in range(7)]
    table: dict[int, list[int]] = {marks["<custom_token_1>"]: [seq[0]]}
    for a, b in zip(seq, seq[1:]):
        table[a] = [b]
    table[seq[-1]] = [seq[0]] if mode == "never" else [marks["<custom_token_2>"]]
    table[marks["<custom_token_2>"]] = [marks["<|eot_id|>"]]
    bigram(root / "orpheus-tiny-q4_k_m.gguf", vocab, table, arch="llama", bos=marks["<|begin_of_text|>"],
           eos=marks["<|eot_id|>"])
    snac_decoder(root / "snac_24khz_decoder.onnx", noise=noise)
    return root
