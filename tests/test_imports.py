"""The package's import graph: one direction of data flow, read from the source.

Every `import` of a pipeline module inside the package is an edge (imports
inside functions too: a lazy import still ties the modules together; only
imports made for type checking are left out). The graph must have no cycle,
and no page stage may import a staff tool.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "pipeline"

# Stages that write what readers see, and the commands staff run on their own data.
PAGE_STAGES = ("pages", "catalog", "feeds", "social")
STAFF_TOOLS = ("revisions", "importer", "newyear")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(p for p in parts if p != "__init__") or "__init__"


def _type_checking_only(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            return True
    return False


def imports_of(path: Path, known: set[str]) -> set[str]:
    """The pipeline modules `path` imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    here = module_name(path).split(".")
    package = here[:-1] if path.name != "__init__.py" else here
    found: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, (ast.Import, ast.ImportFrom)) or _type_checking_only(node, parents):
            continue
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
                stem = [*base, *(node.module.split(".") if node.module else [])]
            elif node.module and node.module.split(".")[0] == "pipeline":
                stem = node.module.split(".")[1:]
            else:
                continue
            for alias in node.names:
                full = ".".join([*stem, alias.name])
                target = full if full in known else ".".join(stem)
                if target in known:
                    found.add(target)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("pipeline."):
                    name = alias.name[len("pipeline."):]
                    if name in known:
                        found.add(name)
    found.discard(module_name(path))
    return found


@functools.cache
def graph() -> dict[str, set[str]]:
    files = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    known = set(files)
    return {name: imports_of(path, known) for name, path in files.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                group.append(top)
                if top == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return sorted(found)


def test_cycles_are_found() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_lazy_and_relative_imports_are_edges() -> None:
    edges = graph()
    assert "validate" in edges["build"]  # imported inside a function
    assert "findings" in edges["checks.cells"]  # from ..findings import
    assert "checks.cells" in edges["validate"]  # from .checks import cells


def test_no_import_cycle() -> None:
    assert cycles(graph()) == []


@pytest.mark.parametrize("stage", PAGE_STAGES)
def test_page_stage_imports_no_staff_tool(stage: str) -> None:
    edges = graph()
    reached: set[str] = set()
    todo = [stage]
    while todo:  # what the stage imports, directly or through other modules
        for nxt in edges.get(todo.pop(), set()) - reached:
            reached.add(nxt)
            todo.append(nxt)
    assert sorted(reached & set(STAFF_TOOLS)) == []


README = PACKAGE.parent / "README.md"


@pytest.mark.parametrize("path", sorted(p for p in PACKAGE.rglob("*.py")
                                        if p.name not in ("__main__.py",)),
                         ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_every_module_says_what_belongs_there(path: Path) -> None:
    docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    assert docstring and len(docstring) > 40, f"{path.name} needs a docstring saying what it holds"


@pytest.mark.parametrize("name", sorted(p.name for p in PACKAGE.glob("*.py")
                                        if p.name not in ("__init__.py", "__main__.py")))
def test_every_module_is_in_the_readme_module_map(name: str) -> None:
    table = [line for line in README.read_text(encoding="utf-8").splitlines()
             if line.startswith("| `pipeline/")]
    assert any(f"`{name}`" in line or f"/{name}`" in line for line in table), name
