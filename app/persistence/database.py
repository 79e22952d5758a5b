"""Engines and the per-request transaction."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from sqlalchemy import event, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from app.persistence.availability import DatabaseUnavailable, connected, watch
from app.persistence.tenant_begin import OrganizationConnection, forget_on_checkin
from app.settings import async_database_url

WRITE_OPTION = "rapport_write"


def create_engine(
    database_url: str,
    *,
    pool_size: int = 10,
    overflow: int | None = None,
    pool_wait: float = 30.0,
    connect_timeout: float = 1.5,
    statement_timeout: float = 30.0,
    prepared_statements: bool = True,
) -> AsyncEngine:
    """An async engine for either database, with SQLite set up for safe concurrent use and
    every way of losing the database reported as DatabaseUnavailable.

    On PostgreSQL it keeps `pool_size` connections; when all are busy it opens up to
    `overflow` more (default: as many again), each closed when it is returned, and beyond
    those a transaction waits up to `pool_wait` seconds for a returned one before it fails
    (DatabaseUnavailable, every connection busy). The server has no overflow: under a
    sustained load it would open and close a connection per request beyond the pool, each
    a new server process to fork and statements to prepare again, and a connection that
    takes longer than `connect_timeout` to open on a saturated machine fails its request;
    queueing for a kept connection answers them all (docs/decisions.md). The pool hands out
    the connection returned last: after a burst, a steady trickle of requests keeps reusing
    the few connections it needs, with their statements prepared, instead of going round
    all of them and finding each idle long enough to be pinged first
    (app.persistence.availability): a round trip more per request, which made the GraphQL
    screen's CPU a quarter higher after a burst (benchmarks/README.md).

    SQL parameters are content (note bodies, emails): they never reach an exception's text
    or a log line (`hide_parameters`)."""
    url = async_database_url(database_url)
    if url.startswith("sqlite"):
        engine = create_async_engine(url, connect_args={"timeout": 30}, hide_parameters=True)
        _configure_sqlite(engine)
        watch(engine, ping_timeout=connect_timeout)
        return engine
    # JIT compilation pays off for long analytical queries whose cost the planner estimates
    # well; here it only ever costs: OLTP statements are short, and the metrics statement's
    # chain of left-joined aggregates is overestimated by orders of magnitude (the
    # benchmark measured 1.3 s of JIT in a 2.2 s summary).
    engine = create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size if overflow is None else overflow,
        pool_timeout=pool_wait,
        pool_use_lifo=True,
        pool_pre_ping=False,  # see app.persistence.availability: a cheaper check
        hide_parameters=True,
        connect_args={
            "server_settings": {"jit": "off"},
            "timeout": connect_timeout,
            "command_timeout": statement_timeout,
            # Its BEGIN can enter the organization too (app.persistence.tenant_begin).
            "connection_class": OrganizationConnection,
            **({} if prepared_statements else _WITHOUT_PREPARED_STATEMENTS),
        },
    )
    watch(engine, ping_timeout=connect_timeout)
    forget_on_checkin(engine)
    return engine


# Behind pgbouncer in transaction mode each transaction may run on another server
# connection: asyncpg caches no statement, SQLAlchemy's adapter none either, and every
# statement it prepares gets a name of its own, so none can meet another's on a connection.
_WITHOUT_PREPARED_STATEMENTS: dict[str, Any] = {
    "statement_cache_size": 0,
    "prepared_statement_cache_size": 0,
    "prepared_statement_name_func": lambda: f"__rapport_{uuid4().hex}__",
}


def _configure_sqlite(engine: AsyncEngine) -> None:
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite would defer it).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # A writing transaction takes the write lock up front, so read-then-write rules
        # (overlaps, uniqueness) cannot interleave with another writer.
        immediate = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


async def database_answers(engine: AsyncEngine) -> bool:
    """Readiness: the database accepts a connection and a trivial query."""
    try:
        async with connected(engine) as connection:
            await connection.execute(text("SELECT 1"))
    except DatabaseUnavailable:
        return False
    return True
