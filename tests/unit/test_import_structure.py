"""The import structure of `app/`, read from the source with `ast`: no cycle among its modules,
GraphQL and REST independent of each other, and a domain that needs no framework.

Imports count wherever they are written (module level and inside functions), except in
`if TYPE_CHECKING:` blocks, which only annotate and never run."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app"


def module_files(root: Path = APP) -> dict[str, Path]:
    """Every module of the package at `root`, by dotted name (a package by its own name)."""
    modules: dict[str, Path] = {}
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def _is_type_checking(test: ast.expr) -> bool:
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def runtime_imports(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """The import statements that can run: at any depth, outside `if TYPE_CHECKING:`."""
    for child in ast.iter_child_nodes(tree):
        if isinstance(child, ast.Import | ast.ImportFrom):
            yield child
        elif isinstance(child, ast.If) and _is_type_checking(child.test):
            for branch in child.orelse:
                yield from runtime_imports(branch)
        else:
            yield from runtime_imports(child)


def imported_names(module: str, is_package: bool, tree: ast.AST) -> set[str]:
    """The dotted names `module` imports at run time (`a.b` for `from a import b`, whether
    `b` is a module or a name in `a`), relative imports made absolute."""
    names: set[str] = set()
    for statement in runtime_imports(tree):
        if isinstance(statement, ast.Import):
            names.update(alias.name for alias in statement.names)
            continue
        base = statement.module or ""
        if statement.level:
            package = module.split(".")
            if not is_package:
                package = package[:-1]
            package = package[: len(package) - (statement.level - 1)]
            base = ".".join([*package, base] if base else package)
        names.update(f"{base}.{alias.name}" for alias in statement.names)
    return names


def _within(name: str, modules: dict[str, Path]) -> str | None:
    """The module of `modules` that `name` is, or the nearest one it lies in."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in modules:
            return candidate
        parts.pop()
    return None


def import_graph(modules: dict[str, Path]) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """For each module: the modules of `modules` it imports, and every name it imports."""
    edges: dict[str, set[str]] = {}
    names: dict[str, set[str]] = {}
    for module, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        names[module] = imported_names(module, path.name == "__init__.py", tree)
        targets = {_within(name, modules) for name in names[module]}
        edges[module] = {target for target in targets if target not in (None, module)}
    return edges, names


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """One cycle, as a path that ends where it starts, for every group of modules that
    import each other (Tarjan's strongly connected components)."""
    index: dict[str, int] = {}
    lowest: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(module: str) -> None:
        index[module] = lowest[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target in sorted(edges[module]):
            if target not in index:
                visit(target)
                lowest[module] = min(lowest[module], lowest[target])
            elif target in on_stack:
                lowest[module] = min(lowest[module], index[target])
        if lowest[module] == index[module]:
            group: set[str] = set()
            while not group or module not in group:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
            if len(group) > 1:
                groups.append(group)

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10 * len(edges)))
    try:
        for module in sorted(edges):
            if module not in index:
                visit(module)
    finally:
        sys.setrecursionlimit(limit)
    return [_cycle_in(group, edges) for group in groups]


def _cycle_in(group: set[str], edges: dict[str, set[str]]) -> list[str]:
    """The shortest path from the group's first module back to itself, inside the group."""
    start = min(group)
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        following: list[str] = []
        for module in frontier:
            for target in sorted(edges[module] & group):
                if target == start:
                    return [*paths[module], start]
                if target not in paths:
                    paths[target] = [*paths[module], target]
                    following.append(target)
        frontier = following
    raise AssertionError(f"no cycle through {start}")


MODULES = module_files()
EDGES, NAMES = import_graph(MODULES)


def _imports_between(source: str, target: str) -> list[tuple[str, str]]:
    return sorted(
        (module, name)
        for module, imported in NAMES.items()
        if module == source or module.startswith(f"{source}.")
        for name in imported
        if name == target or name.startswith(f"{target}.")
    )


def test_the_graph_covers_the_application() -> None:
    assert "app.api.graphql.schema" in MODULES
    assert "app.api.graphql.queries.pairs" in EDGES["app.api.graphql.schema"]


def test_no_module_imports_itself_through_others() -> None:
    found = cycles(EDGES)
    assert not found, "import cycles:\n" + "\n".join(" -> ".join(cycle) for cycle in found)


def test_graphql_and_rest_do_not_import_each_other() -> None:
    crossing = _imports_between("app.api.graphql", "app.api.rest")
    crossing += _imports_between("app.api.rest", "app.api.graphql")
    assert not crossing, f"imports between GraphQL and REST: {crossing}"


def test_graphql_modules_keep_their_roles() -> None:
    """Types import no query or mutation; queries and mutations do not import each other;
    refusals import no type, query or mutation."""
    graphql = "app.api.graphql"
    roles = {
        f"{graphql}.types": (f"{graphql}.queries", f"{graphql}.mutations"),
        f"{graphql}.queries": (f"{graphql}.mutations",),
        f"{graphql}.mutations": (f"{graphql}.queries",),
        f"{graphql}.problems": (f"{graphql}.types", f"{graphql}.queries", f"{graphql}.mutations"),
    }
    crossing = [
        pair
        for source, targets in roles.items()
        for target in targets
        for pair in _imports_between(source, target)
    ]
    assert not crossing, f"imports across GraphQL roles: {crossing}"


def test_only_the_command_line_imports_the_demo() -> None:
    """The demo organization is built through the services; the services, the adapters and
    the domain never reach back into it."""
    importers = sorted(
        (module, name)
        for module, imported in NAMES.items()
        if not module.startswith(("app.demo", "app.cli"))
        for name in imported
        if name == "app.demo" or name.startswith("app.demo.")
    )
    assert not importers, f"imports of the demo outside the command line: {importers}"


def test_the_application_never_imports_the_metrics_reference() -> None:
    """The reference implementation is what the property tests and the benchmark compare the
    SQL path against; production serves the SQL path only."""
    reference = "app.domain.metrics_reference"
    importers = sorted(
        (module, name)
        for module, imported in NAMES.items()
        for name in imported
        if name == reference or name.startswith(f"{reference}.")
    )
    assert reference in MODULES
    assert not importers, f"the application imports the metrics reference: {importers}"


def test_the_domain_imports_only_itself_and_the_standard_library() -> None:
    allowed = sys.stdlib_module_names | {"__future__"}
    outside = sorted(
        (module, name)
        for module, imported in NAMES.items()
        if module == "app.domain" or module.startswith("app.domain.")
        for name in imported
        if not (name == "app.domain" or name.startswith("app.domain."))
        and name.split(".")[0] not in allowed
    )
    assert not outside, f"the domain imports beyond itself and the standard library: {outside}"


def test_imports_in_functions_count_and_type_checking_blocks_do_not(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "first.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from pkg.third import Annotation\n"
        "def later() -> None:\n"
        "    from pkg.second import thing\n"
    )
    (package / "second.py").write_text("from . import first\n")
    (package / "third.py").write_text("import pkg.first\n")

    edges, _ = import_graph(module_files(package))

    assert edges["pkg.first"] == {"pkg.second"}
    assert cycles(edges) == [["pkg.first", "pkg.second", "pkg.first"]]
