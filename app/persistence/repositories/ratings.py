"""Queries over ratings of meetings."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from uuid import UUID

from app.domain.events import Resource
from app.domain.paging import Cursor, Page, PageRequest
from app.domain.ratings import Rating
from app.persistence.repositories.base import TableRepository
from app.persistence.tables import RatingRow


class RatingRepository(TableRepository[Rating]):
    resource = Resource.RATING
    table = RatingRow.__table__  # type: ignore[attr-defined]

    def to_entity(self, row: Mapping[str, Any]) -> Rating:
        return Rating(
            id=row["id"],
            org_id=row["org_id"],
            meeting_id=row["meeting_id"],
            person_id=row["person_id"],
            score=row["score"],
            comment=row["comment"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
        )

    async def of_person(self, org_id: UUID, meeting_id: UUID, person_id: UUID) -> Rating | None:
        c = self.table.c
        return await self.fetch_one(
            self.select_in_org(org_id).where(c.meeting_id == meeting_id, c.person_id == person_id)
        )

    async def list_for_meeting(
        self, org_id: UUID, meeting_id: UUID, request: PageRequest
    ) -> Page[Rating]:
        c = self.table.c
        statement = self.select_in_org(org_id).where(c.meeting_id == meeting_id)
        return await self.page(statement, request, c.created_at, lambda r: r.created_at)

    async def first_of_meetings(
        self, org_id: UUID, meeting_ids: Sequence[UUID], *, limit: int, after: Cursor | None
    ) -> dict[UUID, list[Rating]]:
        """A page of each meeting's ratings, for many meetings at once."""
        return await self.first_of_each(
            org_id,
            parent="meeting_id",
            parent_ids=meeting_ids,
            sort="created_at",
            limit=limit,
            after=after,
        )
