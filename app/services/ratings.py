"""Ratings of held meetings: one per participant, replaceable on request."""

from __future__ import annotations

from uuid import UUID

from app.domain.paging import Page, PageRequest
from app.domain.privacy import acting_person
from app.domain.ratings import Rating, check_ratable, check_replaceable
from app.services import visible_records
from app.services.context import ServiceContext, new_id


async def rate(
    ctx: ServiceContext,
    meeting_id: UUID,
    *,
    person_id: UUID | None,
    score: int,
    comment: str | None,
    replace: bool,
) -> tuple[Rating, bool]:
    """Returns the rating and whether it is new (else it replaced an earlier one)."""
    meeting = await visible_records.meeting(ctx, meeting_id, for_update=True)
    check_ratable(meeting)
    rater = acting_person(ctx.caller, person_id, "person_id")
    pair = await visible_records.content_pair(ctx, meeting.pair_id, "meeting", meeting.id)
    pair.check_participant(rater, "person_id")
    existing = await ctx.uow.ratings.of_person(ctx.org_id, meeting.id, rater)
    check_replaceable(existing, replace)
    if existing is not None:
        existing.score = score
        existing.comment = comment
        existing.updated_at = ctx.now
        await ctx.uow.ratings.save(existing)
        return existing, False
    rating = Rating(new_id(), ctx.org_id, meeting.id, rater, score, comment, ctx.now, ctx.now)
    await ctx.uow.ratings.add(rating)
    return rating, True


async def list_ratings(ctx: ServiceContext, meeting_id: UUID, request: PageRequest) -> Page[Rating]:
    await visible_records.meeting(ctx, meeting_id)
    ctx.returns_content()
    return await ctx.uow.ratings.list_for_meeting(ctx.org_id, meeting_id, request)
