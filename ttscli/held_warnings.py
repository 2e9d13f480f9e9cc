"""Hold warnings back while a step may still fail, so a failure prints one line.

Inside ``held()``, ttscli's log records are kept instead of printed. When the
block succeeds they are printed in order; when it raises they are dropped and
only the error line is shown (``ttscli: error: ...``).
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def held() -> Iterator[None]:
    records: list[logging.LogRecord] = []

    def keep(record: logging.LogRecord) -> bool:
        records.append(record)
        return False

    root = logging.getLogger("ttscli")
    handlers = list(root.handlers)
    for handler in handlers:
        handler.addFilter(keep)
    try:
        yield
    finally:
        for handler in handlers:
            handler.removeFilter(keep)
    for record in records:
        for handler in handlers:
            handler.handle(record)
