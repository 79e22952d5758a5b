"""Queries over a meeting's content: agenda items, notes and commitments."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from functools import cache
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Select, Table, and_, bindparam, func, or_, select, update

from app.domain.agenda import AgendaItem, AgendaItemKind, AgendaItemState
from app.domain.commitments import Commitment, CommitmentStatus
from app.domain.events import Resource
from app.domain.meetings import Meeting, MeetingStatus
from app.domain.notes import Note, NoteVisibility
from app.domain.paging import Cursor, Page, PageRequest
from app.domain.queries import CommitmentFilter
from app.persistence.repositories.base import among, batches, status_is
from app.persistence.repositories.meetings import MeetingRepository, pair_ids_of
from app.persistence.repositories.versioned import VersionedRepository
from app.persistence.tables import AgendaItemRow, CommitmentRow, MeetingRow, NoteRow

MEETINGS = MeetingRow.__table__  # type: ignore[attr-defined]


class AgendaItemRepository(VersionedRepository[AgendaItem]):
    resource = Resource.AGENDA_ITEM
    table = AgendaItemRow.__table__  # type: ignore[attr-defined]

    def to_entity(self, row: Mapping[str, Any]) -> AgendaItem:
        return AgendaItem(
            id=row["id"],
            org_id=row["org_id"],
            meeting_id=row["meeting_id"],
            author_id=row["author_id"],
            title=row["title"],
            details=row["details"],
            kind=AgendaItemKind(row["kind"]),
            position=row["position"],
            state=AgendaItemState(row["state"]),
            carried_from_id=row["carried_from_id"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            version=row["version"],
        )

    async def next_position(self, org_id: UUID, meeting_id: UUID) -> int:
        c = self.table.c
        result = await self.connection.execute(
            select(func.coalesce(func.max(c.position), -1) + 1).where(
                c.org_id == org_id, c.meeting_id == meeting_id
            )
        )
        return int(result.scalar_one())

    async def all_of_meeting(self, org_id: UUID, meeting_id: UUID) -> list[AgendaItem]:
        c = self.table.c
        return await self.fetch_all(
            self.select_in_org(org_id).where(c.meeting_id == meeting_id).order_by(c.position, c.id)
        )

    async def pending_carry_over(self, org_id: UUID, pair_id: UUID) -> list[AgendaItem]:
        """Open or deferred items left on the pair's closed meetings (rules 3 and 4)."""
        c = self.table.c
        closed = (MeetingStatus.COMPLETED.value, MeetingStatus.CANCELED.value)
        closed_meetings = select(MEETINGS.c.id).where(
            MEETINGS.c.org_id == org_id,
            MEETINGS.c.pair_id == pair_id,
            MEETINGS.c.status.in_(closed),
        )
        return await self.fetch_all(
            self.select_in_org(org_id)
            .where(
                c.meeting_id.in_(closed_meetings),
                c.state.in_((AgendaItemState.OPEN.value, AgendaItemState.DEFERRED.value)),
            )
            .join(MEETINGS, MEETINGS.c.id == c.meeting_id)
            .order_by(MEETINGS.c.starts_at, c.position, c.id)
        )

    async def set_state(
        self, org_id: UUID, item_ids: list[UUID], state: AgendaItemState, at: datetime
    ) -> None:
        if item_ids:
            c = self.table.c
            changed = await self._before_bulk_change(org_id, item_ids)
            await self.connection.execute(
                update(self.table)
                .where(c.org_id == org_id, c.id.in_(item_ids))
                .values(state=state.value, updated_at=at, version=c.version + 1)
            )
            self._note(
                [
                    replace(item, state=state, updated_at=at, version=item.version + 1)
                    for item in changed
                ],
                added=False,
            )

    async def first_of_meetings(
        self, org_id: UUID, meeting_ids: Sequence[UUID], *, limit: int, after: Cursor | None
    ) -> dict[UUID, list[AgendaItem]]:
        """A page of each meeting's agenda, for many meetings at once."""
        return await self.first_of_each(
            org_id,
            parent="meeting_id",
            parent_ids=meeting_ids,
            sort="position",
            limit=limit,
            after=after,
        )

    async def list_for_meeting(
        self, org_id: UUID, meeting_id: UUID, request: PageRequest
    ) -> Page[AgendaItem]:
        statement = self.select_in_org(org_id).where(self.table.c.meeting_id == meeting_id)
        return await self.page(statement, request, self.table.c.position, lambda i: i.position)


