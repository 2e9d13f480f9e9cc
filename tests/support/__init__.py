"""Test helpers, one module per concern (tests import them as ``support.<module>``).

cli                 run_cli (subprocess), invoke (in-process, the ``cli_inproc`` fixture; its result
                    also has .code, .out, .err as text), assert_clean_error, REPO, SHARED (real
                    speech: $TTSCLI_TEST_SHARED or ../shared)
registry            fresh_registry(): the family registry and catalog rebuilt around a change
import_graph        the import graph of a package (ast) and the layer check of docs/layout.md
asr                 transcribe with Whisper tiny.en, word_errors
hub                 the loopback hub as a pytest fixture: hub_fixture(build), serving(repos), files_of
hfserver            the loopback Hugging Face hub itself (real sockets, faults per file)
hubfiles            files for it: the real Piper joe voice, voices.json, tiny ONNX models
book_helpers        EPUB/Markdown books for `batch` tests
clone_helpers       reference speech and synthetic encoders for `clone` tests
fuzzing             generators for the text and file fuzzers
hwsim               simulated hardware (GPUs, drivers) for the runtime planner
server              ServerProcess: a real `ttscli serve` on a free port (start, requests, status, stop)
speech_models, synthetic_gguf, synthetic_encoders, pocket_tiny, sherpa_synth, styletts_synth
                    small synthetic models of each family, built in the test's temp directory
"""
