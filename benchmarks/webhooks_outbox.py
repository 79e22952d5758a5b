"""The webhook benchmark's direct-outbox generator: events at a steady rate without HTTP,
for when the API's writes cannot reach that rate on the machine (each `POST /v1/people`
costs the servers far more CPU than its event, and the use case behind it more than the
generator's one process can spend 200 times a second beside the servers).

It runs in the benchmark's process, which does nothing else meanwhile (the servers and the
receiver have processes of their own). Each transaction writes as a committed request's
does, in the server's own code: it enters the organization (row-level security, as the
serving role `rapport_app`), inserts `people_each` people (one by default: one transaction
per event) through the people repository (whose writes feed the transaction's change log,
as every write does), and the outbox turns those changes into `person.created` events and
pending deliveries (app.services.outbox.publish, the event writer every request uses: the
REST rendering, one delivery per endpoint, the NOTIFY) before the commit. What it skips is
the HTTP request and the use case's own checks (unique email, reporting lines, the audit
line), which are the write's cost, not the outbox's. No request of the servers rings the
delivery process: it hears of these events as of another replica's, through the
transaction's NOTIFY, so the delivery path measured is the deployed one for events
committed elsewhere; the commit
instant is taken when the commit has returned, earlier than a client would see its answer
(the stricter measure)."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import count, islice
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncEngine

from app.api.rest.event_data import RestRenderer
from app.domain.access import Scope
from app.domain.identifiers import new_id
from app.domain.people import Person, Role
from app.domain.privacy import Caller
from app.persistence.database import create_engine
from app.persistence.unit_of_work import unit_of_work
from app.services import outbox
from app.services.context import ServiceContext

OUTSTANDING = 16  # transactions open at once, at most (the pool's size)
_numbers = count(1)
_renderer = RestRenderer()


@dataclass(frozen=True, slots=True)
class Generated:
    committed: dict[str, float]  # record id: when its transaction had committed (time.time())
    rate: float  # events per second reached


async def commit_one(engine: AsyncEngine, org_id: UUID, people_each: int) -> list[str]:
    """`people_each` people inserted and their events queued in one transaction,
    committed; their ids."""
    async with unit_of_work(engine, write=True) as uow:
        await uow.enter_organization(org_id)
        caller = Caller(org_id=org_id, scopes=frozenset({Scope.ADMIN}))
        ctx = ServiceContext(uow, caller, datetime.now(UTC))
        created = [_person(org_id, number, ctx.now) for number in islice(_numbers, people_each)]
        for person in created:
            await uow.people.add(person)
        await outbox.publish(ctx, _renderer)
    return [str(person.id) for person in created]


def _person(org_id: UUID, number: int, now: datetime) -> Person:
    email = f"o{number}@bench.example"
    return Person(
        id=new_id(), org_id=org_id, email=email, name=f"O {number}", timezone="UTC",
        manager_id=None, external_id=None, role=Role.MEMBER, active=True, created_at=now,
        updated_at=now, username=email,
    )  # fmt: skip


async def generate(
    app_url: str, org_id: UUID, rate: float, seconds: float, people_each: int
) -> Generated:
    """Events at `rate` a second for `seconds`, `people_each` to a transaction, each
    transaction started on schedule (at most OUTSTANDING at once: a database or a generator
    slower than the rate shows as a lower rate reached)."""
    engine = create_engine(app_url, pool_size=OUTSTANDING)
    committed: dict[str, float] = {}
    outstanding = asyncio.Semaphore(OUTSTANDING)

    async def one() -> None:
        async with outstanding:
            records = await commit_one(engine, org_id, people_each)
        at = time.time()
        committed.update((record, at) for record in records)

    try:
        await commit_one(engine, org_id, 1)  # the pool's first connection, before the clock
        tasks: list[asyncio.Task[None]] = []
        started = time.monotonic()
        per_second = rate / people_each
        for number in range(int(per_second * seconds)):
            delay = started + number / per_second - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one()))
        await asyncio.gather(*tasks)
        reached = len(committed) / (time.monotonic() - started)
    finally:
        await engine.dispose()
    return Generated(committed, reached)
