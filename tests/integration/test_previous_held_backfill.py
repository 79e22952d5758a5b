"""Revision 0017 gives the held meetings already in a database their previous held start (ties
at one instant ordered by id), and its downgrade and a second upgrade leave the same, on
both databases."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from random import Random
from uuid import UUID, uuid4

import pytest
from alembic import command
from sqlalchemy import insert

from app.persistence.database import create_engine
from app.persistence.migrate import alembic_config
from app.persistence.tables import OrganizationRow, PairRow, PersonRow
from tests.support.pair_state import MEETINGS, Chains, chains_stored_and_recounted
from tests.support.postgres import scratch_database

BEFORE = "0016"
NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)
STATUSES = ("completed", "completed", "canceled", "scheduled")


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'rapport.db'}"
        return
    with scratch_database(request.getfixturevalue("postgres_admin_url")) as url:
        yield url


async def _write_history(url: str, org_id: UUID) -> None:
    """Two pairs of one lead and member, each with meetings on a few days (several on one)."""
    rng = Random(17)
    people = [uuid4(), uuid4()]
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                insert(OrganizationRow.__table__).values(  # type: ignore[attr-defined]
                    id=org_id, name="Backfill", created_at=NOW, updated_at=NOW
                )
            )
            for number, person in enumerate(people):
                email = f"person{number}@example.test"
                await connection.execute(
                    insert(PersonRow.__table__).values(  # type: ignore[attr-defined]
                        id=person, org_id=org_id, email=email, email_key=email, name="Person",
                        timezone="UTC", role="member", active=True, created_at=NOW,
                        updated_at=NOW, version=1, username=email, username_key=email,
                    )
                )  # fmt: skip
            for kind in ("manager_report", "peer"):
                pair = uuid4()
                await connection.execute(
                    insert(PairRow.__table__).values(  # type: ignore[attr-defined]
                        id=pair, org_id=org_id, lead_id=people[0], member_id=people[1],
                        kind=kind, cadence_days=7, duration_minutes=30, status="active",
                        source="manual", started_at=NOW, created_at=NOW, updated_at=NOW,
                        version=1,
                    )
                )  # fmt: skip
                for _ in range(30):
                    starts_at = NOW - rng.randint(0, 12) * timedelta(days=1)
                    await connection.execute(
                        insert(MEETINGS).values(
                            id=uuid4(), org_id=org_id, pair_id=pair, starts_at=starts_at,
                            duration_minutes=30, status=rng.choice(STATUSES),
                            reschedule_count=0, original_starts_at=starts_at,
                            created_at=NOW, updated_at=NOW, version=1, agenda_item_count=0,
                            member_item_count=0, status_item_count=0, rating_count=0,
                            rating_total=0,
                        )
                    )  # fmt: skip
    finally:
        await engine.dispose()


async def _chains(url: str, org_id: UUID) -> tuple[Chains, Chains]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return await chains_stored_and_recounted(connection, org_id)
    finally:
        await engine.dispose()


def test_existing_held_meetings_are_chained(empty_database: str) -> None:
    config, org_id = alembic_config(empty_database), uuid4()
    command.upgrade(config, BEFORE)
    asyncio.run(_write_history(empty_database, org_id))

    command.upgrade(config, "head")
    stored, recounted = asyncio.run(_chains(empty_database, org_id))
    assert stored == recounted
    assert sum(value is not None for value in stored.values()) > 20  # the test has chains

    command.downgrade(config, BEFORE)
    command.upgrade(config, "head")
    assert asyncio.run(_chains(empty_database, org_id)) == (stored, recounted)
