"""The scheduler's cost at scale: an organization of 10,000 pairs written by COPY, each with
its watch; then simulated minutes of ticks (the scheduler's own code, in-process, connected
as the app's role), against what a full scan of every pair's cadence state costs."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from random import Random
from uuid import UUID

import asyncpg
from metrics_data import PAIR_COLUMNS, PEOPLE_COLUMNS, copy
from sqlalchemy import event, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.api.rest.event_data import RestRenderer
from app.domain.identifiers import new_id
from app.domain.people import email_key
from app.persistence.database import create_engine
from app.persistence.tables import PairRow
from app.persistence.unit_of_work import unit_of_work
from app.services.scheduler import Scheduler

LEADS = 100
SIMULATED_MINUTES = 60
PAIRS = PairRow.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class SchedulerCost:
    pairs: int
    first_settle_seconds: float  # every watch due at once (a fresh deployment)
    minute_ms_median: float  # one tick per simulated minute
    minute_ms_max: float
    minute_statements_median: float
    events_in_hour: int
    day_jump_seconds: float  # a tick after a day without one
    day_jump_events: int
    full_scan_ms: float  # the cadence state of every pair, in one statement


async def seed(owner_url: str, org_id: UUID, pairs: int, now: datetime, seed: int) -> None:
    """People (LEADS leads, the rest members) and `pairs` pairs started over the last
    month, each with a watch due now (never looked at)."""
    rng = Random(seed)
    members = max(1, pairs // LEADS)
    people = [new_id() for _ in range(LEADS + members)]
    person_rows = []
    for number, person in enumerate(people):
        email = f"p{number}@bench.example"
        person_rows.append(
            (person, org_id, email, email_key(email), f"P {number}", "UTC", None, None,
             "member", True, now, now, email, email_key(email))
        )  # fmt: skip
    pair_rows, watch_rows = [], []
    for number in range(pairs):
        pair = new_id()
        started = now - timedelta(minutes=rng.randrange(0, 40 * 24 * 60))
        pair_rows.append(
            (pair, org_id, people[number % LEADS], people[LEADS + number // LEADS],
             "mentorship", 14, 30, "active", "manual", started, None, None, started, started)
        )  # fmt: skip
        watch_rows.append((pair, org_id, "unknown", now, now))
    connection = await asyncpg.connect(owner_url)
    try:
        await copy(connection, "people", PEOPLE_COLUMNS, person_rows)
        await copy(connection, "pairs", PAIR_COLUMNS, pair_rows)
        await copy(
            connection,
            "pair_watches",
            ("pair_id", "org_id", "cadence_state", "check_at", "unrecorded_until"),
            watch_rows,
        )
        await connection.execute("VACUUM (ANALYZE)")
    finally:
        await connection.close()


class _Statements:
    def __init__(self, engine: AsyncEngine) -> None:
        self.count = 0
        event.listen(engine.sync_engine, "before_cursor_execute", self._count)

    def _count(self, *_args: object) -> None:
        self.count += 1


async def measure(app_url: str, owner_url: str, org_id: UUID, pairs: int) -> SchedulerCost:
    now = datetime.now(UTC).replace(microsecond=0)
    await seed(owner_url, org_id, pairs, now, seed=7)
    instant = [now]
    engine = create_engine(app_url, pool_size=4)
    statements = _Statements(engine)
    scheduler = Scheduler(engine, lambda: instant[0], RestRenderer(), lambda: None)
    try:
        started = time.perf_counter()
        await scheduler.tick()
        first = time.perf_counter() - started
        minutes: list[float] = []
        counts: list[int] = []
        events = 0
        for _ in range(SIMULATED_MINUTES):
            instant[0] += timedelta(minutes=1)
            statements.count = 0
            started = time.perf_counter()
            events += await scheduler.tick()
            minutes.append((time.perf_counter() - started) * 1000)
            counts.append(statements.count)
        instant[0] += timedelta(days=1)
        started = time.perf_counter()
        day_events = await scheduler.tick()
        day = time.perf_counter() - started
        full_scan = await _full_scan_ms(engine, org_id, instant[0])
    finally:
        await engine.dispose()
    return SchedulerCost(
        pairs,
        first,
        statistics.median(minutes),
        max(minutes),
        statistics.median(counts),
        events,
        day,
        day_events,
        full_scan,
    )


async def _full_scan_ms(engine: AsyncEngine, org_id: UUID, now: datetime) -> float:
    """What a scheduler without watches would do each minute: every pair's state."""
    timings = []
    for _ in range(5):
        async with unit_of_work(engine, write=False) as uow:
            await uow.enter_organization(org_id)
            state = uow.pairs.cadence_state_sql(org_id, now, 2)
            started = time.perf_counter()
            await uow.connection.execute(
                select(state.label("state"), func.count())
                .select_from(PAIRS)
                .where(PAIRS.c.org_id == org_id)
                .group_by(state)
            )
            timings.append((time.perf_counter() - started) * 1000)
    return min(timings)
