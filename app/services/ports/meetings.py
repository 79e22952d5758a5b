"""The stores of pairs and their meetings: pairs, meetings and their history."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Protocol
from uuid import UUID

from app.domain.meetings import Meeting, MeetingEvent, MeetingStatus
from app.domain.paging import Cursor, Page, PageRequest
from app.domain.pairs import Pair, PairKind
from app.domain.queries import MeetingFilter, PairFilter
from app.services.ports.stores import Store, VersionedStore

if TYPE_CHECKING:
    from app.persistence.repositories.pairs import CadenceFacts


class PairStore(VersionedStore[Pair], Protocol):
    async def find_live(
        self, org_id: UUID, lead_id: UUID, member_id: UUID, kind: PairKind
    ) -> Pair | None:
        """The non-ended pair of these two people in this kind, if any (rule 7)."""
        ...

    async def live_of_people(self, org_id: UUID, person_ids: Sequence[UUID]) -> list[Pair]:
        """Every non-ended pair that any of these people is in, oldest first."""
        ...

    async def list_page(
        self,
        org_id: UUID,
        filters: PairFilter,
        request: PageRequest,
        *,
        now: datetime,
        grace_days: int,
    ) -> Page[Pair]: ...

    async def cadence_facts(self, org_id: UUID, pair_id: UUID, now: datetime) -> CadenceFacts: ...

    async def cadence_facts_of(
        self, org_id: UUID, pair_ids: Sequence[UUID], now: datetime
    ) -> dict[UUID, CadenceFacts]: ...


class MeetingStore(VersionedStore[Meeting], Protocol):
    async def scheduled_near(
        self,
        org_id: UUID,
        person_ids: list[UUID],
        starts_at: datetime,
        duration_minutes: int,
    ) -> list[Meeting]:
        """Scheduled meetings of any pair of these people that could overlap the interval."""
        ...

    async def next_scheduled_of_pair(
        self, org_id: UUID, pair_id: UUID, now: datetime, *, other_than: UUID | None = None
    ) -> Meeting | None:
        """The pair's earliest scheduled meeting in the future (rules 3 and 4)."""
        ...

    async def future_scheduled_of_pairs(
        self, org_id: UUID, pair_ids: Sequence[UUID], now: datetime
    ) -> list[Meeting]:
        """The scheduled meetings of these pairs that start after `now`, earliest first."""
        ...

    async def scheduled_of_pairs_since(
        self, org_id: UUID, pair_ids: Sequence[UUID], since: datetime
    ) -> list[Meeting]: ...

    async def first_of_pairs(
        self,
        org_id: UUID,
        pair_ids: Sequence[UUID],
        *,
        limit: int,
        after: Cursor | None,
        newest_first: bool,
        status: MeetingStatus | None,
    ) -> dict[UUID, list[Meeting]]: ...

    async def list_page(
        self, org_id: UUID, filters: MeetingFilter, request: PageRequest
    ) -> Page[Meeting]: ...


class MeetingEventStore(Store[MeetingEvent], Protocol):
    """A meeting's history, appended to."""

    async def list_for_meeting(
        self, org_id: UUID, meeting_id: UUID, request: PageRequest
    ) -> Page[MeetingEvent]: ...
