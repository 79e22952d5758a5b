"""Calendar tokens and the reads of a person's calendar feed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import column, delete, func, or_, select
from sqlalchemy.orm import aliased

from app.domain.agenda import AgendaItemState
from app.domain.calendar import CalendarToken, FeedAgenda, FeedMeeting, FeedWindow
from app.domain.meetings import MeetingStatus
from app.domain.pairs import PairStatus
from app.persistence.access_tables import CalendarTokenRow, ServiceKeyRow
from app.persistence.repositories.base import TableRepository
from app.persistence.tables import AgendaItemRow, MeetingRow, PairRow, PersonRow

MEETINGS = MeetingRow.__table__  # type: ignore[attr-defined]
PAIRS = PairRow.__table__  # type: ignore[attr-defined]
PEOPLE = PersonRow.__table__  # type: ignore[attr-defined]
AGENDA = AgendaItemRow.__table__  # type: ignore[attr-defined]
KEYS = ServiceKeyRow.__table__  # type: ignore[attr-defined]


class CalendarTokenRepository(TableRepository[CalendarToken]):
    table = CalendarTokenRow.__table__  # type: ignore[attr-defined]

    def to_entity(self, row: Mapping[str, Any]) -> CalendarToken:
        return CalendarToken(
            id=row["id"],
            org_id=row["org_id"],
            person_id=row["person_id"],
            digest=row["digest"],
            minted_by_key_id=row["minted_by_key_id"],
            minted_by_person_id=row["minted_by_person_id"],
            created_at=row["created_at"],
        )

    async def find(self, digest: str) -> CalendarToken | None:
        """The one lookup that is not scoped: the feed's URL is its only credential. On
        PostgreSQL a SECURITY DEFINER function finds the token past row-level security and
        enters its organization for the rest of the transaction. A token whose minting key
        has been revoked is not found."""
        if self.connection.dialect.name == "postgresql":
            found = func.rapport_calendar_token(digest).table_valued(
                *(column(col.name, col.type) for col in self.table.columns)
            )
            return await self.fetch_one(select(found))
        c = self.table.c
        return await self.fetch_one(
            select(self.table)
            .outerjoin(KEYS, KEYS.c.id == c.minted_by_key_id)
            .where(
                c.digest == digest, or_(c.minted_by_key_id.is_(None), KEYS.c.revoked_at.is_(None))
            )
        )

    async def revoke(self, org_id: UUID, person_id: UUID) -> None:
        c = self.table.c
        await self.connection.execute(
            delete(self.table).where(c.org_id == org_id, c.person_id == person_id)
        )

    async def feed_meetings(
        self, org_id: UUID, person_id: UUID, window: FeedWindow, limit: int
    ) -> list[FeedMeeting]:
        """Meetings of the person's active pairs starting in the window, earliest first,
        with both people's names: one statement."""
        lead, member = aliased(PEOPLE), aliased(PEOPLE)
        m = MEETINGS.c
        statement = (
            select(
                m.id,
                m.starts_at,
                m.duration_minutes,
                m.status,
                m.reschedule_count,
                m.updated_at,
                lead.c.name.label("lead_name"),
                lead.c.updated_at.label("lead_updated_at"),
                member.c.name.label("member_name"),
                member.c.updated_at.label("member_updated_at"),
            )
            .join(PAIRS, (PAIRS.c.org_id == m.org_id) & (PAIRS.c.id == m.pair_id))
            .join(lead, (lead.c.org_id == m.org_id) & (lead.c.id == PAIRS.c.lead_id))
            .join(member, (member.c.org_id == m.org_id) & (member.c.id == PAIRS.c.member_id))
            .where(
                m.org_id == org_id,
                PAIRS.c.status == PairStatus.ACTIVE.value,
                or_(PAIRS.c.lead_id == person_id, PAIRS.c.member_id == person_id),
                m.starts_at >= window.start,
                m.starts_at < window.end,
            )
            .order_by(m.starts_at, m.id)
            .limit(limit)
        )
        rows = (await self.connection.execute(statement)).mappings().all()
        return [
            FeedMeeting(
                id=row["id"],
                starts_at=row["starts_at"],
                duration_minutes=row["duration_minutes"],
                status=MeetingStatus(row["status"]),
                reschedule_count=row["reschedule_count"],
                lead_name=row["lead_name"],
                member_name=row["member_name"],
                revised_at=max(row["updated_at"], row["lead_updated_at"], row["member_updated_at"]),
            )
            for row in rows
        ]

    async def feed_agendas(
        self, org_id: UUID, meeting_ids: Sequence[UUID], titles_per_meeting: int
    ) -> dict[UUID, FeedAgenda]:
        """The first titles of each meeting's agenda, its size and its latest change, in one
        statement (items carried over to a later meeting belong to that one)."""
        if not meeting_ids:
            return {}
        a = AGENDA.c
        by_meeting = {"partition_by": a.meeting_id}
        ranked = (
            select(
                a.meeting_id,
                a.title,
                func.row_number().over(order_by=(a.position, a.id), **by_meeting).label("rank"),
                func.count().over(**by_meeting).label("total"),
                func.max(a.updated_at).over(**by_meeting).label("revised_at"),
            )
            .where(
                a.org_id == org_id,
                a.meeting_id.in_(meeting_ids),
                a.state != AgendaItemState.CARRIED_OVER.value,
            )
            .subquery()
        )
        r = ranked.c
        rows = (
            await self.connection.execute(
                select(r.meeting_id, r.title, r.total, r.revised_at)
                .where(r.rank <= titles_per_meeting)
                .order_by(r.meeting_id, r.rank)
            )
        ).all()
        titles: dict[UUID, list[str]] = {}
        summary: dict[UUID, tuple[int, datetime]] = {}
        for meeting_id, title, total, revised_at in rows:
            titles.setdefault(meeting_id, []).append(title)
            summary[meeting_id] = (total, revised_at)
        return {
            meeting_id: FeedAgenda(tuple(titles[meeting_id]), *summary[meeting_id])
            for meeting_id in titles
        }
