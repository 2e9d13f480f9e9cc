"""Named voices stored by ttscli: clones, blends and presets."""
