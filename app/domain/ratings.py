"""A participant's rating of a held meeting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from app.domain.errors import StateConflict
from app.domain.meetings import Meeting, MeetingStatus


@dataclass(slots=True)
class Rating:
    id: UUID
    org_id: UUID
    meeting_id: UUID
    person_id: UUID
    score: int
    comment: str | None
    created_at: datetime
    updated_at: datetime


def check_ratable(meeting: Meeting) -> None:
    """Only a held (completed) meeting can be rated."""
    if meeting.status is not MeetingStatus.COMPLETED:
        raise StateConflict(
            f"This meeting is {meeting.status.value}; only completed meetings are rated.",
            code="meeting_not_completed",
        )


def check_replaceable(existing: Rating | None, replace: bool) -> None:
    """One rating per participant; a second one replaces the first only when asked to."""
    if existing is not None and not replace:
        raise StateConflict(
            "This person already rated this meeting; send replace: true to change the rating.",
            code="already_rated",
            rating_id=str(existing.id),
        )
