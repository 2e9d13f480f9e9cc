"""Italian text rules (numbers); the driver is ``normalizer`` (``ItalianNormalizer``). Kept empty
so that a rule module importing a sibling loads nothing else."""
