"""Entry point of `python -m ttscli` and of the `ttscli` script.

Ctrl-C while Python is still loading ttscli (before the CLI installs its signal
handlers) ends with the same one line and exit code as later, not a traceback
of the imports. `ttscli say ... -o FILE` (or `--raw`, or WAV on stdout) first tries the user's
warm server with the standard library only (ttscli.cli.say_fast); with no server, its common
options run in this process without Typer (ttscli.cli.say_direct); anything else goes to the
full CLI unchanged. A `say` served by either path ends without the interpreter's teardown.
"""

import sys


def _interrupted() -> int:
    sys.stderr.write("ttscli: error: interrupted (Ctrl-C)\n")
    return 130


def _fast(args: list) -> "int | None":
    import signal

    def terminated(signum, frame):
        sys.stderr.write("ttscli: error: terminated (SIGTERM)\n")
        raise SystemExit(143)  # unwinds like Ctrl-C: a temporary file is removed

    previous = signal.signal(signal.SIGTERM, terminated)
    try:
        from .cli.say_fast import run as fast

        return fast(args)
    finally:
        signal.signal(signal.SIGTERM, previous)


GC_THRESHOLD = (10_000, 10, 10)  # Python's default (700, 10, 10) collects about 50 times while ttscli loads


# numpy's OpenBLAS starts a helper thread per core at import, and each spins, yielding, for about
# 0.1 s whenever it has no work (2**28 cycles), first right after the import: on 2 cores 0.1 CPU s
# of a one-shot `say` (a fifth of it) beside the model load. The shortest timeout (2**4 cycles)
# puts idle helpers to sleep at once; BLAS work still runs on every core. A value set by the
# user is kept.
OPENBLAS_TIMEOUT = ("OPENBLAS_THREAD_TIMEOUT", "4")


def _end(code: int) -> None:
    """End a `say` that is done, without the interpreter's teardown. By now its files are
    committed and closed, its player has drained and its threads are daemons; the teardown would
    only free every module: 25-30 ms of a 330 ms one-shot call after a model load, 6 ms of a
    served call. stdout and stderr are flushed here, if they exist (a closed pipe changes nothing:
    the code stands)."""
    import os

    for stream in (sys.stdout, sys.stderr):
        if stream is None:  # the descriptor was closed when Python started
            continue
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)


def run() -> int:
    import gc
    import os

    os.environ.setdefault(*OPENBLAS_TIMEOUT)

    # Start-up allocates tens of thousands of objects that live as long as the process (modules,
    # classes, functions) and the default gen-0 threshold scans them over and over: 5-14 ms of
    # a one-shot `say`. A larger threshold collects 3 times instead; what a run frees is freed by
    # reference counting, and cycles are still collected, later.
    gc.set_threshold(*GC_THRESHOLD)
    try:
        if sys.argv[1:2] == ["say"]:
            code = _fast(sys.argv[2:])
            if code is None:
                from .cli.say_direct import run as direct

                code = direct(sys.argv[2:])
            if code is not None:
                _end(code)
        from .cli.app import main
    except KeyboardInterrupt:
        return _interrupted()
    return main()


if __name__ == "__main__":
    raise SystemExit(run())
