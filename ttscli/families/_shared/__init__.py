"""Code shared by several model families that names none of them: the GGUF speech-LM base,
codec decoders, windowed decoding and lookahead workers."""
