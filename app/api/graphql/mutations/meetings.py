"""Scheduling, rescheduling, cancelling, completing and rating meetings."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import strawberry

from app.api.graphql.mutations.inputs import derived_input, read
from app.api.graphql.mutations.running import IF_VERSION, expected_version, mutation
from app.api.graphql.problems import (
    MeetingClosed,
    MeetingNotStarted,
    NotFoundProblem,
    PairNotActive,
    PermissionProblem,
    ScheduleConflict,
    StateConflictProblem,
    ValidationProblem,
)
from app.api.graphql.types.meetings import Meeting, Rating, meeting_node, rating_node
from app.api.schemas.meetings import (
    MeetingCancel,
    MeetingComplete,
    MeetingCreate,
    MeetingUpdate,
    RatingCreate,
)
from app.domain.access import Scope
from app.domain.meetings import Meeting as DomainMeeting
from app.domain.ratings import Rating as DomainRating
from app.services import meeting_lifecycle as lifecycle
from app.services import meetings as service
from app.services import ratings
from app.services.context import ServiceContext
from app.services.meeting_lifecycle import Cancellation, Completion


@derived_input(MeetingCreate)
class ScheduleMeetingInput:
    pair_id: UUID  # read before the model, for the audit line
    starts_at: datetime  # the model's AwareDatetime is the DateTime scalar


@derived_input(MeetingUpdate, description="A new start, a new duration, or both.")
class RescheduleMeetingInput:
    id: UUID
    starts_at: datetime | None  # the model's AwareDatetime is the DateTime scalar
    if_version: int | None = strawberry.field(default=None, description=IF_VERSION)


@derived_input(MeetingCancel)
class CancelMeetingInput:
    id: UUID
    if_version: int | None = strawberry.field(default=None, description=IF_VERSION)


@derived_input(MeetingComplete)
class CompleteMeetingInput:
    id: UUID
    if_version: int | None = strawberry.field(default=None, description=IF_VERSION)


@derived_input(RatingCreate)
class RateMeetingInput:
    meeting_id: UUID


@strawberry.type
class MeetingSuccess:
    meeting: Meeting


@strawberry.type
class CancellationSuccess:
    meeting: Meeting
    late: bool = strawberry.field(description="Canceled later than the policy's lateCancelHours.")
    carried_items: int
    carried_to: Meeting | None = strawberry.field(description="Where open items moved.")


@strawberry.type
class CompletionSuccess:
    meeting: Meeting
    next_meeting: Meeting | None = strawberry.field(description="Booked on cadence if needed.")
    next_meeting_reason: str | None = strawberry.field(
        description="Why there is none: pair_not_active, no_free_slot or duration_out_of_policy."
    )
    carried_items: int


@strawberry.type
class RatingSuccess:
    rating: Rating
    replaced: bool = strawberry.field(description="An earlier rating was replaced.")


ScheduleMeetingResult = Annotated[
    MeetingSuccess
    | ScheduleConflict
    | PairNotActive
    | ValidationProblem
    | NotFoundProblem
    | PermissionProblem
    | StateConflictProblem,
    strawberry.union("ScheduleMeetingResult"),
]
RescheduleMeetingResult = Annotated[
    MeetingSuccess
    | ScheduleConflict
    | PairNotActive
    | MeetingClosed
    | ValidationProblem
    | NotFoundProblem
    | PermissionProblem
    | StateConflictProblem,
    strawberry.union("RescheduleMeetingResult"),
]
CancelMeetingResult = Annotated[
    CancellationSuccess
    | MeetingClosed
    | ValidationProblem
    | NotFoundProblem
    | PermissionProblem
    | StateConflictProblem,
    strawberry.union("CancelMeetingResult"),
]
CompleteMeetingResult = Annotated[
    CompletionSuccess
    | MeetingClosed
    | MeetingNotStarted
    | ValidationProblem
    | NotFoundProblem
    | PermissionProblem
    | StateConflictProblem,
    strawberry.union("CompleteMeetingResult"),
]
RateMeetingResult = Annotated[
    RatingSuccess | ValidationProblem | NotFoundProblem | PermissionProblem | StateConflictProblem,
    strawberry.union("RateMeetingResult"),
]


def _meeting(meeting: DomainMeeting) -> MeetingSuccess:
    return MeetingSuccess(meeting=meeting_node(meeting))


def _cancellation(result: Cancellation) -> CancellationSuccess:
    return CancellationSuccess(
        meeting=meeting_node(result.meeting),
        late=result.late,
        carried_items=result.carried_items,
        carried_to=None if result.carried_to is None else meeting_node(result.carried_to),
    )


def _completion(result: Completion) -> CompletionSuccess:
    return CompletionSuccess(
        meeting=meeting_node(result.meeting),
        next_meeting=None if result.next_meeting is None else meeting_node(result.next_meeting),
        next_meeting_reason=result.next_meeting_reason,
        carried_items=result.carried_items,
    )


def _rating(rated: tuple[DomainRating, bool]) -> RatingSuccess:
    rating, is_new = rated
    return RatingSuccess(rating=rating_node(rating), replaced=not is_new)


@mutation(
    "Schedule a meeting of an active pair, free of overlaps for both people (meetings:write).",
    scope=Scope.MEETINGS_WRITE,
    result=ScheduleMeetingResult,
    success=_meeting,
    audit=lambda input: {"pair_id": input.pair_id},
)
async def schedule_meeting(ctx: ServiceContext, input: ScheduleMeetingInput) -> DomainMeeting:
    body = read(input, MeetingCreate)
    return await service.schedule_meeting(ctx, **body.model_dump())


@mutation(
    "New start and/or duration under the scheduling checks (meetings:write).",
    scope=Scope.MEETINGS_WRITE,
    result=RescheduleMeetingResult,
    success=_meeting,
    audit=lambda input: {"meeting_id": input.id},
)
async def reschedule_meeting(ctx: ServiceContext, input: RescheduleMeetingInput) -> DomainMeeting:
    body = read(input, MeetingUpdate)
    return await lifecycle.reschedule_meeting(
        ctx,
        input.id,
        starts_at=body.starts_at,
        duration_minutes=body.duration_minutes,
        expected=expected_version(input.if_version),
    )


@mutation(
    "Cancel with a reason; open items move to the pair's next meeting (meetings:write).",
    scope=Scope.MEETINGS_WRITE,
    result=CancelMeetingResult,
    success=_cancellation,
    audit=lambda input: {"meeting_id": input.id},
)
async def cancel_meeting(ctx: ServiceContext, input: CancelMeetingInput) -> Cancellation:
    body = read(input, MeetingCancel)
    return await lifecycle.cancel_meeting(
        ctx, input.id, **body.model_dump(), expected=expected_version(input.if_version)
    )


@mutation(
    "Complete from 15 minutes before the start; the next"
    " meeting is booked on cadence if none is (meetings:write).",
    scope=Scope.MEETINGS_WRITE,
    result=CompleteMeetingResult,
    success=_completion,
    audit=lambda input: {"meeting_id": input.id},
)
async def complete_meeting(ctx: ServiceContext, input: CompleteMeetingInput) -> Completion:
    body = read(input, MeetingComplete)
    return await lifecycle.complete_meeting(
        ctx, input.id, **body.model_dump(), expected=expected_version(input.if_version)
    )


@mutation(
    "A participant rates a completed meeting once, or replaces it (content:write).",
    scope=Scope.CONTENT_WRITE,
    result=RateMeetingResult,
    success=_rating,
    audit=lambda input: {"meeting_id": input.meeting_id},
)
async def rate_meeting(ctx: ServiceContext, input: RateMeetingInput) -> tuple[DomainRating, bool]:
    body = read(input, RatingCreate)
    return await ratings.rate(ctx, input.meeting_id, **body.model_dump())


MUTATIONS = (schedule_meeting, reschedule_meeting, cancel_meeting, complete_meeting, rate_meeting)
