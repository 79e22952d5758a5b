"""What each pair's metric state holds (revision 0015: the start of its last held meeting, its
open commitments with a due date) and what each meeting keeps of its pair's previous held
meeting (revision 0017), and the same taken from the rows themselves, to hold the two
together in tests."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from app.domain.commitments import CommitmentStatus
from app.domain.meetings import MeetingStatus
from app.persistence.tables import CommitmentRow, MeetingRow, PairMetricStateRow, PairRow

MEETINGS = MeetingRow.__table__  # type: ignore[attr-defined]
COMMITMENTS = CommitmentRow.__table__  # type: ignore[attr-defined]
PAIRS = PairRow.__table__  # type: ignore[attr-defined]
STATE = PairMetricStateRow.__table__  # type: ignore[attr-defined]

MICROSECOND = timedelta(microseconds=1)
State = dict[UUID, tuple[datetime | None, int]]  # per pair: last held, open dated commitments
# per meeting: the start of its pair's previous held one, and the microseconds from it
Chains = dict[UUID, tuple[datetime | None, int | None]]


async def stored_and_recounted(connection: AsyncConnection, org_id: UUID) -> tuple[State, State]:
    """Each pair's stored state, and the same recounted from its meetings and commitments."""
    stored: State = {
        row.pair_id: (row.last_held_at, row.open_dated_commitments)
        for row in await connection.execute(select(STATE).where(STATE.c.org_id == org_id))
    }
    pairs = await connection.execute(select(PAIRS.c.id).where(PAIRS.c.org_id == org_id))
    last_held: dict[UUID, datetime | None] = {pair_id: None for (pair_id,) in pairs}
    open_dated = dict.fromkeys(last_held, 0)
    meetings = await connection.execute(
        select(MEETINGS.c.pair_id, MEETINGS.c.starts_at).where(
            MEETINGS.c.org_id == org_id, MEETINGS.c.status == MeetingStatus.COMPLETED.value
        )
    )
    for pair_id, starts_at in meetings:
        latest = last_held[pair_id]
        last_held[pair_id] = starts_at if latest is None else max(latest, starts_at)
    commitments = await connection.execute(
        select(COMMITMENTS.c.pair_id).where(
            COMMITMENTS.c.org_id == org_id,
            COMMITMENTS.c.status == CommitmentStatus.OPEN.value,
            COMMITMENTS.c.due_on.is_not(None),
        )
    )
    for (pair_id,) in commitments:
        open_dated[pair_id] += 1
    return stored, {pair_id: (last_held[pair_id], open_dated[pair_id]) for pair_id in last_held}


async def chains_stored_and_recounted(
    connection: AsyncConnection, org_id: UUID
) -> tuple[Chains, Chains]:
    """Each meeting's stored previous held start and gap, and the same worked out from the
    pairs' held meetings in (start, id) order (for a held meeting after another, else None)."""
    rows = (
        await connection.execute(
            select(
                MEETINGS.c.id,
                MEETINGS.c.pair_id,
                MEETINGS.c.starts_at,
                MEETINGS.c.status,
                MEETINGS.c.previous_held_at,
                MEETINGS.c.held_gap_microseconds,
            ).where(MEETINGS.c.org_id == org_id)
        )
    ).all()
    stored: Chains = {row.id: (row.previous_held_at, row.held_gap_microseconds) for row in rows}
    recounted: Chains = dict.fromkeys(stored, (None, None))
    previous: dict[UUID, datetime] = {}
    held = (row for row in rows if row.status == MeetingStatus.COMPLETED.value)
    for row in sorted(held, key=lambda row: (row.starts_at, row.id)):
        before = previous.get(row.pair_id)
        if before is not None:
            recounted[row.id] = (before, (row.starts_at - before) // MICROSECOND)
        previous[row.pair_id] = row.starts_at
    return stored, recounted
