"""Instants as day numbers in SQL, the same on SQLite and PostgreSQL.

Day figures are `seconds / 86400` (product.md), so comparing day numbers of two instants is
comparing the instants, and adding `cadence_days` is adding days.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Float
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ColumnElement, FunctionElement


class epoch_days(FunctionElement[float]):  # noqa: N801 (reads as a SQL function)
    """Days since the Unix epoch of an instant column or value, as a float."""

    type = Float()
    inherit_cache = True

    def __init__(self, instant: ColumnElement[Any] | Any) -> None:
        super().__init__(instant)


@compiles(epoch_days, "sqlite")
def _sqlite(element: epoch_days, compiler: SQLCompiler, **kw: Any) -> str:
    return f"(julianday({compiler.process(element.clauses, **kw)}) - 2440587.5)"


@compiles(epoch_days, "postgresql")
def _postgresql(element: epoch_days, compiler: SQLCompiler, **kw: Any) -> str:
    return f"(extract(epoch from {compiler.process(element.clauses, **kw)}) / 86400.0)"