class NoteRepository(VersionedRepository[Note]):
    resource = Resource.NOTE
    table = NoteRow.__table__  # type: ignore[attr-defined]

    def to_entity(self, row: Mapping[str, Any]) -> Note:
        return Note(
            id=row["id"],
            org_id=row["org_id"],
            meeting_id=row["meeting_id"],
            author_id=row["author_id"],
            body=row["body"],
            visibility=NoteVisibility(row["visibility"]),
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            version=row["version"],
        )

    async def list_for_meeting(
        self, org_id: UUID, meeting_id: UUID, request: PageRequest, *, private_of: UUID | None
    ) -> Page[Note]:
        c = self.table.c
        statement = self.select_in_org(org_id).where(
            c.meeting_id == meeting_id, _readable(self.table, private_of)
        )
        return await self.page(statement, request, c.created_at, lambda n: n.created_at)

    async def first_of_meetings(
        self,
        org_id: UUID,
        meeting_ids: Sequence[UUID],
        *,
        limit: int,
        after: Cursor | None,
        private_of: UUID | None,
    ) -> dict[UUID, list[Note]]:
        """A page of each meeting's notes, for many meetings at once."""
        return await self.first_of_each(
            org_id,
            parent="meeting_id",
            parent_ids=meeting_ids,
            sort="created_at",
            limit=limit,
            after=after,
            where=_shared if private_of is None else _shared_or_own,
            values=None if private_of is None else {"private_of": private_of},
        )


def _readable(table: Table, private_of: Any) -> ColumnElement[bool]:
    """Shared notes, and the private notes of `private_of` (their author, a value or a bound
    parameter) if given."""
    c = table.c
    visible = c.visibility == NoteVisibility.SHARED.value
    return visible if private_of is None else or_(visible, c.author_id == private_of)


def _shared(table: Table) -> ColumnElement[bool]:
    return _readable(table, None)


def _shared_or_own(table: Table) -> ColumnElement[bool]:
    """Shared notes and those of the author bound to `private_of`."""
    return _readable(table, bindparam("private_of", type_=table.c.author_id.type))


COMMITMENTS = CommitmentRow.__table__  # type: ignore[attr-defined]


@cache
def _open_of_pairs_statement(dialect: str) -> Select[Any]:
    """The open commitments of some pairs, oldest first: built once per dialect."""
    c = COMMITMENTS.c
    return (
        select(COMMITMENTS)
        .where(
            c.org_id == bindparam("org_id"),
            among(c.pair_id, "pair_ids", dialect),
            c.status == CommitmentStatus.OPEN.value,
        )
        .order_by(c.created_at, c.id)
    )


OPEN_COMMITMENT_PREFIX = "open_commitment_"


@cache
def meeting_with_open_of_its_pair_statement() -> Select[Any]:
    """A meeting's row, joined to each open commitment of its pair (oldest first), whose
    columns are named with OPEN_COMMITMENT_PREFIX; one row with them null when the pair has
    none. Built once."""
    m, c = MEETINGS.c, COMMITMENTS.c
    open_of_its_pair = and_(
        c.org_id == m.org_id, c.pair_id == m.pair_id, c.status == CommitmentStatus.OPEN.value
    )
    return (
        select(MEETINGS, *(column.label(OPEN_COMMITMENT_PREFIX + column.name) for column in c))
        .select_from(MEETINGS.outerjoin(COMMITMENTS, open_of_its_pair))
        .where(m.org_id == bindparam("org_id"), m.id == bindparam("id"))
        .order_by(c.created_at, c.id)
    )


