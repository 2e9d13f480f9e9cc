"""A wall-clock limit for work that could run away (a user's regular expression).

Python's ``re`` checks for signals while it backtracks, so an interval timer
stops a catastrophic pattern such as ``(a+)+$``. The limit applies on the main
thread of a Unix process; elsewhere the work runs unlimited.
"""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from typing import Iterator


class _Expired(BaseException):
    """Raised inside the limited block; turned into the caller's error at its edge."""


@contextmanager
def time_limit(seconds: float, error: Exception) -> Iterator[None]:
    """Run the block for at most ``seconds``; then raise ``error`` instead."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def expire(signum, frame):
        raise _Expired()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except _Expired:
        raise error from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
