"""Booking a checked slot and writing a meeting's history."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from app.domain.meetings import Meeting, MeetingEvent, MeetingEventKind, MeetingStatus
from app.domain.pairs import Pair
from app.services.context import ServiceContext, new_id


async def book(ctx: ServiceContext, pair: Pair, starts_at: datetime, duration: int) -> Meeting:
    """Insert a meeting whose slot has been checked, with its first history line."""
    meeting = Meeting(
        id=new_id(),
        org_id=ctx.org_id,
        pair_id=pair.id,
        starts_at=starts_at,
        duration_minutes=duration,
        status=MeetingStatus.SCHEDULED,
        reschedule_count=0,
        original_starts_at=starts_at,
        canceled_at=None,
        canceled_by_id=None,
        cancel_reason=None,
        completed_at=None,
        actual_minutes=None,
        created_at=ctx.now,
        updated_at=ctx.now,
    )
    await ctx.uow.meetings.add(meeting)
    await record(ctx, meeting.id, MeetingEventKind.SCHEDULED, {"starts_at": starts_at.isoformat()})
    return meeting


async def record(
    ctx: ServiceContext, meeting_id: UUID, kind: MeetingEventKind, data: dict[str, object]
) -> None:
    """Append a line to the meeting's history, naming the acting credential."""
    await ctx.uow.meeting_events.add(history_line(ctx, meeting_id, kind, data))


def history_line(
    ctx: ServiceContext, meeting_id: UUID, kind: MeetingEventKind, data: dict[str, object]
) -> MeetingEvent:
    """A line of a meeting's history, naming the acting credential."""
    return MeetingEvent(
        id=new_id(),
        org_id=ctx.org_id,
        meeting_id=meeting_id,
        kind=kind,
        at=ctx.now,
        actor_person_id=ctx.caller.person_id,
        actor_key_id=ctx.caller.key_id,
        data=data,
    )
