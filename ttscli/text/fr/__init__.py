"""French text rules; the driver is ``normalizer`` (``FrenchNormalizer``). Kept empty so that a
rule module importing a sibling loads nothing else."""
