"""The audit records of reads, written off the request path (privacy contract, rule 6).

A content read by a service key hands its record to the process's buffer once the read has
succeeded; one writer per process flushes the buffer in batches, in a transaction of its
own. A read therefore never fails or waits because of its audit line (on SQLite it would
otherwise need the write lock). A crash loses at most the records of the last flush
interval; a change writes its record in its own transaction (app.services.audit.record).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from itertools import groupby
from operator import attrgetter

from sqlalchemy.ext.asyncio import AsyncEngine

from app.domain.audit import AuditEvent
from app.persistence.availability import DatabaseUnavailable
from app.persistence.unit_of_work import unit_of_work
from app.services.audit import event_of
from app.services.context import ServiceContext

logger = logging.getLogger("rapport.audit")

WRITER = "read-audit"  # the name of the writer's tasks
FLUSH_INTERVAL = 0.5  # seconds a record may wait for its batch
MAX_PENDING = 100_000  # beyond this (a long outage) the oldest records are dropped


class ReadAuditLog:
    """The process's buffer of read records and the one task that writes them."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._pending: list[AuditEvent] = []
        self._arrived = asyncio.Event()
        self._flushing = False
        self._failing = False
        self._one_flush_at_a_time = asyncio.Lock()
        self._writer: asyncio.Task[None] | None = None

    def record(
        self, ctx: ServiceContext, operation: str, method: str, record_ids: dict[str, str]
    ) -> None:
        """A read that succeeded: its line is written within about FLUSH_INTERVAL."""
        self.add(event_of(ctx, operation, method, record_ids))

    def add(self, event: AuditEvent) -> None:
        self._pending.append(event)
        if len(self._pending) > MAX_PENDING:
            dropped = len(self._pending) - MAX_PENDING
            del self._pending[:dropped]
            logger.error("dropped %d read audit records: the buffer is full", dropped)
        self._arrived.set()

    @property
    def idle(self) -> bool:
        """Nothing buffered and nothing being written."""
        return not self._pending and not self._flushing

    def start(self) -> None:
        """Start the writer (in the app's lifespan, on its event loop)."""
        self._writer = asyncio.create_task(self._write_continuously(), name=WRITER)

    async def stop(self) -> None:
        """Stop the writer and write what is left (on shutdown)."""
        if self._writer is not None:
            self._writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._writer
            self._writer = None
        await self.flush()  # after the flush in progress, if any

    async def _write_continuously(self) -> None:
        while True:
            await self._arrived.wait()
            await asyncio.sleep(FLUSH_INTERVAL)  # let a batch gather
            # Shielded: stopping never cuts a batch in half.
            await asyncio.shield(asyncio.create_task(self.flush(), name=WRITER))

    async def flush(self) -> None:
        """Write every buffered record; on failure they stay buffered for the next try."""
        async with self._one_flush_at_a_time:
            batch, self._pending = self._pending, []
            self._arrived.clear()
            if not batch:
                return
            self._flushing = True
            try:
                await self._write(batch)
            except Exception as error:
                self._pending[:0] = batch
                self._arrived.set()
                # An outage is logged by app.persistence.availability; anything else once.
                if not self._failing and not isinstance(error, DatabaseUnavailable):
                    logger.error("read audit records not written yet (%s)", type(error).__name__)
                self._failing = True
            else:
                self._failing = False
            finally:
                self._flushing = False

    async def _write(self, batch: list[AuditEvent]) -> None:
        """One transaction; each organization's rows under its own row-level scope."""
        by_org = attrgetter("org_id")
        async with unit_of_work(self._engine, write=True) as uow:
            for org_id, events in groupby(sorted(batch, key=by_org), key=by_org):
                await uow.enter_organization(org_id)
                await uow.audit.add_once(list(events))
