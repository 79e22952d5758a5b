"""The counts each meeting carries of its agenda items and ratings (revision 0014), and the
same counts taken from the rows themselves, to hold the two together in tests."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from app.domain.agenda import AgendaItemKind
from app.persistence.tables import (
    MEETING_CONTENT_COUNTS,
    AgendaItemRow,
    MeetingRow,
    PairRow,
    RatingRow,
)

MEETINGS = MeetingRow.__table__  # type: ignore[attr-defined]
ITEMS = AgendaItemRow.__table__  # type: ignore[attr-defined]
RATINGS = RatingRow.__table__  # type: ignore[attr-defined]
PAIRS = PairRow.__table__  # type: ignore[attr-defined]

Counts = dict[UUID, tuple[int, ...]]  # per meeting, in MEETING_CONTENT_COUNTS' order


async def stored_and_recounted(connection: AsyncConnection, org_id: UUID) -> tuple[Counts, Counts]:
    """Each meeting's stored counts, and the same counts taken from the rows themselves."""
    stored = {
        row[0]: tuple(row[1:])
        for row in await connection.execute(
            select(MEETINGS.c.id, *(MEETINGS.c[name] for name in MEETING_CONTENT_COUNTS)).where(
                MEETINGS.c.org_id == org_id
            )
        )
    }
    items = await connection.execute(
        select(ITEMS.c.meeting_id, ITEMS.c.author_id, ITEMS.c.kind, PAIRS.c.member_id)
        .join(MEETINGS, MEETINGS.c.id == ITEMS.c.meeting_id)
        .join(PAIRS, PAIRS.c.id == MEETINGS.c.pair_id)
        .where(ITEMS.c.org_id == org_id)
    )
    ratings = await connection.execute(
        select(RATINGS.c.meeting_id, func.count(), func.sum(RATINGS.c.score))
        .where(RATINGS.c.org_id == org_id)
        .group_by(RATINGS.c.meeting_id)
    )
    recounted = {meeting: [0, 0, 0, 0, 0] for meeting in stored}
    for meeting_id, author_id, kind, member_id in items:
        counts = recounted[meeting_id]
        counts[0] += 1
        counts[1] += author_id == member_id
        counts[2] += kind == AgendaItemKind.STATUS_UPDATE.value
    for meeting_id, count, total in ratings:
        recounted[meeting_id][3:] = [count, total]
    return stored, {meeting: tuple(counts) for meeting, counts in recounted.items()}
