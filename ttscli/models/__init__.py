"""Model references, the embedded models, and resolution of user model ids."""
