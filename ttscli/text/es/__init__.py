"""Spanish text rules (numbers, amounts, calendar); the driver is ``normalizer``
(``SpanishNormalizer``). Kept empty so that a rule module importing a sibling loads nothing else."""
