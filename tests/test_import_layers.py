"""No import cycles and no import against the layer order of docs/layout.md ("Layers").

The graph is read from the source with ast (tests/support/import_graph.py): imports inside
functions count, ``if TYPE_CHECKING:`` blocks do not. The checker itself is tried on a small
package written here, so a test that always passes cannot hide behind it.
"""

from __future__ import annotations

from pathlib import Path

from support import import_graph
from support.cli import REPO

LAYOUT = REPO / "docs" / "layout.md"


def _layers():
    return import_graph.layers_from_markdown(LAYOUT.read_text(encoding="utf-8"))


def test_ttscli_has_no_cycles_and_no_upward_imports():
    layers = _layers()
    assert [layer.rank for layer in layers] == list(range(1, len(layers) + 1))
    graph = import_graph.build(REPO / "ttscli")
    assert len(graph) > 200  # the whole package was read
    cycles, upward, unplaced = import_graph.check(graph, layers, "ttscli")
    assert not unplaced, f"modules docs/layout.md does not place in a layer: {unplaced}"
    assert not cycles, f"import cycles: {cycles}"
    assert not upward, "imports against the layer order:\n" + "\n".join(upward)


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root / "pkg"


TABLE = """## Layers

| layer | name | modules |
|---|---|---|
| 1 | low | `util`, `text.*` |
| 2 | high | `app.*` |
"""


def test_the_checker_catches_upward_imports_cycles_and_unplaced_modules(tmp_path):
    layers = import_graph.layers_from_markdown(TABLE)
    clean = _write(tmp_path / "clean", {
        "pkg/__init__.py": "",
        "pkg/util.py": "import os\n",
        "pkg/text/__init__.py": "",
        "pkg/text/rules.py": "from ..util import os\n",
        "pkg/app/__init__.py": "",
        "pkg/app/main.py": "from ..text import rules\nfrom typing import TYPE_CHECKING\n"
                           "if TYPE_CHECKING:\n    from . import later\n",
        "pkg/app/later.py": "from .main import rules\n",  # a type-only import back is not a cycle
    })
    assert import_graph.check(import_graph.build(clean), layers, "pkg") == ([], [], [])

    bad = _write(tmp_path / "bad", {
        "pkg/__init__.py": "",
        "pkg/util.py": "def f():\n    from .app import main  # an upward import inside a function\n",
        "pkg/text/__init__.py": "from . import rules\n",  # the package runs its rules ...
        "pkg/text/rules.py": "from . import words\n",  # ... which import a sibling through it
        "pkg/text/words.py": "",
        "pkg/app/__init__.py": "",
        "pkg/app/main.py": "import pkg.app.side\n",
        "pkg/app/side.py": "from pkg.app import main\n",
        "pkg/stray.py": "",
    })
    cycles, upward, unplaced = import_graph.check(import_graph.build(bad), layers, "pkg")
    assert upward == ["pkg.util (low) -> pkg.app (high)", "pkg.util (low) -> pkg.app.main (high)"]
    assert sorted(cycles) == [["pkg.app.main", "pkg.app.side"], ["pkg.text", "pkg.text.rules"]]
    assert unplaced == ["pkg.stray"]
