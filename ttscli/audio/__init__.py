"""Audio chunks, encoders and sinks (file, stdout, speaker)."""
