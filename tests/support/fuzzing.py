"""One hypothesis profile for the fuzz tests: derandomized and database-less, so a
CI run explores the same examples every time and a failure reproduces exactly."""

from __future__ import annotations

from hypothesis import HealthCheck, settings


def fuzz(max_examples: int = 200):
    return settings(max_examples=max_examples, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                           HealthCheck.data_too_large])
