"""German text rules; the driver is ``normalizer`` (``GermanNormalizer``). Kept empty so that a
rule module importing a sibling loads nothing else."""
