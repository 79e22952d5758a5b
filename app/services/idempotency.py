"""Idempotency keys past their day (app.domain.idempotency.RETENTION): their stored answers
are deleted: hourly by the scheduler (app.services.scheduler), at once by `rapport
idempotency purge`."""

from __future__ import annotations

from datetime import datetime

from app.services.ports.unit_of_work import UnitOfWork


async def purge_expired(uow: UnitOfWork, now: datetime) -> int:
    """Delete every stored answer expired at `now`, of every organization; how many were
    deleted."""
    return await uow.idempotency_keys.purge(now)
