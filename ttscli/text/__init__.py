"""Text front end: text → normalized segments with pauses."""
