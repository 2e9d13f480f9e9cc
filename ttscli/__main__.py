"""Entry point of `python -m ttscli` and of the `ttscli` script.

Ctrl-C while Python is still loading ttscli (before the CLI installs its signal
handlers) ends with the same one line and exit code as later, not a traceback
of the imports.
"""

import sys


def run() -> int:
    try:
        from .cli.app import main
    except KeyboardInterrupt:
        sys.stderr.write("ttscli: error: interrupted (Ctrl-C)\n")
        return 130
    return main()


if __name__ == "__main__":
    raise SystemExit(run())
