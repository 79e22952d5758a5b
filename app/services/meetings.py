"""Scheduling meetings (rule 1) and reading them with their history."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from uuid import UUID

from app.domain.meetings import (
    Meeting,
    MeetingEvent,
    check_schedulable,
)
from app.domain.paging import Page, PageRequest
from app.domain.queries import MeetingFilter
from app.services import visible_records
from app.services.carry_over import carry_over
from app.services.context import ServiceContext
from app.services.meeting_records import book


async def schedule_meeting(
    ctx: ServiceContext, *, pair_id: UUID, starts_at: datetime, duration_minutes: int | None = None
) -> Meeting:
    """Rule 1: an active pair, a future start, a duration within policy, no overlap."""
    pair = await visible_records.referenced_content_pair(ctx, pair_id, "pair_id", for_update=True)
    policy = await ctx.uow.policies.get(ctx.org_id)
    duration = pair.duration_minutes if duration_minutes is None else duration_minutes
    people = [pair.lead_id, pair.member_id]
    await ctx.uow.lock_people(ctx.org_id, people)
    nearby = await ctx.uow.meetings.scheduled_near(ctx.org_id, people, starts_at, duration)
    check_schedulable(pair, starts_at, duration, policy, ctx.now, nearby)
    meeting = await book(ctx, pair, starts_at, duration)
    await carry_over(ctx, pair.id, meeting)
    return meeting


async def list_meetings(
    ctx: ServiceContext, filters: MeetingFilter, request: PageRequest
) -> Page[Meeting]:
    """A person sees the meetings of their own pairs only."""
    if ctx.caller.person_id is not None:
        filters = replace(filters, participant_id=ctx.caller.person_id)
    return await ctx.uow.meetings.list_page(ctx.org_id, filters, request)


async def meeting_history(
    ctx: ServiceContext, meeting_id: UUID, request: PageRequest
) -> Page[MeetingEvent]:
    await visible_records.meeting(ctx, meeting_id)
    return await ctx.uow.meeting_events.list_for_meeting(ctx.org_id, meeting_id, request)
