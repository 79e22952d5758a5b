"""When the database cannot be reached: one exception for every way it shows, one log line
when an outage begins and one when it ends, and pooled connections checked before use.

A database restart closes every session; the driver notices on its own, so a closed pooled
connection is replaced at no cost. A connection that sat idle in the pool for a while is
also pinged (one round trip), which catches a server that went away without closing its
sessions; a busy process pays nothing.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import event
from sqlalchemy.engine import Engine, ExceptionContext
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import ConnectionPoolEntry

from app.persistence.statements import GuardedConnection

logger = logging.getLogger("rapport.database")

# Connection exceptions (class 08); the server shutting down, crashing or starting up.
_UNAVAILABLE_STATES = ("08", "57P01", "57P02", "57P03")
IDLE_BEFORE_PING = 1.0  # seconds in the pool after which a connection is pinged first
_RETURNED_AT = "rapport_returned_at"
_OPENED_AT = "rapport_opened_at"
UNREACHABLE = "The database cannot be reached right now; nothing was changed. Retry shortly."
BUSY = "Every database connection of this process is busy; nothing was changed. Retry shortly."


class DatabaseUnavailable(Exception):
    """The database could not be reached or went away during the transaction: none of the
    transaction was committed (or, a commit cut off, all of it was)."""

    def __init__(self, detail: str = UNREACHABLE) -> None:
        super().__init__(detail)
        self.detail = detail


@dataclass(slots=True)
class Outage:
    """Whether the database is down, so that an outage is logged when it begins and when it
    ends, never once per request. Only a transaction opened after the last change of state
    may change it again: one that was under way when the database stopped may still commit,
    and one that began before it was back may still fail, and neither says anything new."""

    since: float | None = None  # when the current outage began
    changed_at: float = -math.inf

    def began(self, error: BaseException, opened: float) -> None:
        if self.since is None and opened >= self.changed_at:
            self.since = self.changed_at = time.monotonic()
            logger.error(
                "database unavailable (%s); requests answer 503 until it is back", _kind(error)
            )

    def ended(self, opened: float) -> None:
        if self.since is not None and opened >= self.since:
            self.changed_at = time.monotonic()
            seconds, self.since = self.changed_at - self.since, None
            logger.warning("database available again after %.1f s", seconds)


_outages: WeakKeyDictionary[Engine, Outage] = WeakKeyDictionary()


def outage_of(engine: AsyncEngine | Engine) -> Outage:
    """The outage state of one engine (one per process in production)."""
    sync_engine = engine.sync_engine if isinstance(engine, AsyncEngine) else engine
    return _outages.setdefault(sync_engine, Outage())


def _kind(error: BaseException) -> str:
    """The error's class and SQLSTATE: never its message, which may quote a statement."""
    if isinstance(error, DatabaseUnavailable) and error.__cause__ is not None:
        error = error.__cause__
    original = getattr(error, "orig", None) or error
    state = _state(original)
    return type(original).__name__ + (f" {state}" if state else "")


def _state(error: BaseException) -> str | None:
    state = getattr(error, "sqlstate", None) or getattr(error, "pgcode", None)
    return str(state) if state else None


def unreachable(error: BaseException) -> bool:
    """A failure of the connection rather than of the statement."""
    if isinstance(error, DBAPIError):
        return error.connection_invalidated or (error.orig is not None and unreachable(error.orig))
    if isinstance(error, OSError):  # refused, reset, timed out (TimeoutError is an OSError)
        return True
    state = _state(error)
    return state is not None and state.startswith(_UNAVAILABLE_STATES)


@asynccontextmanager
async def connected(engine: AsyncEngine) -> AsyncIterator[GuardedConnection]:
    """A pooled connection, or DatabaseUnavailable when none can be had (the server down,
    the pool exhausted); failures of the block itself pass unchanged, and a block that
    completes shows the database answers. Its transaction may guard its statements
    (app.persistence.statements)."""
    outage, opened, entered = outage_of(engine), time.monotonic(), False
    try:
        connection = GuardedConnection(engine)
        async with connection:
            entered = True
            connection.info[_OPENED_AT] = opened
            yield connection
    except PoolTimeout as error:
        if entered:
            raise
        raise DatabaseUnavailable(BUSY) from error
    except (OSError, DBAPIError, DatabaseUnavailable) as error:
        if entered:
            raise
        outage.began(error, opened)
        if isinstance(error, DatabaseUnavailable):
            raise
        raise DatabaseUnavailable() from error
    outage.ended(opened)


def watch(engine: AsyncEngine, *, ping_timeout: float) -> None:
    """Turn connection failures into DatabaseUnavailable, and check pooled connections
    before use (PostgreSQL)."""
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "handle_error")
    def _on_error(context: ExceptionContext) -> BaseException | None:
        error = context.original_exception
        if not (context.is_disconnect or unreachable(error)):
            return None
        context.is_disconnect = True
        # A statement abandoned after its timeout says nothing about the other connections.
        context.invalidate_pool_on_disconnect = not isinstance(error, TimeoutError)
        if context.connection is not None:  # else connecting failed: see connected()
            opened = context.connection.info.get(_OPENED_AT, time.monotonic())
            outage_of(sync_engine).began(error, opened)
        return DatabaseUnavailable()

    if sync_engine.dialect.name != "postgresql":
        return

    @event.listens_for(sync_engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        record.info[_RETURNED_AT] = time.monotonic()

    @event.listens_for(sync_engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: ConnectionPoolEntry, _proxy: Any) -> None:
        driver = dbapi_connection.driver_connection
        if driver.is_closed():
            raise DisconnectionError("the server closed this connection")
        returned_at = record.info.get(_RETURNED_AT)
        if returned_at is None or time.monotonic() - returned_at < IDLE_BEFORE_PING:
            return
        try:
            dbapi_connection.run_async(lambda raw: raw.execute(";", timeout=ping_timeout))
        except Exception as error:  # whatever the driver raised: the pool opens another
            raise DisconnectionError("the idle connection does not answer") from error
