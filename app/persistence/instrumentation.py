"""What the engine reports about its work: the statements a request sends, and the pool's
connections in use (for /metrics; app.api.request_log reads them)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine


@dataclass(slots=True)
class StatementTally:
    """The statements sent while it is the current tally (one request's)."""

    count: int = 0


_current: ContextVar[StatementTally | None] = ContextVar("rapport_statements", default=None)


@contextmanager
def tally_statements() -> Iterator[StatementTally]:
    """Count the statements sent in this context (a request: its task, and the greenlets
    SQLAlchemy runs for it, which share the context)."""
    tally = StatementTally()
    token = _current.set(tally)
    try:
        yield tally
    finally:
        _current.reset(token)


def instrument(engine: AsyncEngine, connections_in_use: Callable[[int], None]) -> None:
    """Count statements into the current tally; report each connection taken from the pool
    (+1) and given back (-1)."""
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "before_cursor_execute")
    def _statement(*_: Any) -> None:
        tally = _current.get()
        if tally is not None:
            tally.count += 1

    @event.listens_for(sync_engine, "checkout")
    def _taken(*_: Any) -> None:
        connections_in_use(1)

    @event.listens_for(sync_engine, "checkin")
    def _returned(*_: Any) -> None:
        connections_in_use(-1)
