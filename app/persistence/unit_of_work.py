"""One transaction per use case: commit on success, roll back on any failure."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from app.persistence.database import WRITE_OPTION
from app.persistence.repositories.content import (
    AgendaItemRepository,
    CommitmentRepository,
    NoteRepository,
)
from app.persistence.repositories.meetings import MeetingEventRepository, MeetingRepository
from app.persistence.repositories.pairs import PairRepository
from app.persistence.repositories.people import OrganizationRepository, PeopleRepository
from app.persistence.repositories.ratings import RatingRepository
from app.persistence.repositories.settings_store import (
    PolicyRepository,
    ServiceKeyRepository,
    TemplateRepository,
)
from app.persistence.tables import PersonRow

PEOPLE = PersonRow.__table__  # type: ignore[attr-defined]


class UnitOfWork:
    """The repositories of one transaction."""

    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection
        self.organizations = OrganizationRepository(connection)
        self.people = PeopleRepository(connection)
        self.pairs = PairRepository(connection)
        self.meetings = MeetingRepository(connection)
        self.meeting_events = MeetingEventRepository(connection)
        self.agenda_items = AgendaItemRepository(connection)
        self.notes = NoteRepository(connection)
        self.commitments = CommitmentRepository(connection)
        self.templates = TemplateRepository(connection)
        self.policies = PolicyRepository(connection)
        self.service_keys = ServiceKeyRepository(connection)
        self.ratings = RatingRepository(connection)

    async def lock_people(self, org_id: UUID, person_ids: list[UUID]) -> None:
        """Serialize writers that check rules across these people's meetings (PostgreSQL
        row locks; SQLite already holds its write lock from BEGIN IMMEDIATE)."""
        await self.connection.execute(
            select(PEOPLE.c.id)
            .where(PEOPLE.c.org_id == org_id, PEOPLE.c.id.in_(sorted(person_ids)))
            .order_by(PEOPLE.c.id)
            .with_for_update()
        )


@asynccontextmanager
async def unit_of_work(engine: AsyncEngine, *, write: bool) -> AsyncIterator[UnitOfWork]:
    """Open a transaction; it commits when the block ends normally, else rolls back."""
    async with engine.connect() as connection:
        if write:
            await connection.execution_options(**{WRITE_OPTION: True})
        async with connection.begin():
            yield UnitOfWork(connection)
