"""Reference data the docs generator renders: environment variables, files, extras,
man-page examples.

This is the one list of every environment variable ttscli reads (a test greps the
package for ``TTSCLI_*`` names and fails on any missing here). The man page, the
generated tables in docs/reference.md and the README's extras table come from it
(``python -m ttscli.cli.docgen .``).
"""

from __future__ import annotations

from ..models.resolve import declared_default

# name -> what it does. Order: ttscli's own, then the libraries' it honours.
ENVIRONMENT: dict[str, str] = {
    "TTSCLI_HOME": "Keep data, cache and config under this one directory (data/, cache/, config/) "
                   "instead of the XDG locations.",
    "TTSCLI_MODEL": f"Default model id for commands that take --model (default {declared_default()}).",
    "TTSCLI_DEVICE": "Same as --device: auto, cpu, cuda, cuda:N or mps.",
    "TTSCLI_THREADS": "Same as --threads: CPU threads per runtime (default: the physical cores this process "
                      "may use).",
    "TTSCLI_RUNTIME": "Same as --runtime: auto, onnxruntime, sherpa-onnx, llama.cpp or torch.",
    "TTSCLI_DEBUG": "Any value but 0: same as --debug (debug logs and tracebacks).",
    "TTSCLI_PLAYER": "Player for say without -o on a terminal: auto (default), none (write "
                     "./ttscli-TIMESTAMP.wav instead), sounddevice, ffplay, aplay, pacat, play or ffmpeg "
                     "(the bundled ffmpeg, to PulseAudio).",
    "TTSCLI_WORKERS": "Piper, Kokoro, Kitten: sentences synthesized side by side on the CPU (default 2 with "
                      "2 or more threads; Piper's share every thread, Kokoro's and Kitten's have half each, "
                      "and a sentence that runs alone has them all).",
    "TTSCLI_RAY_ACTORS_PER_GPU": "batch --cluster: Ray actors that share one GPU for families the runtime plan "
                                 "puts on a GPU (default 2).",
    "TTSCLI_HOST": "Address of a running ttscli serve that say and ps use (host, host:port or http://host:port; "
                   "default 127.0.0.1:8870).",
    "TTSCLI_API_KEY": "Same as serve --api-key; say and ps send it as 'Authorization: Bearer KEY'.",
    "TTSCLI_ORIGINS": "Same as serve --allow-origin, comma-separated: browser origins the server answers "
                      "besides the loopback ones.",
    "TTSCLI_NO_SERVER": "1 (or true, yes): same as say --no-server (synthesize in-process).",
    "TTSCLI_MCP_DIR": "Same as mcp --output-dir: the only directory MCP tools write files to (default "
                      "~/.local/share/ttscli/mcp).",
    "TTSCLI_SPEECHD_WAV": "speechd module: write each message's audio to this WAV file, at the pace of playback, "
                          "instead of sending it to speech-dispatcher (tests and benchmarks without sound).",
    "TTSCLI_ORT_CACHE": "0 turns off the cache of onnxruntime-optimized graphs (CPU sessions).",
    "TTSCLI_ORT_BLOCKED": "0 keeps 1-D convolutions as they are instead of running them in onnxruntime's blocked "
                          "CPU layout (x86-64 CPU sessions; see docs/performance.md).",
    "TTSCLI_UNIFIED_MEMORY": "0 stops ttscli from setting GGML_CUDA_ENABLE_UNIFIED_MEMORY=1 for llama.cpp on "
                             "unified-memory GPUs (DGX Spark, Jetson).",
    "TTSCLI_NEUCODEC": "Hub repository of the NeuTTS clone encoder's codec (the default and the distilled "
                       "alternative are named in ttscli/families/neutts/encoder.py).",
    "TTSCLI_TEST_CORRUPT_CHUNK": "Tests only: batch writes every chunk whose text contains this string "
    "backwards on its first take (so --verify must re-take it).",
    "TTSCLI_WHISPER_MODEL": "A faster-whisper model directory for clone transcripts instead of Whisper tiny.en.",
    "HF_HOME, HF_HUB_CACHE": "Where huggingface_hub keeps downloaded model files.",
    "HF_ENDPOINT": "Hub URL (a mirror, or a local test server).",
    "HF_TOKEN": "Token for gated or private Hugging Face repositories (or hf auth login).",
    "HF_HUB_OFFLINE": "1: pull uses only the local cache and never touches the network.",
    "CUDA_VISIBLE_DEVICES": "Honoured by the hardware probe and --device cuda:N.",
    "GGML_CUDA_ENABLE_UNIFIED_MEMORY": "Set by the runtime plan on unified-memory machines; a value you set is kept.",
}

