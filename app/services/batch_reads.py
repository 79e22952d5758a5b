"""Reads of many records, or of a page of many parents' children, in one statement each:
what a graph of records (GraphQL's DataLoaders) asks for a whole page of parents at once.

Two kinds, named so. The `…_named_by_visible_records` reads load records by id without a
privacy check: they serve only ids named by a record the caller was already allowed to see
(a meeting's pair, a commitment's meeting, a note's author), whose check covers them. The
children reads (`…_of_pairs`, `…_of_meetings`) apply the rules of the REST lists of the
same children: a pair's content for those who may see it, the content flag of the request,
and private notes for their author only (a meeting's own visibility was checked on it).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar
from uuid import UUID

from app.domain.agenda import AgendaItem
from app.domain.commitments import Commitment, CommitmentStatus
from app.domain.errors import NotFound
from app.domain.meetings import Meeting, MeetingStatus
from app.domain.notes import Note
from app.domain.paging import Cursor
from app.domain.pairs import Pair
from app.domain.people import Person
from app.domain.privacy import check_content_visible
from app.domain.ratings import Rating
from app.services.context import ServiceContext

Child = TypeVar("Child")


async def people_named_by_visible_records(ctx: ServiceContext, ids: Sequence[UUID]) -> list[Person]:
    return await ctx.uow.people.by_ids(ctx.org_id, ids)


async def pairs_named_by_visible_records(ctx: ServiceContext, ids: Sequence[UUID]) -> list[Pair]:
    return await ctx.uow.pairs.by_ids(ctx.org_id, ids)


async def meetings_named_by_visible_records(
    ctx: ServiceContext, ids: Sequence[UUID]
) -> list[Meeting]:
    return await ctx.uow.meetings.by_ids(ctx.org_id, ids)


def _content_shown(ctx: ServiceContext, pairs: Sequence[Pair]) -> set[UUID]:
    """The pairs whose content (meetings, commitments) the caller may see: the privacy
    contract of REST's lists, which show a person the meetings of their own pairs only."""
    shown = set()
    for pair in pairs:
        try:
            check_content_visible(ctx.caller, pair, "pair", pair.id)
        except NotFound:
            continue
        shown.add(pair.id)
    return shown


def _of_shown(
    pairs: Sequence[Pair], shown: set[UUID], found: dict[UUID, list[Child]]
) -> dict[UUID, list[Child] | None]:
    return {pair.id: found[pair.id] if pair.id in shown else None for pair in pairs}


async def meetings_of_pairs(
    ctx: ServiceContext,
    pairs: Sequence[Pair],
    *,
    limit: int,
    after: Cursor | None,
    newest_first: bool,
    status: MeetingStatus | None,
) -> dict[UUID, list[Meeting] | None]:
    """A page of each pair's meetings; None for a pair whose content the caller may not
    see (a manager above the lead sees the pair, not its meetings)."""
    shown = _content_shown(ctx, pairs)
    found = await ctx.uow.meetings.first_of_pairs(
        ctx.org_id, list(shown), limit=limit, after=after, newest_first=newest_first, status=status
    )
    return _of_shown(pairs, shown, found)


async def commitments_of_pairs(
    ctx: ServiceContext,
    pairs: Sequence[Pair],
    *,
    limit: int,
    after: Cursor | None,
    status: CommitmentStatus | None,
) -> dict[UUID, list[Commitment] | None]:
    """A page of each pair's commitments; None for a pair whose content the caller may not
    see."""
    shown = _content_shown(ctx, pairs)
    if shown:
        ctx.returns_content()
    found = await ctx.uow.commitments.first_of_pairs(
        ctx.org_id, list(shown), limit=limit, after=after, status=status
    )
    return _of_shown(pairs, shown, found)


async def agenda_items_of_meetings(
    ctx: ServiceContext, meeting_ids: Sequence[UUID], *, limit: int, after: Cursor | None
) -> dict[UUID, list[AgendaItem]]:
    ctx.returns_content()
    return await ctx.uow.agenda_items.first_of_meetings(
        ctx.org_id, meeting_ids, limit=limit, after=after
    )


async def notes_of_meetings(
    ctx: ServiceContext, meeting_ids: Sequence[UUID], *, limit: int, after: Cursor | None
) -> dict[UUID, list[Note]]:
    """Shared notes, and the caller's own private notes: a private note exists only for its
    author (never for a service key)."""
    ctx.returns_content()
    return await ctx.uow.notes.first_of_meetings(
        ctx.org_id, meeting_ids, limit=limit, after=after, private_of=ctx.caller.person_id
    )


async def ratings_of_meetings(
    ctx: ServiceContext, meeting_ids: Sequence[UUID], *, limit: int, after: Cursor | None
) -> dict[UUID, list[Rating]]:
    ctx.returns_content()
    return await ctx.uow.ratings.first_of_meetings(
        ctx.org_id, meeting_ids, limit=limit, after=after
    )
