"""Meetings: scheduling, rescheduling, cancelling, completing and rating 1:1s."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import Response

from app.api.access import ContentRead, ContentWrite, MeetingsRead, MeetingsWrite
from app.api.problems import problem_responses
from app.api.rest.entity_tags import IfMatch, IfNoneMatch, not_modified, tagged, with_etag
from app.api.rest.links import CREATED_ID, links, to
from app.api.rest.meeting_output import meeting_out, meeting_response, meetings_page
from app.api.rest.responses import Paging, many, one
from app.api.schemas.common import Instant, PageOut
from app.api.schemas.meetings import (
    CancellationOut,
    CompletionOut,
    MeetingCancel,
    MeetingComplete,
    MeetingCreate,
    MeetingEventOut,
    MeetingOut,
    MeetingUpdate,
    RatingCreate,
    RatingOut,
)
from app.domain.meetings import MeetingStatus
from app.domain.queries import MeetingFilter
from app.services import meeting_lifecycle as lifecycle
from app.services import meetings as service
from app.services import ratings, visible_records
from app.services.meeting_views import view, visible_view, with_follow_up

router = APIRouter(prefix="/v1/meetings", tags=["meetings"])

SLOT_PROBLEMS = (
    "meeting_in_past",
    "naive_timestamp",
    "duration_out_of_policy",
    "schedule_conflict",
)


@router.post(
    "",
    operation_id="meetings-create",
    status_code=201,
    response_model=MeetingOut,
    responses=with_etag(
        {
            **problem_responses("pair_not_active", "unknown_reference", *SLOT_PROBLEMS),
            **links(
                201,
                GetMeeting=to("meetings-get", meeting_id=CREATED_ID),
                RescheduleMeeting=to("meetings-reschedule", meeting_id=CREATED_ID),
                CancelMeeting=to("meetings-cancel", meeting_id=CREATED_ID),
                CompleteMeeting=to("meetings-complete", meeting_id=CREATED_ID),
                MeetingHistory=to("meetings-history", meeting_id=CREATED_ID),
                AddAgendaItem=to("agenda-items-create", meeting_id=CREATED_ID),
                ApplyTemplate=to("agenda-items-apply-template", meeting_id=CREATED_ID),
                AddNote=to("notes-create", meeting_id=CREATED_ID),
            ),
        },
        201,
    ),
)
async def schedule_meeting(body: MeetingCreate, ctx: MeetingsWrite) -> Response:
    """Schedule a meeting of an active pair, free of overlaps for both people; agenda items
    left open on the pair's closed meetings are carried over to it."""
    meeting = await service.schedule_meeting(ctx, **body.model_dump())
    return meeting_response(await view(ctx, meeting), status=201)


