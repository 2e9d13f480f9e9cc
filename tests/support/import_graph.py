"""The import graph of a package, read from its source with ``ast``, and the layer check.

An edge A -> B means module A imports module B somewhere: at the top, inside a function or a
method, in a ``try`` — all of them run some time. Imports under ``if TYPE_CHECKING:`` never run
and are left out. ``from P import name`` is an edge to ``P.name`` when that is a module, else to
``P``. Importing ``P.Q.R`` also runs ``P.Q/__init__`` first, so it is an edge to every enclosing
package too (except the root package, the public façade that every module lives under).

:func:`layers_from_markdown` reads the declared order from the table in docs/layout.md;
:func:`check` returns the cycles (strongly connected sets of modules) and the imports that go
against the order (a module may import its own layer and the layers below it).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path


def modules(root: Path) -> dict[str, tuple[Path, bool]]:
    """{dotted name: (file, is_package)} for every .py file under the package directory ``root``."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        package = parts[-1] == "__init__"
        if package:
            parts = parts[:-1]
        found[".".join(parts)] = (path, package)
    return found


def _type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or \
        (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imported_names(tree: ast.AST, module: str, package: bool) -> list[tuple[str, str | None]]:
    """(module named, imported attribute or None) for every import that can run."""
    out: list[tuple[str, str | None]] = []

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _type_checking(child.test):
                for stmt in child.orelse:
                    visit_one(stmt)
                continue
            visit_one(child)

    def visit_one(child: ast.AST) -> None:
        if isinstance(child, ast.Import):
            out.extend((alias.name, None) for alias in child.names)
        elif isinstance(child, ast.ImportFrom):
            if child.level:
                base = module.split(".") if package else module.split(".")[:-1]
                base = base[:len(base) - (child.level - 1)]
                name = ".".join(base + ([child.module] if child.module else []))
            else:
                name = child.module or ""
            out.extend((name, alias.name) for alias in child.names)
        visit(child)

    visit(tree)
    return out


def build(root: Path) -> dict[str, set[str]]:
    """{module: modules it imports} within the package at ``root``."""
    table = modules(root)
    top = root.name

    def known(name: str) -> str | None:
        while name and name not in table:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {}
    for name, (path, package) in table.items():
        targets: set[str] = set()
        for imported, attribute in _imported_names(ast.parse(path.read_text(encoding="utf-8")), name, package):
            if imported != top and not imported.startswith(top + "."):
                continue
            full = f"{imported}.{attribute}" if attribute else None
            target = full if full in table else known(imported)
            if target is None:
                continue
            targets.add(target)
            parts = target.split(".")
            targets.update(".".join(parts[:i]) for i in range(2, len(parts)))  # enclosing packages run first
        targets.discard(name)
        graph[name] = targets
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every set of two or more modules that import each other, directly or around a ring."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


@dataclass(frozen=True)
class Layer:
    rank: int
    name: str
    prefixes: tuple[str, ...]


def layers_from_markdown(text: str, heading: str = "## Layers") -> list[Layer]:
    """The rows of the first table after ``heading``: ``| n | name | `mod`, `pkg.*`, ... |``,
    lowest layer first. `mod` is that module (or package ``__init__``) alone, `pkg.*` the
    package and everything under it."""
    section = text.split(heading, 1)[1]
    out = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and cells[0].isdigit():
            names = tuple(re.findall(r"`([^`]+)`", cells[2]))
            out.append(Layer(int(cells[0]), cells[1], names))
        elif out and not line.strip():
            break
    return out


def layer_of(module: str, layers: list[Layer], top: str) -> Layer | None:
    """The layer of the most specific entry that covers ``module`` (entries are relative to
    ``top``; an exact name wins over a ``.*`` of the same package)."""
    best, length = None, -1
    relative = module[len(top) + 1:] if module.startswith(top + ".") else ""
    for layer in layers:
        for entry in layer.prefixes:
            tree = entry.endswith(".*")
            name = entry.removesuffix(".*")
            covers = relative == name or (tree and relative.startswith(name + "."))
            weight = len(name) * 2 + (0 if tree else 1)
            if covers and weight > length:
                best, length = layer, weight
    return best


def check(graph: dict[str, set[str]], layers: list[Layer], top: str) -> tuple[list[list[str]], list[str], list[str]]:
    """(cycles, imports against the order as "a (layer) -> b (layer)", modules no layer covers)."""
    upward, unplaced = [], []
    for module in sorted(graph):
        here = layer_of(module, layers, top)
        if module != top and here is None:
            unplaced.append(module)
            continue
        for target in sorted(graph[module]):
            there = layer_of(target, layers, top)
            if here is not None and there is not None and there.rank > here.rank:
                upward.append(f"{module} ({here.name}) -> {target} ({there.name})")
    return cycles(graph), upward, unplaced
