"""The benchmarks share one harness (`benchmarks/harness/`), read from the source with `ast`:
no benchmark module defines its own copy of something the harness exports, restates a table's
columns (they come from the app's table metadata, through `harness.CopyTable`), or calls the
primitives the harness wraps (raw connections, COPY, processes, clocks, /proc)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.persistence.tables import metadata

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
HARNESS = BENCHMARKS / "harness"
# Calls that only the harness makes: `module.function` (or any `.method` for a bare name).
WRAPPED_CALLS = {
    ("asyncpg", "connect"): "harness.connected",
    ("", "copy_records_to_table"): "harness.CopyTable.copy",
    ("subprocess", "Popen"): "harness.serve",
    ("os", "killpg"): "harness.stop",
    ("time", "perf_counter"): "harness.Stopwatch or harness.timed",
    ("time", "process_time"): "harness.least_cpu_us",
    ("os", "getloadavg"): "harness.machine_load",
}
SMALLEST_COLUMN_LIST = 3  # two strings that are column names are too common to mean a list


def harness_names() -> set[str]:
    """What the harness exports: the names in `harness/__init__.py`'s `__all__`."""
    tree = ast.parse((HARNESS / "__init__.py").read_text())
    for statement in tree.body:
        if isinstance(statement, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "__all__" for target in statement.targets
        ):
            return set(ast.literal_eval(statement.value))
    raise AssertionError("harness/__init__.py has no __all__")


def table_columns() -> list[set[str]]:
    return [{column.name for column in table.columns} for table in metadata.tables.values()]


def restated_definitions(tree: ast.AST, exported: set[str]) -> Iterator[str]:
    """Functions and classes, at any depth, named as something the harness exports."""
    for node in ast.walk(tree):
        definition = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
        if isinstance(node, definition) and node.name in exported:
            yield f"line {node.lineno}: defines {node.name}, which the harness exports"


def restated_columns(tree: ast.AST, tables: list[set[str]]) -> Iterator[str]:
    """Literal tuples, lists and sets of column names of one of the app's tables."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Tuple | ast.List | ast.Set):
            continue
        names = {
            element.value
            for element in node.elts
            if isinstance(element, ast.Constant) and isinstance(element.value, str)
        }
        if len(names) != len(node.elts) or len(names) < SMALLEST_COLUMN_LIST:
            continue
        if any(names <= columns for columns in tables):
            yield f"line {node.lineno}: lists the columns {sorted(names)}"


def wrapped_calls(tree: ast.AST) -> Iterator[str]:
    """Calls of what the harness wraps, and paths under /proc."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and str(node.value).startswith("/proc"):
            yield f"line {node.lineno}: reads /proc (the harness's servers module does)"
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        owner = node.func.value.id if isinstance(node.func.value, ast.Name) else ""
        for (module, name), instead in WRAPPED_CALLS.items():
            if node.func.attr == name and module in ("", owner):
                yield f"line {node.lineno}: calls {name} (use {instead})"


def problems(source: str, exported: set[str], tables: list[set[str]]) -> list[str]:
    tree = ast.parse(source)
    return [
        *restated_definitions(tree, exported),
        *restated_columns(tree, tables),
        *wrapped_calls(tree),
    ]


def benchmark_modules() -> list[Path]:
    """Every benchmark module beside the harness (not the harness itself)."""
    return sorted(BENCHMARKS.glob("*.py"))


def test_the_harness_exports_what_benchmarks_share() -> None:
    exported = harness_names()
    assert {"prepare", "serve_rapport", "CopyTable", "load", "Stopwatch"} <= exported
    assert len(benchmark_modules()) > 10


@pytest.mark.parametrize("path", benchmark_modules(), ids=lambda path: path.name)
def test_a_benchmark_restates_nothing_the_harness_holds(path: Path) -> None:
    found = problems(path.read_text(), harness_names(), table_columns())
    assert not found, f"{path.name}:\n" + "\n".join(found)


def test_the_checks_find_a_restated_helper_a_column_list_and_a_raw_call() -> None:
    source = """
import asyncpg, time
PEOPLE_COLUMNS = ("id", "org_id", "email", "name")
async def seed(url):
    connection = await asyncpg.connect(url)
    started = time.perf_counter()
    await connection.copy_records_to_table("people", records=[])
    def prepare(stack):
        return open("/proc/self/status")
"""
    found = problems(source, harness_names(), table_columns())
    assert sorted(found) == [
        "line 3: lists the columns ['email', 'id', 'name', 'org_id']",
        "line 5: calls connect (use harness.connected)",
        "line 6: calls perf_counter (use harness.Stopwatch or harness.timed)",
        "line 7: calls copy_records_to_table (use harness.CopyTable.copy)",
        "line 8: defines prepare, which the harness exports",
        "line 9: reads /proc (the harness's servers module does)",
    ]
