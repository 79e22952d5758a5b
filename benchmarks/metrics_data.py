"""The metrics benchmark's organization written into the scratch database: people and pairs,
then the pairs' histories a batch at a time, all by COPY; then VACUUM ANALYZE."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from random import Random
from typing import Any
from uuid import UUID

import asyncpg
from harness import log
from metrics_history import Batch, Habits, History, Row
from metrics_organization import DAY, Organization, PairPlan, Person

from app.domain.pairs import PairKind, PairSource
from app.domain.people import email_key

PAIRS_PER_COPY = 250  # pairs whose history is generated and copied at a time
PEOPLE_COLUMNS = (
    "id", "org_id", "email", "email_key", "name", "timezone", "manager_id", "external_id",
    "role", "active", "created_at", "updated_at", "username", "username_key",
)  # fmt: skip
PAIR_COLUMNS = (
    "id", "org_id", "lead_id", "member_id", "kind", "cadence_days", "duration_minutes",
    "status", "source", "started_at", "ended_at", "ended_reason", "created_at", "updated_at",
)  # fmt: skip
TIMEZONES = ("Europe/Berlin", "America/New_York", "Asia/Singapore", "UTC")


def people_rows(org_id: UUID, people: Sequence[Person], now: datetime) -> list[Row]:
    rows: list[Row] = []
    for number, person in enumerate(people):
        email = f"person{number}@bench.example"
        joined = now - timedelta(days=900 + number % 300)
        rows.append(
            (
                person.id, org_id, email, email_key(email), f"Person {number}",
                TIMEZONES[number % len(TIMEZONES)], person.manager_id, None,
                "admin" if number == 0 else "member", True, joined, joined, email,
                email_key(email),
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
            (
                plan.id, org_id, plan.lead_id, plan.member_id, plan.kind.value, plan.cadence_days,
                plan.duration_minutes, plan.status.value, source.value, started_at, ended_at,
                "reporting line changed" if ended_at else None, started_at,
                ended_at or started_at,
            )
        )  # fmt: skip
    return rows


@dataclass(slots=True)
class Loaded:
    rows: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    seconds: float = 0.0
    vacuum_seconds: float = 0.0


async def copy(
    connection: asyncpg.Connection, table: str, columns: Sequence[str], rows: list[Any]
) -> int:
    await connection.copy_records_to_table(table, records=rows, columns=list(columns))
    return len(rows)


async def bulk_load(db_url: str, organization: Organization, now: datetime, seed: int) -> Loaded:
    """COPY into the migrated tables (their indexes in place); foreign keys are not checked
    row by row (session_replication_role = replica): the generator keeps them consistent."""
    loaded, org_id, rng = Loaded(), organization.org_id, Random(seed + 1)
    started = time.perf_counter()
    connection = await asyncpg.connect(db_url)
    try:
        await connection.execute("SET session_replication_role = replica")
        people = people_rows(org_id, organization.people, now)
        loaded.rows["people"] = await copy(connection, "people", PEOPLE_COLUMNS, people)
        pairs = pair_rows(org_id, organization.pairs)
        loaded.rows["pairs"] = await copy(connection, "pairs", PAIR_COLUMNS, pairs)
        for first in range(0, len(organization.pairs), PAIRS_PER_COPY):
            batch = Batch()
            for plan in organization.pairs[first : first + PAIRS_PER_COPY]:
                History(org_id, plan, Habits.draw(rng), now, rng, batch).write()
            for table, columns, rows in batch.tables():
                loaded.rows[table] += await copy(connection, table, columns, rows)
            done = min(first + PAIRS_PER_COPY, len(organization.pairs))
            log(f"copied the histories of {done:,} pairs")
        loaded.seconds = time.perf_counter() - started
        started = time.perf_counter()
        await connection.execute("VACUUM (ANALYZE)")
        loaded.vacuum_seconds = time.perf_counter() - started
    finally:
        await connection.close()
    return loaded
