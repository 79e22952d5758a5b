"""Instants and dates as exact numbers in SQL, the same on SQLite and PostgreSQL.

Day figures are `seconds / 86400`; instants become whole microseconds since the Unix epoch
so that comparing and subtracting them is exact, and months and days become integers for
time-series buckets.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import BigInteger, Date, Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ColumnElement, FunctionElement


class epoch_microseconds(FunctionElement[int]):  # noqa: N801 (reads as a SQL function)
    """Whole microseconds since the Unix epoch of an instant column, exactly (for day figures
    that must not depend on floating point)."""

    type = BigInteger()
    inherit_cache = True

    def __init__(self, instant: ColumnElement[Any]) -> None:
        super().__init__(instant)


@compiles(epoch_microseconds, "sqlite")
def _sqlite_microseconds(element: epoch_microseconds, compiler: SQLCompiler, **kw: Any) -> str:
    # Instants are stored as 'YYYY-MM-DD HH:MM:SS.ffffff' (UTC). SQLite's own date functions
    # keep milliseconds only (and round), so whole seconds and microseconds are read apart.
    instant = compiler.process(element.clauses, **kw)
    return (
        f"(CAST(strftime('%s', substr({instant}, 1, 19)) AS INTEGER) * 1000000"
        f" + CAST(substr({instant}, 21, 6) AS INTEGER))"
    )


@compiles(epoch_microseconds, "postgresql")
def _postgresql_microseconds(element: epoch_microseconds, compiler: SQLCompiler, **kw: Any) -> str:
    instant = compiler.process(element.clauses, **kw)
    return f"CAST(extract(epoch from {instant}) * 1000000 AS BIGINT)"


class utc_date(FunctionElement[date]):  # noqa: N801 (reads as a SQL function)
    """The UTC calendar date of an instant column."""

    type = Date()
    inherit_cache = True

    def __init__(self, instant: ColumnElement[Any]) -> None:
        super().__init__(instant)


@compiles(utc_date, "sqlite")
def _sqlite_date(element: utc_date, compiler: SQLCompiler, **kw: Any) -> str:
    return f"date({compiler.process(element.clauses, **kw)})"


@compiles(utc_date, "postgresql")
def _postgresql_date(element: utc_date, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST(({compiler.process(element.clauses, **kw)} AT TIME ZONE 'UTC') AS DATE)"


class epoch_day_number(FunctionElement[int]):  # noqa: N801 (reads as a SQL function)
    """Whole days since 1970-01-01 of a date column."""

    type = Integer()
    inherit_cache = True

    def __init__(self, day: ColumnElement[Any]) -> None:
        super().__init__(day)


@compiles(epoch_day_number, "sqlite")
def _sqlite_day_number(element: epoch_day_number, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST(julianday({compiler.process(element.clauses, **kw)}) - 2440587.5 AS INTEGER)"


@compiles(epoch_day_number, "postgresql")
def _postgresql_day_number(element: epoch_day_number, compiler: SQLCompiler, **kw: Any) -> str:
    return f"({compiler.process(element.clauses, **kw)} - DATE '1970-01-01')"


class month_number(FunctionElement[int]):  # noqa: N801 (reads as a SQL function)
    """year × 12 + month − 1 of an instant column, in UTC."""

    type = Integer()
    inherit_cache = True

    def __init__(self, instant: ColumnElement[Any]) -> None:
        super().__init__(instant)


class date_month_number(FunctionElement[int]):  # noqa: N801 (reads as a SQL function)
    """year × 12 + month − 1 of a date column."""

    type = Integer()
    inherit_cache = True

    def __init__(self, day: ColumnElement[Any]) -> None:
        super().__init__(day)


@compiles(month_number, "sqlite")
@compiles(date_month_number, "sqlite")
def _sqlite_month(element: FunctionElement[int], compiler: SQLCompiler, **kw: Any) -> str:
    value = compiler.process(element.clauses, **kw)
    return (
        f"(CAST(strftime('%Y', {value}) AS INTEGER) * 12"
        f" + CAST(strftime('%m', {value}) AS INTEGER) - 1)"
    )


def _postgresql_month_of(value: str) -> str:
    return f"CAST(extract(year from {value}) * 12 + extract(month from {value}) - 1 AS INTEGER)"


@compiles(month_number, "postgresql")
def _postgresql_month(element: month_number, compiler: SQLCompiler, **kw: Any) -> str:
    return _postgresql_month_of(f"({compiler.process(element.clauses, **kw)} AT TIME ZONE 'UTC')")


@compiles(date_month_number, "postgresql")
def _postgresql_date_month(element: date_month_number, compiler: SQLCompiler, **kw: Any) -> str:
    return _postgresql_month_of(compiler.process(element.clauses, **kw))
