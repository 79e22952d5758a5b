"""The scheduler: events that time alone causes (a pair becomes overdue, a booked meeting
ends unrecorded), announced within a minute of their instant.

Each pair's watch holds the next instant at which time may change something
(app.services.cadence_watch); a tick reads only the watches whose instant has passed, through
an index, so its cost follows the pairs whose state changes, not the number of pairs. One
tick runs at a time across replicas: on PostgreSQL a tick's transaction holds an advisory
lock and a replica that cannot take it skips its turn; SQLite has one writer at a time.

The scheduler also deletes the answers of Idempotency-Keys past their day, hourly (each
replica; deleting what is already deleted costs nothing)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from itertools import groupby
from operator import itemgetter

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from app import measurements
from app.domain.clock import Clock
from app.domain.privacy import CONTENT_READER, Caller
from app.persistence.availability import DatabaseUnavailable
from app.persistence.unit_of_work import UnitOfWork, unit_of_work
from app.services.context import ServiceContext
from app.services.idempotency import purge_expired
from app.services.outbox import Renderer, emit, settled_events

logger = logging.getLogger("rapport.scheduler")

SCHEDULER = "scheduler"  # the name of the scheduler's task
TICK_SECONDS = 30.0  # an instant is announced at most this long (plus a tick) after it
BATCH = 500  # pairs per transaction
PURGE_EVERY = timedelta(hours=1)  # expired Idempotency-Key answers
# pg_try_advisory_xact_lock's key: "rapport scheduler" (any constant the app uses once).
LOCK_KEY = 0x7261_7070_7363_6864


class Scheduler:
    def __init__(
        self,
        engine: AsyncEngine,
        clock: Clock,
        render: Renderer,
        announced: Callable[[], None],
        *,
        tick_seconds: float = TICK_SECONDS,
    ) -> None:
        self._engine = engine
        self._clock = clock
        self._render = render
        self._announced = announced
        self._tick_seconds = tick_seconds
        self._task: asyncio.Task[None] | None = None
        self._purged_at: datetime | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=SCHEDULER)

    async def stop(self) -> None:
        """After the tick in progress, if any (ticks are shielded)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            await self._tick_or_wait_for_the_next()
            await asyncio.sleep(self._tick_seconds)

    async def _tick_or_wait_for_the_next(self) -> None:
        """One tick (shielded, so stopping lets it finish); a failed one is retried at the
        next: losing the database is logged once by app.persistence.availability, any
        other failure here, by its class only."""
        try:
            await asyncio.shield(asyncio.create_task(self.tick(), name=SCHEDULER))
        except DatabaseUnavailable:
            return
        except Exception as error:
            logger.error("scheduler tick failed (%s)", type(error).__name__)

    async def tick(self) -> int:
        """Settle every pair whose instant has passed, a batch per transaction; returns how
        many events were announced."""
        started = time.monotonic()
        await self._purge_now_and_then()
        announced = 0
        while True:
            done, events = await self._batch()
            announced += events
            if done:
                break
        if announced:
            self._announced()
        measurements.SCHEDULER_TICKS.observe(time.monotonic() - started)
        measurements.SCHEDULER_LAST_TICK.set(time.time())
        measurements.SCHEDULER_EVENTS.inc(announced)
        return announced

    async def _purge_now_and_then(self) -> None:
        now = self._clock()
        if self._purged_at is not None and now - self._purged_at < PURGE_EVERY:
            return
        async with unit_of_work(self._engine, write=True) as uow:
            purged = await purge_expired(uow, now)
        self._purged_at = now
        measurements.IDEMPOTENCY_PURGED.inc(purged)

    async def _batch(self) -> tuple[bool, int]:
        """One transaction: (whether nothing more is due, events written)."""
        now = self._clock()
        async with unit_of_work(self._engine, write=True) as uow:
            if not await _turn(uow):
                return True, 0
            due = await uow.pair_watches.due(now, BATCH)
            written = 0
            for org_id, rows in groupby(sorted(due, key=lambda r: str(r[0])), key=itemgetter(0)):
                await uow.enter_organization(org_id)
                ctx = ServiceContext(uow, Caller(org_id=org_id, scopes=CONTENT_READER), now)
                events = await settled_events(ctx, [pair_id for _, pair_id in rows], self._render)
                await emit(ctx, events)
                written += len(events)
        return len(due) < BATCH, written


async def _turn(uow: UnitOfWork) -> bool:
    """Whether this replica ticks now (PostgreSQL: no other holds the lock)."""
    if uow.connection.dialect.name != "postgresql":
        return True
    taken = await uow.connection.execute(
        text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": LOCK_KEY}
    )
    return bool(taken.scalar_one())
