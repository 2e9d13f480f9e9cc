"""Names vulture cannot see used (`vulture` reads this file with ttscli/; see docs/development.md).

Only names a framework, another process, a string or a test calls belong here; anything else
vulture reports is dead code to delete. The file is never imported.
"""
# ruff: noqa

# Typer commands and Enum members (called through the CLI)
batch, doctor, list_models, rm, say, man, serve, ps, mcp, uninstall
# MCP tools (called by MCP clients through ttscli.mcp_server.server)
write_speech, make_subtitles
mdy, dmy, ymd

# the Python API: module-level __getattr__/__dir__ (PEP 562) of ttscli/__init__.py
__getattr__, __dir__

# family declarations and hooks named by "module:function" strings (ttscli/families/__init__.py,
# each family's FamilySpec); plugin API
load_kokoro, load_kitten, KOKORO, KITTEN, import_facts
INDEX, KOKORO_VOICES, KITTEN_VOICES, kokoro_show_lines, show_lines
# torch modules: nn.Module.__call__ runs forward
_.forward
register  # register: families (backends) and languages (text)
# run in a subprocess by its module path (sherpa_engine's probe)
probe_main

# settings read by libraries: onnxruntime SessionOptions, sherpa-onnx and llama.cpp configs,
# huggingface_hub's constants, expat's parser hooks, mutagen's Picture
_.intra_op_num_threads, _.inter_op_num_threads, _.graph_optimization_level, _.log_severity_level
_.optimized_model_filepath, _.enable_mem_pattern
_.voice_embedding_cache_capacity, _.num_threads, _.max_num_sentences, _.max_decoder_frames_per_call
_.last_n_tokens_size
_.DOWNLOAD_CHUNK_SIZE
_.StartDoctypeDeclHandler, _.EntityDeclHandler, _.ExternalEntityRefHandler
_.StartElementHandler, _.EndElementHandler, _.CharacterDataHandler
_.mime
_.lastResort, _.unraisablehook, _.exc_text, _.stack_info  # logging and sys hooks the server sets

# record fields read by tests, benchmarks, `doctor` (dataclasses.asdict) or --debug users
generation_s, tokens_at_first_audio, prompt_tokens, first_token_s
voice_name, load_seconds, bus_id, memory_budget_bytes
MODULES

# used by tests only: the parts of a family the tests check one by one
audio_number, _.required_roles, _.style_for
