"""Reads of many parents' children in one statement each, for the DataLoaders.

The repositories answer one parent at a time; a graph asks for the children of a whole
page of parents at once. These reads reuse each repository's organization scoping and row
mapping and add only the batching: `WHERE parent IN (…)` and, for pages, a window that
keeps the first rows of each parent.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any, TypeVar
from uuid import UUID

from sqlalchemy import ColumnElement, func, or_, select

from app.domain.agenda import AgendaItem
from app.domain.commitments import Commitment, CommitmentStatus
from app.domain.meetings import Meeting, MeetingStatus
from app.domain.notes import Note, NoteVisibility
from app.domain.ratings import Rating
from app.persistence.repositories.base import TableRepository
from app.persistence.unit_of_work import UnitOfWork

E = TypeVar("E")


async def by_ids(repository: TableRepository[E], org_id: UUID, ids: Sequence[UUID]) -> list[E]:
    """The records with these ids in the organization (any order)."""
    if not ids:
        return []
    table = repository.table
    return await repository.fetch_all(
        repository.select_in_org(org_id).where(table.c.id.in_(sorted(set(ids), key=str)))
    )


async def first_of_each(
    repository: TableRepository[E],
    org_id: UUID,
    *,
    parent: str,
    parent_ids: Sequence[UUID],
    sort: str,
    limit: int,
    descending: bool = False,
    where: Sequence[ColumnElement[bool]] = (),
) -> dict[UUID, list[E]]:
    """Per parent, its first `limit` children in (sort, id) order: the same order and tie
    break as the repositories' keyset pages."""
    if not parent_ids:
        return {}
    table = repository.table
    sort_column, id_column = table.c[sort], table.c.id
    order = (sort_column.desc(), id_column.desc()) if descending else (sort_column, id_column)
    rank = func.row_number().over(partition_by=table.c[parent], order_by=order).label("rank")
    ranked = (
        repository.select_in_org(org_id)
        .where(table.c[parent].in_(sorted(set(parent_ids), key=str)), *where)
        .add_columns(rank)
        .subquery()
    )
    inner_sort: Any = ranked.c[sort]
    inner_order = (
        (inner_sort.desc(), ranked.c.id.desc()) if descending else (inner_sort, ranked.c.id)
    )
    statement = select(ranked).where(ranked.c.rank <= limit).order_by(*inner_order)
    children: dict[UUID, list[E]] = defaultdict(list)
    for child in await repository.fetch_all(statement):
        children[getattr(child, parent)].append(child)
    return children


async def meetings_of_pairs(
    uow: UnitOfWork,
    org_id: UUID,
    pair_ids: Sequence[UUID],
    *,
    limit: int,
    newest_first: bool,
    status: MeetingStatus | None,
) -> dict[UUID, list[Meeting]]:
    table = uow.meetings.table
    where = [] if status is None else [table.c.status == status.value]
    return await first_of_each(
        uow.meetings,
        org_id,
        parent="pair_id",
        parent_ids=pair_ids,
        sort="starts_at",
        limit=limit,
        descending=newest_first,
        where=where,
    )


async def commitments_of_pairs(
    uow: UnitOfWork,
    org_id: UUID,
    pair_ids: Sequence[UUID],
    *,
    limit: int,
    status: CommitmentStatus | None,
) -> dict[UUID, list[Commitment]]:
    table = uow.commitments.table
    where = [] if status is None else [table.c.status == status.value]
    return await first_of_each(
        uow.commitments,
        org_id,
        parent="pair_id",
        parent_ids=pair_ids,
        sort="created_at",
        limit=limit,
        where=where,
    )


async def agenda_items_of_meetings(
    uow: UnitOfWork, org_id: UUID, meeting_ids: Sequence[UUID], *, limit: int
) -> dict[UUID, list[AgendaItem]]:
    return await first_of_each(
        uow.agenda_items,
        org_id,
        parent="meeting_id",
        parent_ids=meeting_ids,
        sort="position",
        limit=limit,
    )


async def notes_of_meetings(
    uow: UnitOfWork,
    org_id: UUID,
    meeting_ids: Sequence[UUID],
    *,
    limit: int,
    private_of: UUID | None,
) -> dict[UUID, list[Note]]:
    """Shared notes, and the private notes of `private_of` (their author) if given: the
    same rule as the repository's page of one meeting's notes."""
    table = uow.notes.table
    visible = table.c.visibility == NoteVisibility.SHARED.value
    if private_of is not None:
        visible = or_(visible, table.c.author_id == private_of)
    return await first_of_each(
        uow.notes,
        org_id,
        parent="meeting_id",
        parent_ids=meeting_ids,
        sort="created_at",
        limit=limit,
        where=[visible],
    )


async def ratings_of_meetings(
    uow: UnitOfWork, org_id: UUID, meeting_ids: Sequence[UUID], *, limit: int
) -> dict[UUID, list[Rating]]:
    return await first_of_each(
        uow.ratings,
        org_id,
        parent="meeting_id",
        parent_ids=meeting_ids,
        sort="created_at",
        limit=limit,
    )
