"""Pairs: create, edit, end (rule 7)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any
from uuid import UUID

from app.domain.errors import StateConflict
from app.domain.meeting_lifecycle import SystemCancelReason, cancel_by_system
from app.domain.meetings import MeetingEventKind
from app.domain.paging import Page, PageRequest
from app.domain.pairs import Pair, PairKind, PairSource, PairStatus, check_new_pair
from app.domain.policy import Policy
from app.domain.privacy import check_admin
from app.domain.queries import PairFilter
from app.domain.versions import Expected, check_version, check_version_given
from app.services import versions, visible_records
from app.services.context import ServiceContext, new_id
from app.services.meeting_records import history_line


async def create_pair(
    ctx: ServiceContext,
    *,
    lead_id: UUID,
    member_id: UUID,
    kind: PairKind,
    cadence_days: int | None = None,
    duration_minutes: int | None = None,
    source: PairSource = PairSource.MANUAL,
) -> Pair:
    """Rule 7: two distinct active people, cadence within policy, one live pair per kind."""
    check_admin(ctx.caller, "create pairs")
    policy = await ctx.uow.policies.get(ctx.org_id)
    lead = await visible_records.referenced_person(ctx, lead_id, "lead_id")
    member = await visible_records.referenced_person(ctx, member_id, "member_id")
    cadence = policy.target_cadence_days if cadence_days is None else cadence_days
    duration = policy.default_duration_minutes if duration_minutes is None else duration_minutes
    check_new_pair(lead, member, cadence, policy)
    policy.check_duration(duration)
    if await ctx.uow.pairs.find_live(ctx.org_id, lead_id, member_id, kind) is not None:
        raise StateConflict(
            f"These two people already have a {kind.value} pair that has not ended.",
            code="duplicate_pair",
        )
    pair = _new_pair(ctx, lead_id, member_id, kind, cadence, duration, source)
    await ctx.uow.pairs.add(pair)
    return pair


def reporting_pair(ctx: ServiceContext, lead_id: UUID, member_id: UUID, policy: Policy) -> Pair:
    """Rule 8: a reporting line's pair, at the policy's target cadence and default duration
    (both within the policy, which keeps them consistent)."""
    return _new_pair(
        ctx,
        lead_id,
        member_id,
        PairKind.MANAGER_REPORT,
        policy.target_cadence_days,
        policy.default_duration_minutes,
        PairSource.REPORTING_LINE,
    )


def _new_pair(
    ctx: ServiceContext,
    lead_id: UUID,
    member_id: UUID,
    kind: PairKind,
    cadence: int,
    duration: int,
    source: PairSource,
) -> Pair:
    return Pair(
        id=new_id(),
        org_id=ctx.org_id,
        lead_id=lead_id,
        member_id=member_id,
        kind=kind,
        cadence_days=cadence,
        duration_minutes=duration,
        status=PairStatus.ACTIVE,
        source=source,
        started_at=ctx.now,
        ended_at=None,
        ended_reason=None,
        created_at=ctx.now,
        updated_at=ctx.now,
    )


async def update_pair(
    ctx: ServiceContext, pair_id: UUID, changes: dict[str, Any], expected: Expected | None = None
) -> Pair:
    """Edit cadence and default duration within policy, or pause and resume; ended pairs
    do not change. Pausing cancels the pair's future meetings (a system cancellation)."""
    pair = await visible_records.managed_pair(ctx, pair_id)
    check_version("pair", pair.version, expected)
    policy = await ctx.uow.policies.get(ctx.org_id)
    check_version_given("pair", expected, required=policy.require_if_match)
    if pair.status is PairStatus.ENDED:
        raise StateConflict("This pair has ended; it no longer changes.", code="pair_ended")
    if (status := changes.get("status")) is not None:
        pair.set_active(status is PairStatus.ACTIVE, ctx.now)
        if status is PairStatus.PAUSED:
            await _cancel_future_meetings(ctx, [pair.id], SystemCancelReason.PAIR_PAUSED)
    if (cadence := changes.get("cadence_days")) is not None:
        policy.check_cadence(cadence)
        pair.cadence_days = cadence
    if (duration := changes.get("duration_minutes")) is not None:
        policy.check_duration(duration)
        pair.duration_minutes = duration
    pair.updated_at = ctx.now
    await versions.save(ctx, ctx.uow.pairs, pair, "pair", expected)
    return pair


async def end_pair(ctx: ServiceContext, pair_id: UUID, reason: str) -> Pair:
    """Rule 7: ending a pair cancels its future meetings (a system cancellation)."""
    pair = await visible_records.managed_pair(ctx, pair_id)
    await end_pairs(ctx, [(pair, reason)])
    return pair


async def end_pairs(ctx: ServiceContext, ends: Sequence[tuple[Pair, str]]) -> None:
    """Rule 7 for any number of pairs at once: each ends and its future meetings are
    canceled by the system, written in batches."""
    if not ends:
        return
    for pair, reason in ends:
        pair.end(ctx.now, reason)
    await ctx.uow.pairs.save_many([pair for pair, _ in ends])
    await _cancel_future_meetings(ctx, [pair.id for pair, _ in ends], SystemCancelReason.PAIR_ENDED)


async def _cancel_future_meetings(
    ctx: ServiceContext, pair_ids: Sequence[UUID], reason: SystemCancelReason
) -> None:
    meetings = await ctx.uow.meetings.future_scheduled_of_pairs(ctx.org_id, pair_ids, ctx.now)
    for meeting in meetings:
        cancel_by_system(meeting, reason, ctx.now)
    await ctx.uow.meetings.save_many(meetings)
    data: dict[str, object] = {"reason": reason.value, "by_system": True}
    await ctx.uow.meeting_events.add_many(
        [history_line(ctx, m.id, MeetingEventKind.CANCELED, data) for m in meetings]
    )


async def list_pairs(ctx: ServiceContext, filters: PairFilter, request: PageRequest) -> Page[Pair]:
    caller = ctx.caller
    if caller.person is not None and not caller.is_admin_person:
        below = await ctx.uow.people.below(ctx.org_id, caller.person.id)
        filters = replace(filters, visible_to=caller.person.id, visible_leads=tuple(below))
    grace_days = 0
    if filters.cadence_state is not None:
        grace_days = (await ctx.uow.policies.get(ctx.org_id)).grace_days
    return await ctx.uow.pairs.list_page(
        ctx.org_id, filters, request, now=ctx.now, grace_days=grace_days
    )
