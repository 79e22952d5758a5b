"""Meetings: scheduling and reading 1:1s."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import Response

from app.api.access import MeetingsRead, MeetingsWrite
from app.api.problems import problem_responses
from app.api.rest.responses import Paging, many, one
from app.api.rest.schemas.common import Instant, PageOut
from app.api.rest.schemas.meetings import MeetingCreate, MeetingEventOut, MeetingOut
from app.domain.meetings import MeetingStatus
from app.persistence.repositories.meetings import MeetingFilter
from app.services import lookups
from app.services import meetings as service

router = APIRouter(prefix="/v1/meetings", tags=["meetings"])


@router.post(
    "",
    operation_id="meetings-create",
    status_code=201,
    response_model=MeetingOut,
    responses=problem_responses(
        "pair_not_active",
        "meeting_in_past",
        "naive_timestamp",
        "duration_out_of_policy",
        "schedule_conflict",
        "unknown_reference",
    ),
)
async def schedule_meeting(body: MeetingCreate, uc: MeetingsWrite) -> Response:
    """Schedule a meeting of an active pair, free of overlaps for both people."""
    meeting = await service.schedule_meeting(uc, **body.model_dump())
    return one(MeetingOut, meeting, status=201, location=f"/v1/meetings/{meeting.id}")


@router.get(
    "",
    operation_id="meetings-list",
    response_model=PageOut[MeetingOut],
    responses=problem_responses("invalid_cursor"),
)
async def list_meetings(
    uc: MeetingsRead,
    paging: Paging,
    pair_id: UUID | None = None,
    person_id: UUID | None = None,
    status: MeetingStatus | None = None,
    starts_after: Instant | None = None,
    starts_before: Instant | None = None,
    updated_since: Instant | None = None,
) -> Response:
    """Meetings in start order (sort key `starts_at`, then `id`)."""
    filters = MeetingFilter(pair_id, person_id, status, starts_after, starts_before, updated_since)
    return many(MeetingOut, await service.list_meetings(uc, filters, paging))


@router.get(
    "/{meeting_id}",
    operation_id="meetings-get",
    response_model=MeetingOut,
    responses=problem_responses("not_found"),
)
async def get_meeting(meeting_id: UUID, uc: MeetingsRead) -> Response:
    """One meeting."""
    return one(MeetingOut, await lookups.meeting(uc, meeting_id))


@router.get(
    "/{meeting_id}/history",
    operation_id="meetings-history",
    response_model=PageOut[MeetingEventOut],
    responses=problem_responses("not_found", "invalid_cursor"),
)
async def meeting_history(meeting_id: UUID, uc: MeetingsRead, paging: Paging) -> Response:
    """Every change of the meeting, oldest first, with who made it and when."""
    return many(MeetingEventOut, await service.meeting_history(uc, meeting_id, paging))
