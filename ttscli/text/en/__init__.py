"""English text rules, one module per kind of written form; the driver is ``normalizer``
(``EnglishNormalizer``). Kept empty so that a rule module importing a sibling loads nothing else."""
