"""The scheduler's cost at scale: an organization of 10,000 pairs written by COPY, each with
its watch; then simulated minutes of ticks (the scheduler's own code, in-process, connected
as the app's role), against what a full scan of every pair's cadence state costs."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from random import Random
from uuid import UUID

from harness import CopyTable, StatementCounter, Stopwatch, connected
from sqlalchemy import func, select
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
PAIRS_TABLE = PairRow.__table__  # type: ignore[attr-defined]
PEOPLE = CopyTable.of("people")
PAIRS = CopyTable.of("pairs")
WATCHES = CopyTable.of("pair_watches")


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
            PEOPLE.row(
                id=person, org_id=org_id, email=email, email_key=email_key(email),
                name=f"P {number}", timezone="UTC", role="member", active=True, created_at=now,
                updated_at=now, version=1, username=email, username_key=email_key(email),
            )
        )  # fmt: skip
    pair_rows, watch_rows = [], []
    for number in range(pairs):
        pair = new_id()
        started = now - timedelta(minutes=rng.randrange(0, 40 * 24 * 60))
        pair_rows.append(
            PAIRS.row(
                id=pair, org_id=org_id, lead_id=people[number % LEADS],
                member_id=people[LEADS + number // LEADS], kind="mentorship", cadence_days=14,
                duration_minutes=30, status="active", source="manual", started_at=started,
                created_at=started, updated_at=started, version=1,
            )
        )  # fmt: skip
        watch_rows.append(
            WATCHES.row(
                pair_id=pair, org_id=org_id, cadence_state="unknown", check_at=now,
                unrecorded_until=now,
            )
        )  # fmt: skip
    async with connected(owner_url) as connection:
        await PEOPLE.copy(connection, person_rows)
        await PAIRS.copy(connection, pair_rows)
        await WATCHES.copy(connection, watch_rows)
        await connection.execute("VACUUM (ANALYZE)")


async def measure(app_url: str, owner_url: str, org_id: UUID, pairs: int) -> SchedulerCost:
    now = datetime.now(UTC).replace(microsecond=0)
    await seed(owner_url, org_id, pairs, now, seed=7)
    instant = [now]
    engine = create_engine(app_url, pool_size=4)
    statements = StatementCounter(engine)
    scheduler = Scheduler(engine, lambda: instant[0], RestRenderer(), lambda: None)
    try:
        with Stopwatch() as first:
            await scheduler.tick()
        minutes: list[float] = []
        counts: list[int] = []
        events = 0
        for _ in range(SIMULATED_MINUTES):
            instant[0] += timedelta(minutes=1)
            statements.count = 0
            with Stopwatch() as minute:
                events += await scheduler.tick()
            minutes.append(minute.seconds * 1000)
            counts.append(statements.count)
        instant[0] += timedelta(days=1)
        with Stopwatch() as day:
            day_events = await scheduler.tick()
        full_scan = await _full_scan_ms(engine, org_id, instant[0])
    finally:
        await engine.dispose()
    return SchedulerCost(
        pairs,
        first.seconds,
        statistics.median(minutes),
        max(minutes),
        statistics.median(counts),
        events,
        day.seconds,
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
            with Stopwatch() as scan:
                await uow.connection.execute(
                    select(state.label("state"), func.count())
                    .select_from(PAIRS_TABLE)
                    .where(PAIRS_TABLE.c.org_id == org_id)
                    .group_by(state)
                )
            timings.append(scan.seconds * 1000)
    return min(timings)
