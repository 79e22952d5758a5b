"""Meeting models."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from pydantic import Field, Strict

from app.api.schemas.common import (
    NOT_NULL,
    WHOLE_NUMBER,
    Changes,
    Flag,
    Input,
    Instant,
    Output,
    Resource,
    text_rules,
)
from app.api.schemas.content import CommitmentOut
from app.api.schemas.pairs import DurationMinutes
from app.domain.meeting_lifecycle import CancelReason
from app.domain.meetings import MeetingEventKind, MeetingStatus


class MeetingCreate(Input):
    pair_id: UUID
    starts_at: Instant = Field(description="RFC 3339 with an offset; in the future.")
    duration_minutes: DurationMinutes | None = Field(
        default=None, description="Defaults to the pair's duration_minutes."
    )


class MeetingUpdate(Changes):
    """Rescheduling: a new start, a new duration, or both."""

    starts_at: Annotated[Instant | None, NOT_NULL] = Field(
        default=None, description="RFC 3339 with an offset; in the future."
    )
    duration_minutes: Annotated[DurationMinutes | None, NOT_NULL] = None


class MeetingCancel(Input):
    canceled_by_id: UUID | None = Field(
        default=None,
        description="The participant who cancels; required for service keys, the signed-in"
        " person for person tokens.",
    )
    reason: CancelReason


class MeetingComplete(Input):
    actual_minutes: Annotated[int, Strict(), Field(ge=1, le=1440), WHOLE_NUMBER] | None = Field(
        default=None, description="How long the meeting really took."
    )
    discussed_item_ids: Annotated[list[UUID], Field(max_length=500)] = Field(
        default_factory=list,
        description="Agenda items that were discussed; the other open or deferred items are"
        " carried over to the next meeting.",
    )


class RatingCreate(Input):
    person_id: UUID | None = Field(
        default=None,
        description="The participant who rates; required for service keys, the signed-in"
        " person for person tokens.",
    )
    score: Annotated[int, Strict(), Field(ge=1, le=5), WHOLE_NUMBER]
    comment: Annotated[str, text_rules(max_length=2000)] | None = None
    replace: Flag = Field(default=False, description="Replace this person's earlier rating.")


class RatingOut(Resource):
    meeting_id: UUID
    person_id: UUID
    score: int
    comment: str | None


class MeetingOut(Resource):
    pair_id: UUID
    starts_at: datetime
    duration_minutes: int
    status: MeetingStatus
    reschedule_count: int
    original_starts_at: datetime
    canceled_at: datetime | None
    canceled_by_id: UUID | None
    cancel_reason: str | None
    completed_at: datetime | None
    actual_minutes: int | None
    follow_up: list[CommitmentOut] = Field(
        description="The pair's open commitments made before this meeting (rule 6), oldest"
        " first, at most 20; empty for service keys without content:read."
    )


class CancellationOut(Output):
    meeting: MeetingOut
    late: bool = Field(description="Canceled less than the policy's late_cancel_hours before.")
    carried_items: int = Field(description="Agenda items moved to carried_to_meeting_id.")
    carried_to_meeting_id: UUID | None


class CompletionOut(Output):
    meeting: MeetingOut
    next_meeting: MeetingOut | None = Field(
        description="The pair's next meeting, booked if needed."
    )
    next_meeting_reason: str | None = Field(
        description="Why there is no next meeting: pair_not_active, no_free_slot or"
        " duration_out_of_policy."
    )
    carried_items: int


class MeetingEventOut(Output):
    id: UUID
    meeting_id: UUID
    kind: MeetingEventKind
    at: datetime
    actor_person_id: UUID | None
    actor_key_id: UUID | None
    data: dict[str, Any]
