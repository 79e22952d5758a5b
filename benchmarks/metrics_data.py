"""The metrics benchmark's organization written into the scratch database: people and pairs,
then the pairs' histories a batch at a time, all by COPY; the meetings and commitments then
rewritten in the order they were created, as a live table holds them (unless the earlier
pair-by-pair layout is asked for); then VACUUM ANALYZE."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from random import Random
from uuid import UUID

import asyncpg
from harness import CopyTable, Stopwatch, connected, log
from metrics_history import Batch, Habits, History, Row
from metrics_organization import DAY, Organization, PairPlan, Person

from app.domain.pairs import PairKind, PairSource
from app.domain.people import email_key

PAIRS_PER_COPY = 250  # pairs whose history is generated and copied at a time
PEOPLE = CopyTable.of("people")
PAIRS = CopyTable.of("pairs")
TIMEZONES = ("Europe/Berlin", "America/New_York", "Asia/Singapore", "UTC")


def people_rows(org_id: UUID, people: Sequence[Person], now: datetime) -> list[Row]:
    rows: list[Row] = []
    for number, person in enumerate(people):
        email = f"person{number}@bench.example"
        joined = now - timedelta(days=900 + number % 300)
        rows.append(
            PEOPLE.row(
                id=person.id, org_id=org_id, email=email, email_key=email_key(email),
                name=f"Person {number}", timezone=TIMEZONES[number % len(TIMEZONES)],
                manager_id=person.manager_id, external_id=None,
                role="admin" if number == 0 else "member", active=True, created_at=joined,
                updated_at=joined, version=1, username=email, username_key=email_key(email),
            )
        )  # fmt: skip
    return rows


def pair_rows(org_id: UUID, plans: Sequence[PairPlan]) -> list[Row]:
    rows: list[Row] = []
    for plan in plans:
        started_at = plan.first_start - 3 * DAY
        ended_at = plan.ended_at()
        source = (
            PairSource.REPORTING_LINE if plan.kind is PairKind.MANAGER_REPORT else PairSource.MANUAL
        )
        rows.append(
            PAIRS.row(
                id=plan.id, org_id=org_id, lead_id=plan.lead_id, member_id=plan.member_id,
                kind=plan.kind.value, cadence_days=plan.cadence_days,
                duration_minutes=plan.duration_minutes, status=plan.status.value,
                source=source.value, started_at=started_at, ended_at=ended_at,
                ended_reason="reporting line changed" if ended_at else None,
                created_at=started_at, updated_at=ended_at or started_at, version=1,
            )
        )  # fmt: skip
    return rows


# What the triggers of revision 0015 keep per pair, which a COPY with triggers off skips.
PAIR_STATE = """
    INSERT INTO pair_metric_state (pair_id, org_id, last_held_at, open_dated_commitments)
    SELECT p.id, p.org_id, held.last_held_at, coalesce(dated.open_dated, 0)
    FROM pairs p
    LEFT JOIN (SELECT pair_id, max(starts_at) AS last_held_at FROM meetings
               WHERE org_id = $1 AND status = 'completed' GROUP BY pair_id) held
           ON held.pair_id = p.id
    LEFT JOIN (SELECT pair_id, count(*) AS open_dated FROM commitments
               WHERE org_id = $1 AND status = 'open' AND due_on IS NOT NULL GROUP BY pair_id) dated
           ON dated.pair_id = p.id
    WHERE p.org_id = $1
"""


@dataclass(slots=True)
class Loaded:
    rows: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    seconds: float = 0.0
    vacuum_seconds: float = 0.0


# The tables the metrics statements read, and the column their rows were written in the order
# of when a table fills over time (a meeting is created before it starts; its commitments when
# it is completed).
WRITTEN_IN_ORDER_OF = {"meetings": "created_at", "commitments": "created_at"}


async def lay_out_in_time_order(connection: asyncpg.Connection) -> None:
    """Rewrite the tables the metrics read in the order their rows were created, as a table
    filled over time lies: the histories are generated one pair at a time, which leaves the
    window's meetings on several times as many pages as a live table holds them on."""
    for table, column in WRITTEN_IN_ORDER_OF.items():
        await connection.execute(f"CREATE INDEX bench_time_order ON {table} ({column}, id)")
        await connection.execute(f"CLUSTER {table} USING bench_time_order")
        await connection.execute("DROP INDEX bench_time_order")


async def bulk_load(
    db_url: str, organization: Organization, now: datetime, seed: int, *, time_ordered: bool
) -> Loaded:
    """COPY into the migrated tables (their indexes in place); foreign keys are not checked
    row by row and triggers do not fire (session_replication_role = replica): the generator
    keeps the rows consistent and writes the meetings' content counts (revision 0014) and
    each held meeting's previous held start (revision 0017), and each pair's metric state
    (revision 0015) is counted once after the histories."""
    loaded, org_id, rng = Loaded(), organization.org_id, Random(seed + 1)
    async with connected(db_url) as connection:
        with Stopwatch() as copying:
            await connection.execute("SET session_replication_role = replica")
            people = people_rows(org_id, organization.people, now)
            loaded.rows["people"] = await PEOPLE.copy(connection, people)
            pairs = pair_rows(org_id, organization.pairs)
            loaded.rows["pairs"] = await PAIRS.copy(connection, pairs)
            for first in range(0, len(organization.pairs), PAIRS_PER_COPY):
                batch = Batch()
                for plan in organization.pairs[first : first + PAIRS_PER_COPY]:
                    History(org_id, plan, Habits.draw(rng), now, rng, batch).write()
                for table, rows in batch.tables():
                    loaded.rows[table.name] += await table.copy(connection, rows)
                done = min(first + PAIRS_PER_COPY, len(organization.pairs))
                log(f"copied the histories of {done:,} pairs")
            await connection.execute(PAIR_STATE, org_id)
            if time_ordered:
                await lay_out_in_time_order(connection)
        with Stopwatch() as vacuuming:
            await connection.execute("VACUUM (ANALYZE)")
    loaded.seconds, loaded.vacuum_seconds = copying.seconds, vacuuming.seconds
    return loaded
