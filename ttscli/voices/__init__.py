"""Voices beyond a model's own files: blends, saved voices and built-in presets."""