# Linux defaults (platformdirs); with TTSCLI_HOME: $TTSCLI_HOME/{data,cache,config}.
FILES: dict[str, str] = {
    "~/.local/share/ttscli/store/models/*.json": "one record per installed (pulled or imported) model",
    "~/.local/share/ttscli/store/imported/": "copies of directories imported with pull ./dir",
    "~/.local/share/ttscli/voices/NAME.voice.safetensors": "cloned voices and saved blends",
    "~/.local/share/ttscli/embedded/": "the offline Kokoro model, joined once from its packages",
    "~/.cache/ttscli/downloads/": "partial downloads (resumed by the next pull)",
    "~/.cache/ttscli/catalog/piper-voices.json": "the cached Piper voice index",
    "~/.cache/ttscli/seeded-onnx/, ort-optimized/": "Piper graphs rewritten for seeded noise; "
                                                   "onnxruntime-optimized copies of ONNX graphs (.onnx, with their .weights)",
    "~/.cache/ttscli/sherpa-piper/, sherpa/": "sherpa-onnx copies of Piper voices, sherpa load checks",
    "~/.config/ttscli/lexicon.toml": "your pronunciation lexicon",
    "~/.local/share/ttscli/mcp/": "files the MCP tools write (ttscli mcp --output-dir)",
    "$HF_HOME/hub (~/.cache/huggingface/hub)": "model files (the normal huggingface_hub cache)",
}

# extra -> what it enables (the packages come from pyproject.toml).
EXTRAS: dict[str, str] = {
    "kokoro-offline": "the embedded model kokoro:v1.0-int8-ja (Kokoro-82M int8, 5 Japanese voicepacks), "
                      "no download",
    "ja": "Japanese text for Kokoro's j* voices (espeak-ng cannot read kanji)",
    "gguf": "GGUF speech LMs: NeuTTS, Orpheus (llama-cpp-python builds from source)",
    "spark": "Spark-TTS: its language model on llama.cpp, its codec (decoder and speaker encoder) on PyTorch",
    "sherpa": "--runtime sherpa-onnx and the sherpa:* model packages",
    "torch": "the speaker encoder for Kokoro voice matching (clone --model kokoro); base of the NeuTTS and "
             "Pocket TTS encoders",
    "pocket": "Kyutai Pocket TTS on PyTorch (say -m pocket-tts, clone --model pocket-tts)",
    "asr": "clone without --text: the reference is transcribed offline (Whisper tiny.en); Kokoro clones are "
           "checked for intelligibility with it",
    "server": "ttscli serve: the OpenAI-compatible speech server (Starlette, uvicorn)",
    "wyoming": "ttscli serve --wyoming: the Wyoming protocol for Home Assistant (--zeroconf also needs zeroconf)",
    "mcp": "ttscli mcp: the Model Context Protocol server for agents and assistants (the mcp SDK)",
    "ray": "batch --cluster: chunks synthesized by Ray actors, on this machine or a cluster",
    "bench": "the peer tools of the benchmark scripts",
    "test": "the test suite",
}

# (command, what it does) for the man page's EXAMPLES.
EXAMPLES: list[tuple[str, str]] = [
    ('ttscli say "Hello there." -o hello.wav', "Speak with the bundled voice into a WAV file."),
    ('ttscli say "Hello there."', "Play it (on a machine without sound, write ./ttscli-TIMESTAMP.wav)."),
    ('ttscli say "Streamed." | ffplay -nodisp -autoexit -', "Stream WAV to another program."),
    ("ttscli say --dry-run 'Dr. Smith paid $42.50.'", "Show what would be read, without audio."),
    ("ttscli pull piper:en_GB-alan-medium", "Download another English voice (needs the network once)."),
    ('ttscli say -m piper:en_GB-alan-medium "Good morning." -o gb.wav', "Speak with it, offline."),
    ("ttscli batch book.epub -o audiobooks/", "Make an .m4b audiobook with chapters."),
    ("ttscli convert hello.wav hello.mp3", "Convert audio between formats."),
    ("ttscli doctor", "Show hardware, runtimes and the plan each model runs with."),
    ("ttscli completion install bash", "Install tab completion for bash."),
    ("ttscli serve", "Keep models warm behind an OpenAI-compatible API on 127.0.0.1:8870; say uses it."),
    ("ttscli speechd install", "Let Orca and spd-say speak through ttscli (a speech-dispatcher module)."),
    ("claude mcp add ttscli -- ttscli mcp", "Give an agent speech tools over MCP."),
]
