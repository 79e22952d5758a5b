"""Meetings of a pair and the scheduling rule (rule 1)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from uuid import UUID

from app.domain.errors import InvalidInput, StateConflict
from app.domain.pairs import Pair, PairStatus
from app.domain.policy import Policy
from app.domain.versions import FIRST_VERSION

# No meeting lasts longer than a day (the API's and the policy's upper bound), so only
# meetings starting less than a day before an interval can reach into it.
LONGEST_MEETING_MINUTES = 24 * 60


class MeetingStatus(StrEnum):
    SCHEDULED = "scheduled"
    COMPLETED = "completed"
    CANCELED = "canceled"


class MeetingEventKind(StrEnum):
    SCHEDULED = "scheduled"
    RESCHEDULED = "rescheduled"
    CANCELED = "canceled"
    COMPLETED = "completed"
    ITEMS_CARRIED_OVER = "items_carried_over"


@dataclass(slots=True)
class Meeting:
    id: UUID
    org_id: UUID
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
    created_at: datetime
    updated_at: datetime
    version: int = FIRST_VERSION

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    def check_open(self) -> None:
        """Rule 5: only scheduled meetings change."""
        if self.status is not MeetingStatus.SCHEDULED:
            raise StateConflict(
                f"This meeting is {self.status.value}; only scheduled meetings can change.",
                code="meeting_closed",
                meeting_status=self.status.value,
            )

    def check_accepts_records(self) -> None:
        """Rule 5: notes and commitments may follow a held meeting, never a canceled one."""
        if self.status is MeetingStatus.CANCELED:
            raise StateConflict(
                "This meeting was canceled; it takes no more notes.",
                code="meeting_closed",
                meeting_status=self.status.value,
            )


@dataclass(slots=True)
class MeetingEvent:
    """One line of a meeting's history."""

    id: UUID
    org_id: UUID
    meeting_id: UUID
    kind: MeetingEventKind
    at: datetime
    actor_person_id: UUID | None
    actor_key_id: UUID | None
    data: dict[str, Any] = field(default_factory=dict)


def overlaps(a_start: datetime, a_minutes: int, b_start: datetime, b_minutes: int) -> bool:
    """Two half-open intervals [start, start + minutes) share an instant."""
    return a_start < b_start + timedelta(minutes=b_minutes) and b_start < a_start + timedelta(
        minutes=a_minutes
    )


def check_schedulable(
    pair: Pair,
    starts_at: datetime,
    duration_minutes: int,
    policy: Policy,
    now: datetime,
    scheduled_of_either: Iterable[Meeting],
    *,
    ignore_meeting_id: UUID | None = None,
) -> None:
    """Rule 1: an active pair, a timezone-aware future start, a duration within policy,
    and no overlapping scheduled meeting for either person across all their pairs."""
    if pair.status is not PairStatus.ACTIVE:
        raise StateConflict(
            f"The pair is {pair.status.value}; only active pairs schedule meetings.",
            code="pair_not_active",
            pair_status=pair.status.value,
        )
    if starts_at.tzinfo is None or starts_at.utcoffset() is None:
        raise InvalidInput(
            "starts_at needs a timezone offset (RFC 3339, e.g. 2026-01-05T09:00:00Z).",
            code="naive_timestamp",
        )
    if starts_at <= now:
        raise InvalidInput(
            "starts_at must be in the future.", code="meeting_in_past", now=now.isoformat()
        )
    policy.check_duration(duration_minutes)
    for other in scheduled_of_either:
        if other.id == ignore_meeting_id or other.status is not MeetingStatus.SCHEDULED:
            continue
        if overlaps(starts_at, duration_minutes, other.starts_at, other.duration_minutes):
            raise StateConflict(
                f"One of the two people already has meeting {other.id} at"
                f" {other.starts_at.isoformat()} for {other.duration_minutes} minutes.",
                code="schedule_conflict",
                conflicting_meeting_id=str(other.id),
            )