class CommitmentRepository(VersionedRepository[Commitment]):
    resource = Resource.COMMITMENT
    table = CommitmentRow.__table__  # type: ignore[attr-defined]

    def to_entity(self, row: Mapping[str, Any]) -> Commitment:
        return Commitment(
            id=row["id"],
            org_id=row["org_id"],
            pair_id=row["pair_id"],
            meeting_id=row["meeting_id"],
            owner_id=row["owner_id"],
            title=row["title"],
            due_on=row["due_on"],
            status=CommitmentStatus(row["status"]),
            completed_at=row["completed_at"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            version=row["version"],
        )

    async def list_page(
        self, org_id: UUID, filters: CommitmentFilter, request: PageRequest
    ) -> Page[Commitment]:
        c = self.table.c
        statement = self.select_in_org(org_id)
        if filters.pair_id is not None:
            statement = statement.where(c.pair_id == filters.pair_id)
        if filters.owner_id is not None:
            statement = statement.where(c.owner_id == filters.owner_id)
        if filters.meeting_id is not None:
            statement = statement.where(c.meeting_id == filters.meeting_id)
        if filters.status is not None:
            statement = statement.where(c.status == filters.status.value)
        if filters.overdue_on is not None:
            # Rule 6: open with a due date before today.
            statement = statement.where(
                c.status == CommitmentStatus.OPEN.value, c.due_on < filters.overdue_on
            )
        if filters.updated_since is not None:
            statement = statement.where(c.updated_at >= filters.updated_since)
        if filters.participant_id is not None:
            statement = statement.where(c.pair_id.in_(pair_ids_of(org_id, filters.participant_id)))
        return await self.page(statement, request, c.created_at, lambda x: x.created_at)

    async def first_of_pairs(
        self,
        org_id: UUID,
        pair_ids: Sequence[UUID],
        *,
        limit: int,
        after: Cursor | None,
        status: CommitmentStatus | None,
    ) -> dict[UUID, list[Commitment]]:
        """A page of each pair's commitments, for many pairs at once."""
        return await self.first_of_each(
            org_id,
            parent="pair_id",
            parent_ids=pair_ids,
            sort="created_at",
            limit=limit,
            after=after,
            where=None if status is None else status_is,
            values=None if status is None else {"status": status.value},
        )

    async def open_of_pairs(self, org_id: UUID, pair_ids: list[UUID]) -> list[Commitment]:
        """Open commitments of these pairs, oldest first (the "follow up" of a meeting)."""
        if not pair_ids:
            return []
        statement = _open_of_pairs_statement(self.connection.dialect.name)
        rows = await self.connection.execute(statement, {"org_id": org_id, "pair_ids": pair_ids})
        return self.entities_of(rows.mappings().all())

    async def meeting_with_open_of_its_pair(
        self, org_id: UUID, meeting_id: UUID
    ) -> tuple[Meeting, list[Commitment]] | None:
        """What `meetings.get` and `open_of_pairs` read for one meeting, in one statement."""
        statement = meeting_with_open_of_its_pair_statement()
        found = await self.connection.execute(statement, {"org_id": org_id, "id": meeting_id})
        rows = found.mappings().all()
        if not rows:
            return None
        (meeting,) = MeetingRepository(self.connection, self.changes).entities_of(rows[:1])
        prefix = OPEN_COMMITMENT_PREFIX
        names = [(prefix + column.name, column.name) for column in COMMITMENTS.columns]
        open_rows = [
            {name: row[labelled] for labelled, name in names}
            for row in rows
            if row[prefix + "id"] is not None
        ]
        return meeting, self.entities_of(open_rows)

    async def move_open_of_owners(
        self, org_id: UUID, moves: Sequence[tuple[UUID, UUID, UUID]], at: datetime
    ) -> None:
        """For each (from pair, owner, to pair): the owner's open commitments move, a batch
        of moves per executemany."""
        c = self.table.c
        moved = await self._moving(org_id, moves)
        statement = (
            update(self.table)
            .where(
                c.org_id == org_id,
                c.pair_id == bindparam("from_pair"),
                c.owner_id == bindparam("owner"),
                c.status == CommitmentStatus.OPEN.value,
            )
            .values(pair_id=bindparam("to_pair"), updated_at=at, version=c.version + 1)
        )
        for batch in batches(moves):
            await self.connection.execute(
                statement,
                [{"from_pair": f, "owner": o, "to_pair": t} for f, o, t in batch],
            )
        self._note(
            [replace(c, pair_id=to, updated_at=at, version=c.version + 1) for c, to in moved],
            added=False,
        )

    async def _moving(
        self, org_id: UUID, moves: Sequence[tuple[UUID, UUID, UUID]]
    ) -> list[tuple[Commitment, UUID]]:
        """The open commitments a move takes along, and where each goes (read only when the
        transaction keeps a change log)."""
        if self.changes is None or not moves:
            return []
        target = {(f, o): t for f, o, t in moves}
        c = self.table.c
        found = await self.by_ids_in_batches(
            org_id, "owner_id", [o for _, o, _ in moves], c.status == CommitmentStatus.OPEN.value
        )
        return [
            (commitment, target[(commitment.pair_id, commitment.owner_id)])
            for commitment in found
            if (commitment.pair_id, commitment.owner_id) in target
        ]
