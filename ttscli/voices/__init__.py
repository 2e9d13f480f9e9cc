"""Named voices: clones and blends in the voice cache, saved voices, built-in presets."""
