"""Queries over pairs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import BigInteger, case, func, literal, or_, select

from app.domain.cadence import CadenceState
from app.domain.events import Resource
from app.domain.meetings import MeetingStatus
from app.domain.metric_figures import DAY_MICROSECONDS
from app.domain.metric_windows import EPOCH, microseconds
from app.domain.paging import Page, PageRequest
from app.domain.pairs import Pair, PairKind, PairSource, PairStatus
from app.domain.queries import PairFilter
from app.persistence.repositories.versioned import VersionedRepository
from app.persistence.sql_time import epoch_microseconds
from app.persistence.tables import MeetingRow, PairRow

MEETINGS = MeetingRow.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class CadenceFacts:
    """What the cadence state is computed from, besides the pair itself."""

    last_held_at: datetime | None
    next_at: datetime | None


def last_held_at_sql(org_id: UUID, pair_id: Any) -> Any:
    return (
        select(func.max(MEETINGS.c.starts_at))
        .where(
            MEETINGS.c.org_id == org_id,
            MEETINGS.c.pair_id == pair_id,
            MEETINGS.c.status == MeetingStatus.COMPLETED.value,
        )
        .scalar_subquery()
    )


def next_at_sql(org_id: UUID, pair_id: Any, now: datetime) -> Any:
    return (
        select(func.min(MEETINGS.c.starts_at))
        .where(
            MEETINGS.c.org_id == org_id,
            MEETINGS.c.pair_id == pair_id,
            MEETINGS.c.status == MeetingStatus.SCHEDULED.value,
            MEETINGS.c.starts_at > now,
        )
        .scalar_subquery()
    )


class PairRepository(VersionedRepository[Pair]):
    resource = Resource.PAIR
    table = PairRow.__table__  # type: ignore[attr-defined]

    def to_entity(self, row: Mapping[str, Any]) -> Pair:
        return Pair(
            id=row["id"],
            org_id=row["org_id"],
            lead_id=row["lead_id"],
            member_id=row["member_id"],
            kind=PairKind(row["kind"]),
            cadence_days=row["cadence_days"],
            duration_minutes=row["duration_minutes"],
            status=PairStatus(row["status"]),
            source=PairSource(row["source"]),
            started_at=row["started_at"],
            ended_at=row["ended_at"],
            ended_reason=row["ended_reason"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            version=row["version"],
        )

    async def find_live(
        self, org_id: UUID, lead_id: UUID, member_id: UUID, kind: PairKind
    ) -> Pair | None:
        """The non-ended pair of these two people in this kind, if any (rule 7)."""
        c = self.table.c
        return await self.fetch_one(
            self.select_in_org(org_id).where(
                c.lead_id == lead_id,
                c.member_id == member_id,
                c.kind == kind.value,
                c.status != PairStatus.ENDED.value,
            )
        )

    async def live_of_person(self, org_id: UUID, person_id: UUID) -> list[Pair]:
        c = self.table.c
        return await self.fetch_all(
            self.select_in_org(org_id)
            .where(
                or_(c.lead_id == person_id, c.member_id == person_id),
                c.status != PairStatus.ENDED.value,
            )
            .order_by(c.created_at, c.id)
        )

    async def live_of_people(self, org_id: UUID, person_ids: Sequence[UUID]) -> list[Pair]:
        """Every non-ended pair that any of these people is in, a statement per batch."""
        c = self.table.c
        live = c.status != PairStatus.ENDED.value
        found = {
            pair.id: pair
            for column in ("lead_id", "member_id")
            for pair in await self.by_ids_in_batches(org_id, column, person_ids, live)
        }
        return sorted(found.values(), key=lambda pair: (pair.created_at, pair.id))

    async def list_page(
        self,
        org_id: UUID,
        filters: PairFilter,
        request: PageRequest,
        *,
        now: datetime,
        grace_days: int,
    ) -> Page[Pair]:
        c = self.table.c
        statement = self.select_in_org(org_id)
        if filters.person_id is not None:
            statement = statement.where(
                or_(c.lead_id == filters.person_id, c.member_id == filters.person_id)
            )
        if filters.lead_id is not None:
            statement = statement.where(c.lead_id == filters.lead_id)
        if filters.member_id is not None:
            statement = statement.where(c.member_id == filters.member_id)
        if filters.kind is not None:
            statement = statement.where(c.kind == filters.kind.value)
        if filters.status is not None:
            statement = statement.where(c.status == filters.status.value)
        if filters.updated_since is not None:
            statement = statement.where(c.updated_at >= filters.updated_since)
        if filters.visible_to is not None:
            statement = statement.where(
                or_(
                    c.lead_id == filters.visible_to,
                    c.member_id == filters.visible_to,
                    c.lead_id.in_(filters.visible_leads),
                )
            )
        if filters.cadence_state is not None:
            state = self.cadence_state_sql(org_id, now, grace_days)
            statement = statement.where(state == filters.cadence_state.value)
        return await self.page(statement, request, c.created_at, lambda p: p.created_at)

    def cadence_state_sql(self, org_id: UUID, now: datetime, grace_days: int) -> Any:
        """The cadence state of each pair row, in SQL (app.domain.cadence in Python)."""
        c = self.table.c
        last_held = last_held_at_sql(org_id, c.id)
        next_at = next_at_sql(org_id, c.id, now)
        # Instants as whole microseconds, compared exactly (as app.domain.cadence does).
        day = literal(DAY_MICROSECONDS, BigInteger)
        due = epoch_microseconds(func.coalesce(last_held, c.started_at)) + c.cadence_days * day
        late_after = due + literal(grace_days * DAY_MICROSECONDS, BigInteger)
        now_at = literal(microseconds(now - EPOCH), BigInteger)
        return case(
            (c.status == PairStatus.PAUSED.value, CadenceState.PAUSED.value),
            (c.status == PairStatus.ENDED.value, CadenceState.ENDED.value),
            (now_at > late_after, CadenceState.OVERDUE.value),
            (next_at.is_(None), CadenceState.UNBOOKED.value),
            (epoch_microseconds(next_at) > late_after, CadenceState.AT_RISK.value),
            else_=CadenceState.ON_TRACK.value,
        )

    async def cadence_facts(self, org_id: UUID, pair_id: UUID, now: datetime) -> CadenceFacts:
        row = (
            await self.connection.execute(
                select(
                    last_held_at_sql(org_id, pair_id).label("last_held_at"),
                    next_at_sql(org_id, pair_id, now).label("next_at"),
                )
            )
        ).one()
        return CadenceFacts(row.last_held_at, row.next_at)

    async def cadence_facts_of(
        self, org_id: UUID, pair_ids: Sequence[UUID], now: datetime
    ) -> dict[UUID, CadenceFacts]:
        """The cadence facts of many pairs in one statement."""
        if not pair_ids:
            return {}
        c = self.table.c
        rows = await self.connection.execute(
            select(
                c.id,
                last_held_at_sql(org_id, c.id).label("last_held_at"),
                next_at_sql(org_id, c.id, now).label("next_at"),
            ).where(c.org_id == org_id, c.id.in_(sorted(set(pair_ids), key=str)))
        )
        return {row.id: CadenceFacts(row.last_held_at, row.next_at) for row in rows}
