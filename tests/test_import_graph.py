"""The package's import graph has no cycle: data flows one way (docs/ARCHITECTURE.md).

Every ``import`` counts, at module level or inside a function (a deferred import only hides a
cycle until the function runs); only ``if TYPE_CHECKING:`` blocks are left out, since they never
run. Importing ``newsdesk.a.b`` runs ``newsdesk/a/__init__.py`` first, so that edge counts too.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "newsdesk"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def package_modules() -> dict[str, Path]:
    return {module_name(p): p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts}


def _is_type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def _imported_names(node: ast.AST, current: str) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        if node.level:  # relative: resolve against the importing module's package
            base = current.split(".")[: len(current.split(".")) - node.level]
            module = ".".join([*base, node.module] if node.module else base)
        else:
            module = node.module or ""
        return [module, *(f"{module}.{alias.name}" for alias in node.names)]
    return []


def imports_of(path: Path, current: str) -> set[str]:
    """Every dotted name an import statement in ``path`` may load, outside ``TYPE_CHECKING`` blocks."""
    found: set[str] = set()
    pending: list[ast.AST] = [ast.parse(path.read_text(encoding="utf-8"))]
    while pending:
        node = pending.pop()
        if isinstance(node, ast.If) and _is_type_checking(node):
            pending.extend(node.orelse)
            continue
        found.update(_imported_names(node, current))
        pending.extend(ast.iter_child_nodes(node))
    return found


def with_parents(name: str) -> set[str]:
    parts = name.split(".")
    return {".".join(parts[:i]) for i in range(1, len(parts) + 1)}


def import_graph() -> dict[str, set[str]]:
    modules = package_modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets = {t for imported in imports_of(path, name) for t in with_parents(imported)}
        own_packages = with_parents(name)  # a module's own parent packages are already running
        graph[name] = {t for t in targets if t in modules and t not in own_packages}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle as a path ``[a, b, ..., a]``, or None."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return path[path.index(target):] + [target]
            if target not in state and (cycle := visit(target)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


def test_the_checker_finds_a_cycle_and_a_deferred_one(tmp_path: Path) -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None
    source = tmp_path / "m.py"
    source.write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import newsdesk.x\n"
                      "def f():\n    from newsdesk.y import z\n", encoding="utf-8")
    assert imports_of(source, "newsdesk.m") >= {"newsdesk.y", "newsdesk.y.z"}
    assert "newsdesk.x" not in imports_of(source, "newsdesk.m")


def test_the_graph_sees_the_package() -> None:
    graph = import_graph()
    assert "newsdesk.models" in graph["newsdesk.analyze.summarize"]
    assert "newsdesk.analyze.summarize" in graph["newsdesk.analyze.stories"]  # a deferred import


def test_newsdesk_has_no_import_cycle() -> None:
    cycle = find_cycle(import_graph())
    if cycle:
        pytest.fail("import cycle: " + " -> ".join(cycle))


@pytest.mark.parametrize("module", ["newsdesk.analyze.llm", "newsdesk.analyze.summarize", "newsdesk.models"])
def test_each_module_imports_alone_in_a_fresh_interpreter(module: str) -> None:
    done = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True, text=True,
                          timeout=120, cwd=PACKAGE.parent)
    assert done.returncode == 0, done.stderr
