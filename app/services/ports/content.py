"""The stores of a pair's content: agenda items, notes, commitments and ratings."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol
from uuid import UUID

from app.domain.agenda import AgendaItem, AgendaItemState
from app.domain.commitments import Commitment, CommitmentStatus
from app.domain.meetings import Meeting
from app.domain.notes import Note
from app.domain.paging import Cursor, Page, PageRequest
from app.domain.queries import CommitmentFilter
from app.domain.ratings import Rating
from app.services.ports.stores import Store, VersionedStore


class AgendaItemStore(VersionedStore[AgendaItem], Protocol):
    async def next_position(self, org_id: UUID, meeting_id: UUID) -> int:
        """One past the meeting's last position (0 for an empty agenda)."""
        ...

    async def all_of_meeting(self, org_id: UUID, meeting_id: UUID) -> list[AgendaItem]: ...

    async def pending_carry_over(self, org_id: UUID, pair_id: UUID) -> list[AgendaItem]:
        """Open or deferred items left on the pair's closed meetings, in the order of the
        meetings' starts and the items' positions (rules 3 and 4)."""
        ...

    async def set_state(
        self, org_id: UUID, item_ids: list[UUID], state: AgendaItemState, at: datetime
    ) -> None: ...

    async def first_of_meetings(
        self, org_id: UUID, meeting_ids: Sequence[UUID], *, limit: int, after: Cursor | None
    ) -> dict[UUID, list[AgendaItem]]: ...

    async def list_for_meeting(
        self, org_id: UUID, meeting_id: UUID, request: PageRequest
    ) -> Page[AgendaItem]: ...


class NoteStore(VersionedStore[Note], Protocol):
    async def list_for_meeting(
        self, org_id: UUID, meeting_id: UUID, request: PageRequest, *, private_of: UUID | None
    ) -> Page[Note]: ...

    async def first_of_meetings(
        self,
        org_id: UUID,
        meeting_ids: Sequence[UUID],
        *,
        limit: int,
        after: Cursor | None,
        private_of: UUID | None,
    ) -> dict[UUID, list[Note]]: ...


class CommitmentStore(VersionedStore[Commitment], Protocol):
    async def list_page(
        self, org_id: UUID, filters: CommitmentFilter, request: PageRequest
    ) -> Page[Commitment]: ...

    async def first_of_pairs(
        self,
        org_id: UUID,
        pair_ids: Sequence[UUID],
        *,
        limit: int,
        after: Cursor | None,
        status: CommitmentStatus | None,
    ) -> dict[UUID, list[Commitment]]: ...

    async def open_of_pairs(self, org_id: UUID, pair_ids: list[UUID]) -> list[Commitment]: ...

    async def meeting_with_open_of_its_pair(
        self, org_id: UUID, meeting_id: UUID
    ) -> tuple[Meeting, list[Commitment]] | None:
        """A meeting and its pair's open commitments, oldest first, in one statement (None
        when there is no such meeting)."""
        ...

    async def move_open_of_owners(
        self, org_id: UUID, moves: Sequence[tuple[UUID, UUID, UUID]], at: datetime
    ) -> None:
        """For each (from pair, owner, to pair): the owner's open commitments move."""
        ...


class RatingStore(Store[Rating], Protocol):
    async def of_person(self, org_id: UUID, meeting_id: UUID, person_id: UUID) -> Rating | None: ...

    async def list_for_meeting(
        self, org_id: UUID, meeting_id: UUID, request: PageRequest
    ) -> Page[Rating]: ...

    async def first_of_meetings(
        self, org_id: UUID, meeting_ids: Sequence[UUID], *, limit: int, after: Cursor | None
    ) -> dict[UUID, list[Rating]]: ...
