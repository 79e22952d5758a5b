"""Queries over meetings and their history."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import Select, or_, select

from app.domain.events import Resource
from app.domain.meetings import (
    LONGEST_MEETING_MINUTES,
    Meeting,
    MeetingEvent,
    MeetingEventKind,
    MeetingStatus,
)
from app.domain.paging import Cursor, Page, PageRequest
from app.domain.queries import MeetingFilter
from app.persistence.repositories.base import TableRepository, status_is
from app.persistence.repositories.versioned import VersionedRepository
from app.persistence.tables import MEETING_KEPT_COLUMNS, MeetingEventRow, MeetingRow, PairRow

PAIRS = PairRow.__table__  # type: ignore[attr-defined]


def pair_ids_of(org_id: UUID, person_id: UUID) -> Select[Any]:
    """The ids of the pairs a person is one of the two people of (a subquery)."""
    return select(PAIRS.c.id).where(
        PAIRS.c.org_id == org_id, or_(PAIRS.c.lead_id == person_id, PAIRS.c.member_id == person_id)
    )


class MeetingRepository(VersionedRepository[Meeting]):
    resource = Resource.MEETING
    table = MeetingRow.__table__  # type: ignore[attr-defined]

    def to_entity(self, row: Mapping[str, Any]) -> Meeting:
        return Meeting(
            id=row["id"],
            org_id=row["org_id"],
            pair_id=row["pair_id"],
            starts_at=row["starts_at"],
            duration_minutes=row["duration_minutes"],
            status=MeetingStatus(row["status"]),
            reschedule_count=row["reschedule_count"],
            original_starts_at=row["original_starts_at"],
            canceled_at=row["canceled_at"],
            canceled_by_id=row["canceled_by_id"],
            cancel_reason=row["cancel_reason"],
            completed_at=row["completed_at"],
            actual_minutes=row["actual_minutes"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            version=row["version"],
        )

    def to_row(self, entity: Meeting) -> dict[str, Any]:
        """Every column but those only the database's triggers write (the content counts and
        the previous held meeting: revisions 0014 and 0017): a new meeting starts at their
        defaults, a save keeps them."""
        columns = self.table.columns
        return {
            c.name: getattr(entity, c.name) for c in columns if c.name not in MEETING_KEPT_COLUMNS
        }

    def written_by_the_database(self) -> dict[str, Any]:
        kept = {name: self.table.c[name] for name in MEETING_KEPT_COLUMNS}
        return {**super().written_by_the_database(), **kept}

    async def scheduled_near(
        self,
        org_id: UUID,
        person_ids: list[UUID],
        starts_at: datetime,
        duration_minutes: int,
    ) -> list[Meeting]:
        """Scheduled meetings of any pair of these people that could overlap the interval
        (a meeting starting a day or more before it cannot reach it)."""
        c = self.table.c
        pairs_of_people = select(PAIRS.c.id).where(
            PAIRS.c.org_id == org_id,
            or_(PAIRS.c.lead_id.in_(person_ids), PAIRS.c.member_id.in_(person_ids)),
        )
        return await self.fetch_all(
            self.select_in_org(org_id).where(
                c.pair_id.in_(pairs_of_people),
                c.status == MeetingStatus.SCHEDULED.value,
                c.starts_at < starts_at + timedelta(minutes=duration_minutes),
                c.starts_at > starts_at - timedelta(minutes=LONGEST_MEETING_MINUTES),
            )
        )

    async def next_scheduled_of_pair(
        self, org_id: UUID, pair_id: UUID, now: datetime, *, other_than: UUID | None = None
    ) -> Meeting | None:
        """The pair's earliest scheduled meeting in the future (rules 3 and 4)."""
        c = self.table.c
        statement = self.select_in_org(org_id).where(
            c.pair_id == pair_id, c.status == MeetingStatus.SCHEDULED.value, c.starts_at > now
        )
        if other_than is not None:
            statement = statement.where(c.id != other_than)
        return await self.fetch_one(statement.order_by(c.starts_at, c.id).limit(1))

    async def future_scheduled_of_pairs(
        self, org_id: UUID, pair_ids: Sequence[UUID], now: datetime
    ) -> list[Meeting]:
        """The scheduled meetings of these pairs that start after `now`, a statement per
        batch of pairs."""
        c = self.table.c
        found = await self.by_ids_in_batches(
            org_id,
            "pair_id",
            pair_ids,
            c.status == MeetingStatus.SCHEDULED.value,
            c.starts_at > now,
        )
        return sorted(found, key=lambda meeting: (meeting.starts_at, meeting.id))

    async def scheduled_of_pairs_since(
        self, org_id: UUID, pair_ids: Sequence[UUID], since: datetime
    ) -> list[Meeting]:
        """The meetings of these pairs still booked (not held, not canceled) that start at
        or after `since`, a statement per batch of pairs."""
        c = self.table.c
        return await self.by_ids_in_batches(
            org_id,
            "pair_id",
            pair_ids,
            c.status == MeetingStatus.SCHEDULED.value,
            c.starts_at >= since,
        )

    async def first_of_pairs(
        self,
        org_id: UUID,
        pair_ids: Sequence[UUID],
        *,
        limit: int,
        after: Cursor | None,
        newest_first: bool,
        status: MeetingStatus | None,
    ) -> dict[UUID, list[Meeting]]:
        """A page of each pair's meetings, for many pairs at once."""
        return await self.first_of_each(
            org_id,
            parent="pair_id",
            parent_ids=pair_ids,
            sort="starts_at",
            limit=limit,
            after=after,
            descending=newest_first,
            where=None if status is None else status_is,
            values=None if status is None else {"status": status.value},
        )

    async def list_page(
        self, org_id: UUID, filters: MeetingFilter, request: PageRequest
    ) -> Page[Meeting]:
        c = self.table.c
        statement = self.select_in_org(org_id)
        if filters.pair_id is not None:
            statement = statement.where(c.pair_id == filters.pair_id)
        for person_id in (filters.person_id, filters.participant_id):
            if person_id is not None:
                statement = statement.where(c.pair_id.in_(pair_ids_of(org_id, person_id)))
        if filters.status is not None:
            statement = statement.where(c.status == filters.status.value)
        if filters.starts_after is not None:
            statement = statement.where(c.starts_at >= filters.starts_after)
        if filters.starts_before is not None:
            statement = statement.where(c.starts_at < filters.starts_before)
        if filters.updated_since is not None:
            statement = statement.where(c.updated_at >= filters.updated_since)
        return await self.page(
            statement, request, c.starts_at, lambda m: m.starts_at, descending=filters.newest_first
        )


class MeetingEventRepository(TableRepository[MeetingEvent]):
    table = MeetingEventRow.__table__  # type: ignore[attr-defined]

    def to_entity(self, row: Mapping[str, Any]) -> MeetingEvent:
        return MeetingEvent(
            id=row["id"],
            org_id=row["org_id"],
            meeting_id=row["meeting_id"],
            kind=MeetingEventKind(row["kind"]),
            at=row["at"],
            actor_person_id=row["actor_person_id"],
            actor_key_id=row["actor_key_id"],
            data=row["data"],
        )

    async def list_for_meeting(
        self, org_id: UUID, meeting_id: UUID, request: PageRequest
    ) -> Page[MeetingEvent]:
        statement = self.select_in_org(org_id).where(self.table.c.meeting_id == meeting_id)
        return await self.page(statement, request, self.table.c.at, lambda e: e.at)
