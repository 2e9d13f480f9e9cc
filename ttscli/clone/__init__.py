"""Voice cloning: reference audio → a named voice in the voice cache.

``reference`` reads and checks the user's files, ``conditioning`` turns them
into one clean mono clip at the encoder's rate (loudness, silence, clipping,
length policy, best window), ``transcript`` finds what is said in it, and the
per-family encoders (``FamilySpec.clone``) turn the clip into the tensors a
backend needs. ``run.clone`` ties it together and writes the voice with
``ttscli.voices.cache``.
"""
