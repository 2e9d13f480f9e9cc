"""Make packages unimportable in this process, as on a machine where they are not installed.

``block_imports("llama_cpp")`` puts a finder first on ``sys.meta_path`` that raises
ModuleNotFoundError for the package and its submodules, and hides already-imported copies
from ``sys.modules`` until the block ends: ``import llama_cpp`` and
``importlib.util.find_spec("llama_cpp")`` then fail exactly as without the package.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from importlib.abc import MetaPathFinder


class _Blocker(MetaPathFinder):
    def __init__(self, names: tuple[str, ...]):
        self.names = names

    def blocks(self, fullname: str) -> bool:
        return any(fullname == n or fullname.startswith(n + ".") for n in self.names)

    def find_spec(self, fullname, path=None, target=None):
        if self.blocks(fullname):
            raise ModuleNotFoundError(f"No module named {fullname!r}", name=fullname)
        return None


@contextmanager
def block_imports(*names: str):
    blocker = _Blocker(names)
    hidden = {k: v for k, v in sys.modules.items() if blocker.blocks(k)}
    for key in hidden:
        del sys.modules[key]
    sys.meta_path.insert(0, blocker)
    try:
        yield
    finally:
        sys.meta_path.remove(blocker)
        for key in [k for k in sys.modules if blocker.blocks(k)]:
            del sys.modules[key]
        sys.modules.update(hidden)
