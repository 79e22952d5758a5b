"""Meeting models."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import Field

from app.api.rest.schemas.common import Input, Instant, Output, Resource
from app.api.rest.schemas.pairs import DurationMinutes
from app.domain.meetings import MeetingEventKind, MeetingStatus


class MeetingCreate(Input):
    pair_id: UUID
    starts_at: Instant = Field(description="RFC 3339 with an offset; in the future.")
    duration_minutes: DurationMinutes | None = Field(
        default=None, description="Defaults to the pair's duration_minutes."
    )


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


class MeetingEventOut(Output):
    id: UUID
    meeting_id: UUID
    kind: MeetingEventKind
    at: datetime
    actor_person_id: UUID | None
    actor_key_id: UUID | None
    data: dict[str, Any]
