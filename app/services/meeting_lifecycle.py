"""Rescheduling, cancelling and completing meetings (rules 2–5), with carry-over of the
agenda and the next meeting always on the books."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from app.domain.agenda import AgendaItem, AgendaItemState
from app.domain.errors import InvalidInput
from app.domain.meeting_lifecycle import (
    CancelReason,
    NextSlot,
    cancel,
    complete,
    first_free_slot,
    is_late_cancellation,
    next_candidates,
    reschedule,
)
from app.domain.meetings import Meeting, MeetingEventKind
from app.domain.pairs import Pair
from app.domain.privacy import acting_person
from app.domain.versions import Expected, check_version, check_version_given
from app.services import versions, visible_records
from app.services.carry_over import carry_over
from app.services.context import ServiceContext
from app.services.meeting_records import book, record


async def reschedule_meeting(
    ctx: ServiceContext,
    meeting_id: UUID,
    *,
    starts_at: datetime | None,
    duration_minutes: int | None,
    expected: Expected | None = None,
) -> Meeting:
    """Rule 2: move a scheduled meeting under the scheduling checks."""
    if starts_at is None and duration_minutes is None:
        raise InvalidInput(
            "Send starts_at, duration_minutes or both to reschedule.", code="nothing_to_change"
        )
    meeting, pair = await visible_records.meeting_and_pair_for_change(ctx, meeting_id)
    check_version("meeting", meeting.version, expected)
    policy = await ctx.uow.policies.get(ctx.org_id)
    check_version_given("meeting", expected, required=policy.require_if_match)
    meeting.check_open()
    start = starts_at or meeting.starts_at
    duration = duration_minutes or meeting.duration_minutes
    if start == meeting.starts_at and duration == meeting.duration_minutes:
        raise InvalidInput(
            "The meeting already starts then and lasts that long; nothing to reschedule.",
            code="nothing_to_change",
        )
    people = [pair.lead_id, pair.member_id]
    await ctx.uow.lock_people(ctx.org_id, people)
    nearby = await ctx.uow.meetings.scheduled_near(ctx.org_id, people, start, duration)
    change = reschedule(meeting, pair, start, duration, policy, ctx.now, nearby)
    await versions.save(ctx, ctx.uow.meetings, meeting, "meeting", expected)
    await record(ctx, meeting.id, MeetingEventKind.RESCHEDULED, change)
    return meeting


@dataclass(frozen=True, slots=True)
class Cancellation:
    meeting: Meeting
    late: bool
    carried_to: Meeting | None
    carried_items: int


async def cancel_meeting(
    ctx: ServiceContext,
    meeting_id: UUID,
    *,
    canceled_by_id: UUID | None,
    reason: CancelReason,
    expected: Expected | None = None,
) -> Cancellation:
    """Rule 3: a participant cancels; open and deferred items move to the next meeting."""
    meeting, pair = await visible_records.meeting_and_pair_for_change(ctx, meeting_id)
    check_version("meeting", meeting.version, expected)
    canceled_by_id = acting_person(ctx.caller, canceled_by_id, "canceled_by_id")
    cancel(meeting, pair, canceled_by_id, reason, ctx.now)
    policy = await ctx.uow.policies.get(ctx.org_id)
    late = is_late_cancellation(meeting, policy)
    await versions.save(ctx, ctx.uow.meetings, meeting, "meeting", expected)
    await record(
        ctx,
        meeting.id,
        MeetingEventKind.CANCELED,
        {"reason": reason.value, "canceled_by_id": str(canceled_by_id), "late": late},
    )
    target = await ctx.uow.meetings.next_scheduled_of_pair(
        ctx.org_id, pair.id, ctx.now, other_than=meeting.id
    )
    carried = await carry_over(ctx, pair.id, target) if target is not None else 0
    return Cancellation(meeting, late, target, carried)


@dataclass(frozen=True, slots=True)
class Completion:
    meeting: Meeting
    next_meeting: Meeting | None
    next_meeting_reason: str | None
    carried_items: int


async def complete_meeting(
    ctx: ServiceContext,
    meeting_id: UUID,
    *,
    actual_minutes: int | None,
    discussed_item_ids: list[UUID],
    expected: Expected | None = None,
) -> Completion:
    """Rule 4: complete from 15 minutes before the start, mark what was discussed, make sure
    the next meeting is on the books, and carry the rest of the agenda over to it."""
    meeting, pair = await visible_records.meeting_and_pair_for_change(ctx, meeting_id)
    check_version("meeting", meeting.version, expected)
    complete(meeting, ctx.now, actual_minutes)
    items = await ctx.uow.agenda_items.all_of_meeting(ctx.org_id, meeting.id)
    _check_on_agenda(items, discussed_item_ids)
    await versions.save(ctx, ctx.uow.meetings, meeting, "meeting", expected)
    await ctx.uow.agenda_items.set_state(
        ctx.org_id, discussed_item_ids, AgendaItemState.DISCUSSED, ctx.now
    )
    await record(
        ctx,
        meeting.id,
        MeetingEventKind.COMPLETED,
        {
            "actual_minutes": actual_minutes,
            "discussed_item_ids": [str(i) for i in discussed_item_ids],
        },
    )
    next_meeting = await ctx.uow.meetings.next_scheduled_of_pair(ctx.org_id, pair.id, ctx.now)
    reason = None
    if next_meeting is None:
        slot = await _next_free_slot(ctx, meeting, pair)
        if slot.starts_at is not None:
            next_meeting = await book(ctx, pair, slot.starts_at, pair.duration_minutes)
        else:
            reason = slot.reason.value if slot.reason else None
    carried = await carry_over(ctx, pair.id, next_meeting) if next_meeting is not None else 0
    return Completion(meeting, next_meeting, reason, carried)


def _check_on_agenda(items: list[AgendaItem], discussed_item_ids: list[UUID]) -> None:
    unknown = set(discussed_item_ids) - {item.id for item in items}
    if unknown:
        raise InvalidInput(
            "discussed_item_ids names items that are not on this meeting's agenda:"
            f" {', '.join(sorted(map(str, unknown)))}.",
            code="not_on_agenda",
        )


async def _next_free_slot(ctx: ServiceContext, held: Meeting, pair: Pair) -> NextSlot:
    policy = await ctx.uow.policies.get(ctx.org_id)
    candidates = next_candidates(held, pair, ctx.now)
    people = [pair.lead_id, pair.member_id]
    await ctx.uow.lock_people(ctx.org_id, people)
    span = candidates[-1] - candidates[0] + timedelta(minutes=pair.duration_minutes)
    nearby = await ctx.uow.meetings.scheduled_near(
        ctx.org_id, people, candidates[0], int(span.total_seconds() // 60) + 1
    )
    return first_free_slot(candidates, pair, policy, ctx.now, nearby)
