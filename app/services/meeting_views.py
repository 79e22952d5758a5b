"""Meetings as clients see them: with the pair's open commitments to follow up on."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from uuid import UUID

from app.domain.commitments import Commitment, follow_up_for
from app.domain.meetings import Meeting
from app.domain.privacy import may_read_content
from app.services import visible_records
from app.services.context import ServiceContext

# A meeting shows at most this many follow-ups (oldest first); the rest are listed by
# GET /v1/commitments?pair_id=…&status=open.
FOLLOW_UP_LIMIT = 20


@dataclass(frozen=True, slots=True)
class MeetingView:
    meeting: Meeting
    follow_up: list[Commitment]


async def with_follow_up(ctx: ServiceContext, meetings: list[Meeting]) -> list[MeetingView]:
    """One query for the open commitments of every pair on the page (no N+1); none for a
    caller who may not read content. The follow-up is content."""
    by_pair: dict[object, list[Commitment]] = defaultdict(list)
    if meetings and may_read_content(ctx.caller):
        ctx.returns_content()
        pair_ids = sorted({meeting.pair_id for meeting in meetings}, key=str)
        for commitment in await ctx.uow.commitments.open_of_pairs(ctx.org_id, pair_ids):
            by_pair[commitment.pair_id].append(commitment)
    return [_view(meeting, by_pair[meeting.pair_id]) for meeting in meetings]


async def visible_view(ctx: ServiceContext, meeting_id: UUID) -> MeetingView:
    """One meeting the caller may see, with its follow-up: `visible_records.meeting` and
    `view` in one statement for a caller who may read content (the meeting and its pair's
    open commitments together)."""
    if not may_read_content(ctx.caller):
        return await view(ctx, await visible_records.meeting(ctx, meeting_id))
    found = await ctx.uow.commitments.meeting_with_open_of_its_pair(ctx.org_id, meeting_id)
    meeting, open_commitments = found if found is not None else (None, [])
    visible = await visible_records.meeting_if_visible(ctx, meeting_id, meeting)
    ctx.returns_content()
    return _view(visible, open_commitments)


def _view(meeting: Meeting, open_of_its_pair: list[Commitment]) -> MeetingView:
    """A meeting with the first of its pair's open commitments to follow up on."""
    follow_up = follow_up_for(meeting.id, meeting.starts_at, open_of_its_pair)
    return MeetingView(meeting, follow_up[:FOLLOW_UP_LIMIT])


async def view(ctx: ServiceContext, meeting: Meeting) -> MeetingView:
    (single,) = await with_follow_up(ctx, [meeting])
    return single
