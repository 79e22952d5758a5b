"""Scheduling meetings (rule 1) and reading them with their history."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from app.domain.meetings import (
    Meeting,
    MeetingEvent,
    MeetingEventKind,
    MeetingStatus,
    check_schedulable,
)
from app.domain.paging import Page, PageRequest
from app.persistence.repositories.meetings import MeetingFilter
from app.services import lookups
from app.services.context import UseCase, new_id


async def schedule_meeting(
    uc: UseCase, *, pair_id: UUID, starts_at: datetime, duration_minutes: int | None = None
) -> Meeting:
    """Rule 1: an active pair, a future start, a duration within policy, no overlap."""
    pair = await uc.uow.pairs.get(uc.org_id, pair_id)
    if pair is None:
        raise lookups.unknown_reference("pair_id", "pair", pair_id)
    policy = await uc.uow.policies.get(uc.org_id)
    duration = pair.duration_minutes if duration_minutes is None else duration_minutes
    people = [pair.lead_id, pair.member_id]
    await uc.uow.lock_people(uc.org_id, people)
    nearby = await uc.uow.meetings.scheduled_near(
        uc.org_id, people, starts_at, duration, policy.max_duration_minutes
    )
    check_schedulable(pair, starts_at, duration, policy, uc.now, nearby)
    meeting = Meeting(
        id=new_id(),
        org_id=uc.org_id,
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
        created_at=uc.now,
        updated_at=uc.now,
    )
    await uc.uow.meetings.add(meeting)
    await record(uc, meeting.id, MeetingEventKind.SCHEDULED, {"starts_at": starts_at.isoformat()})
    return meeting


async def record(
    uc: UseCase, meeting_id: UUID, kind: MeetingEventKind, data: dict[str, object]
) -> None:
    """Append a line to the meeting's history, naming the acting credential."""
    await uc.uow.meeting_events.add(
        MeetingEvent(
            id=new_id(),
            org_id=uc.org_id,
            meeting_id=meeting_id,
            kind=kind,
            at=uc.now,
            actor_person_id=uc.actor.person_id,
            actor_key_id=uc.actor.key_id,
            data=data,
        )
    )


async def list_meetings(uc: UseCase, filters: MeetingFilter, request: PageRequest) -> Page[Meeting]:
    return await uc.uow.meetings.list(uc.org_id, filters, request)


async def meeting_history(
    uc: UseCase, meeting_id: UUID, request: PageRequest
) -> Page[MeetingEvent]:
    await lookups.meeting(uc, meeting_id)
    return await uc.uow.meeting_events.list_for_meeting(uc.org_id, meeting_id, request)