@router.get(
    "",
    operation_id="meetings-list",
    response_model=PageOut[MeetingOut],
    responses=problem_responses("invalid_cursor"),
)
async def list_meetings(
    ctx: MeetingsRead,
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
    page = await service.list_meetings(ctx, filters, paging)
    return meetings_page(await with_follow_up(ctx, page.items), page.next_cursor)


@router.get(
    "/{meeting_id}",
    operation_id="meetings-get",
    response_model=MeetingOut,
    responses=with_etag(problem_responses("not_found"), conditional_read=True),
)
async def get_meeting(
    meeting_id: UUID, ctx: MeetingsRead, if_none_match: IfNoneMatch = None
) -> Response:
    """One meeting, with the pair's open commitments to follow up on."""
    # Read together; with If-None-Match, the meeting first and the follow-up only for an
    # answer that is not 304.
    if if_none_match is None:
        return meeting_response(await visible_view(ctx, meeting_id))
    meeting = await visible_records.meeting(ctx, meeting_id)
    return not_modified(if_none_match, meeting.version) or meeting_response(
        await view(ctx, meeting)
    )


@router.patch(
    "/{meeting_id}",
    operation_id="meetings-reschedule",
    response_model=MeetingOut,
    responses=with_etag(
        problem_responses(
            "not_found",
            "meeting_closed",
            "pair_not_active",
            "nothing_to_change",
            "null_field",
            "precondition_failed",
            "precondition_required",
            *SLOT_PROBLEMS,
        )
    ),
)
async def reschedule_meeting(
    meeting_id: UUID, body: MeetingUpdate, ctx: MeetingsWrite, expected: IfMatch
) -> Response:
    """Reschedule: new start and/or duration, same checks as scheduling; the count and the
    original start are kept."""
    meeting = await lifecycle.reschedule_meeting(
        ctx,
        meeting_id,
        starts_at=body.starts_at,
        duration_minutes=body.duration_minutes,
        expected=expected,
    )
    return meeting_response(await view(ctx, meeting))


@router.post(
    "/{meeting_id}/cancel",
    operation_id="meetings-cancel",
    response_model=CancellationOut,
    responses=with_etag(
        problem_responses(
            "not_yourself",
            "not_found",
            "meeting_closed",
            "not_a_participant",
            "precondition_failed",
        )
    ),
)
async def cancel_meeting(
    meeting_id: UUID, body: MeetingCancel, ctx: MeetingsWrite, expected: IfMatch
) -> Response:
    """Cancel with a reason; open and deferred agenda items move to the pair's next meeting
    (or to the next one it schedules). The ETag is the canceled meeting's."""
    result = await lifecycle.cancel_meeting(ctx, meeting_id, **body.model_dump(), expected=expected)
    out = CancellationOut(
        meeting=meeting_out(await view(ctx, result.meeting)),
        late=result.late,
        carried_items=result.carried_items,
        carried_to_meeting_id=result.carried_to.id if result.carried_to else None,
    )
    response = Response(out.model_dump_json(), media_type="application/json")
    return tagged(response, result.meeting.version)


@router.post(
    "/{meeting_id}/complete",
    operation_id="meetings-complete",
    response_model=CompletionOut,
    responses=with_etag(
        {
            **problem_responses(
                "not_found",
                "meeting_closed",
                "meeting_not_started",
                "not_on_agenda",
                "precondition_failed",
            ),
            **links(
                200,
                GetNextMeeting=to("meetings-get", meeting_id="$response.body#/next_meeting/id"),
                RateMeeting=to("ratings-create", meeting_id="$response.body#/meeting/id"),
                ListRatings=to("ratings-list", meeting_id="$response.body#/meeting/id"),
            ),
        }
    ),
)
async def complete_meeting(
    meeting_id: UUID, body: MeetingComplete, ctx: MeetingsWrite, expected: IfMatch
) -> Response:
    """Complete (from 15 minutes before the start); the next meeting is booked on cadence if
    none is, and undiscussed items are carried over to it. The ETag is the completed
    meeting's."""
    result = await lifecycle.complete_meeting(
        ctx, meeting_id, **body.model_dump(), expected=expected
    )
    meetings = [result.meeting] + ([result.next_meeting] if result.next_meeting else [])
    views = await with_follow_up(ctx, meetings)
    out = CompletionOut(
        meeting=meeting_out(views[0]),
        next_meeting=meeting_out(views[1]) if len(views) > 1 else None,
        next_meeting_reason=result.next_meeting_reason,
        carried_items=result.carried_items,
    )
    response = Response(out.model_dump_json(), media_type="application/json")
    return tagged(response, result.meeting.version)


@router.get(
    "/{meeting_id}/history",
    operation_id="meetings-history",
    response_model=PageOut[MeetingEventOut],
    responses=problem_responses("not_found", "invalid_cursor"),
)
async def meeting_history(meeting_id: UUID, ctx: MeetingsRead, paging: Paging) -> Response:
    """Every change of the meeting, oldest first, with who made it and when."""
    return many(MeetingEventOut, await service.meeting_history(ctx, meeting_id, paging))


@router.post(
    "/{meeting_id}/ratings",
    operation_id="ratings-create",
    status_code=201,
    response_model=RatingOut,
    responses={
        200: {
            "description": "An earlier rating was replaced (`replace: true`).",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RatingOut"}}},
        },
        **problem_responses(
            "not_yourself",
            "not_found",
            "meeting_not_completed",
            "not_a_participant",
            "already_rated",
        ),
    },
)
async def rate_meeting(meeting_id: UUID, body: RatingCreate, ctx: ContentWrite) -> Response:
    """A participant rates a completed meeting from 1 to 5, once (or replaces it)."""
    rating, created = await ratings.rate(ctx, meeting_id, **body.model_dump())
    if created:
        return one(RatingOut, rating, status=201, location=f"/v1/meetings/{meeting_id}/ratings")
    return one(RatingOut, rating)


@router.get(
    "/{meeting_id}/ratings",
    operation_id="ratings-list",
    response_model=PageOut[RatingOut],
    responses=problem_responses("not_found", "invalid_cursor"),
)
async def list_ratings(meeting_id: UUID, ctx: ContentRead, paging: Paging) -> Response:
    """Ratings of the meeting, oldest first."""
    return many(RatingOut, await ratings.list_ratings(ctx, meeting_id, paging))
