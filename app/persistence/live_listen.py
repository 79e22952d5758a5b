"""Hearing live signals (app.services.ports.live): on PostgreSQL one dedicated asyncpg
connection per process LISTENs (not from the pool, and not through a transaction-mode
pooler, which cannot hold a LISTEN), reconnecting with capped, jittered exponential backoff;
on SQLite the announcing transaction hands signals to this process's listeners directly.

Either reads the events a signal names (the outbox's records) for the hub."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Sequence

import asyncpg
from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.domain.events import Event
from app.persistence.live_notify import (
    CHANNEL,
    decode,
    listen_locally,
    stop_listening_locally,
)
from app.persistence.repositories.events import EVENTS, stored_event
from app.persistence.unit_of_work import unit_of_work
from app.services.ports.live import GapHandler, LiveSignal, SignalHandler

logger = logging.getLogger("rapport.live")

APPLICATION_NAME = "rapport-live"  # the listener's connection, in pg_stat_activity
_JITTER_SOURCE = random.Random()  # reconnection jitter, apart from the global generator


async def events_of(engine: AsyncEngine, signal: LiveSignal) -> Sequence[Event]:
    """The events a signal names, oldest first. On SQLite the read takes the write lock
    first, so it waits for the announcing transaction to end (and finds nothing of one
    that rolled back), even for a signal of private notes alone, which are read next."""
    span = signal.events
    sqlite = engine.dialect.name == "sqlite"
    if span is None and not sqlite:
        return []
    async with unit_of_work(engine, write=sqlite) as uow:
        if span is None:  # the announcing transaction has ended: its private notes are read
            return []
        await uow.enter_organization(signal.org_id)
        c = EVENTS.c
        rows = (
            (
                await uow.connection.execute(
                    select(EVENTS)
                    .where(
                        and_(
                            c.org_id == signal.org_id,
                            c.tx == span.tx,
                            c.seq >= span.first_seq,
                            c.seq <= span.last_seq,
                        )
                    )
                    .order_by(c.seq)
                )
            )
            .mappings()
            .all()
        )
    return [stored_event(row).event for row in rows]


class LocalListener:
    """SQLite: the signals of this process's transactions on the same database file."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._database = str(engine.url.database)
        self._handler: SignalHandler | None = None

    async def start(self, on_signal: SignalHandler, on_gap: GapHandler) -> None:
        loop = asyncio.get_running_loop()

        def heard(signal: LiveSignal) -> None:
            # From whichever thread's transaction announced it, to the hub's event loop.
            loop.call_soon_threadsafe(on_signal, signal)

        self._handler = heard
        listen_locally(self._database, heard)

    async def stop(self) -> None:
        if self._handler is not None:
            stop_listening_locally(self._database, self._handler)
            self._handler = None

    async def events_of(self, signal: LiveSignal) -> Sequence[Event]:
        return await events_of(self.engine, signal)


class PostgresListener:
    """One LISTENing connection, kept alive: the server's termination of it is noticed at
    once (asyncpg's termination listener), a silent loss within `ping_seconds`; after every
    reconnection the hub is told of the gap (signals sent meanwhile were missed)."""

    def __init__(
        self,
        engine: AsyncEngine,
        dsn: str,
        *,
        ping_seconds: float = 5.0,
        connect_timeout: float = 5.0,
        backoff_seconds: float = 0.1,
        backoff_cap_seconds: float = 10.0,
    ) -> None:
        self.engine = engine
        self._dsn = dsn.replace("postgresql+asyncpg://", "postgresql://", 1)
        self._ping = ping_seconds
        self._connect_timeout = connect_timeout
        self._backoff = backoff_seconds
        self._cap = backoff_cap_seconds
        self._task: asyncio.Task[None] | None = None

    async def start(self, on_signal: SignalHandler, on_gap: GapHandler) -> None:
        self._task = asyncio.create_task(self._run(on_signal, on_gap), name="live-listener")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def events_of(self, signal: LiveSignal) -> Sequence[Event]:
        return await events_of(self.engine, signal)

    async def _run(self, on_signal: SignalHandler, on_gap: GapHandler) -> None:
        failures = 0
        first = True
        outage = _ListenerOutage()
        while True:
            try:
                connection = await asyncpg.connect(
                    self._dsn,
                    timeout=self._connect_timeout,
                    server_settings={"application_name": APPLICATION_NAME},
                )
            except (TimeoutError, OSError, asyncpg.PostgresError) as error:
                failures += 1
                outage.cannot_connect(error)
                delay = min(self._cap, self._backoff * 2 ** min(failures, 20))
                await asyncio.sleep(delay * _JITTER_SOURCE.uniform(0.5, 1.0))
                continue
            failures = 0
            try:
                await self._listen(connection, on_signal, on_gap, first, outage)
            except Exception as error:  # whatever it was, listen again on a new connection
                logger.error("live listener failed (%s)", type(error).__name__)
            finally:
                connection.terminate()
            first = False
            outage.lost()
            await asyncio.sleep(self._backoff * _JITTER_SOURCE.uniform(0.5, 1.0))

    async def _listen(
        self,
        connection: asyncpg.Connection,
        on_signal: SignalHandler,
        on_gap: GapHandler,
        first: bool,
        outage: _ListenerOutage,
    ) -> None:
        """Until the connection is lost."""
        lost = asyncio.Event()

        def heard(_connection: object, _pid: int, _channel: str, payload: str) -> None:
            signal = decode(payload)
            if signal is not None:
                on_signal(signal)

        connection.add_termination_listener(lambda _connection: lost.set())
        try:
            await connection.add_listener(CHANNEL, heard)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
            return
        outage.ended()
        if not first:
            on_gap()
        while not lost.is_set():
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(lost.wait(), self._ping)
                return
            try:
                await asyncio.wait_for(connection.fetchval("SELECT 1"), self._connect_timeout)
            except (TimeoutError, OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
                return


class _ListenerOutage:
    """The listener's losses, logged so that a database restart (which the requests' log
    already reports once, app.persistence.availability) adds nothing at WARNING, while a
    listener that stays away (a wrong RAPPORT_LIVE_DATABASE_URL, a pooler in the way) warns
    once after LASTING_SECONDS, and once more when it is back."""

    LASTING_SECONDS = 30.0

    def __init__(self) -> None:
        self._since: float | None = None
        self._warned = False

    def lost(self) -> None:
        if self._since is None:
            self._since = time.monotonic()
            logger.info("live listener lost its connection; reconnecting")

    def cannot_connect(self, error: BaseException) -> None:
        if self._since is None:
            self._since = time.monotonic()
        away = time.monotonic() - self._since
        if not self._warned and away >= self.LASTING_SECONDS:
            self._warned = True
            logger.warning(
                "live listener cannot connect for %.0f s (%s); subscribers on this process"
                " hear nothing until it is back; retrying",
                away,
                type(error).__name__,
            )

    def ended(self) -> None:
        if self._since is None:
            return
        away, self._since = time.monotonic() - self._since, None
        if self._warned:
            self._warned = False
            logger.warning("live listener listening again after %.1f s", away)
        else:
            logger.info("live listener listening again after %.1f s", away)
