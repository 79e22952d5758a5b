"""Rescheduling, cancelling and completing a meeting (rules 2–4), and the next booking."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID

from app.domain.errors import DomainError, StateConflict
from app.domain.meetings import Meeting, MeetingStatus, check_schedulable
from app.domain.pairs import Pair, PairStatus
from app.domain.policy import Policy

# Rule 4: a meeting can be completed from 15 minutes before its start.
EARLY_COMPLETION = timedelta(minutes=15)
# Rule 4: how many cadence steps to try when booking the next meeting.
NEXT_MEETING_CANDIDATES = 10


class CancelReason(StrEnum):
    """Why a person canceled (rule 3)."""

    CONFLICT = "conflict"
    ILLNESS = "illness"
    OUT_OF_OFFICE = "out_of_office"
    NO_TOPICS = "no_topics"
    EMERGENCY = "emergency"
    OTHER = "other"


class SystemCancelReason(StrEnum):
    """Why the system canceled: no person did, so these are not cancellations in metrics."""

    PAIR_ENDED = "pair_ended"
    PAIR_PAUSED = "pair_paused"


def reschedule(
    meeting: Meeting,
    pair: Pair,
    starts_at: datetime,
    duration_minutes: int,
    policy: Policy,
    now: datetime,
    scheduled_of_either: Iterable[Meeting],
) -> dict[str, object]:
    """Rule 2: same checks as scheduling; the first start is kept as original_starts_at.

    Returns the change, for the meeting's history."""
    meeting.check_open()
    check_schedulable(
        pair,
        starts_at,
        duration_minutes,
        policy,
        now,
        scheduled_of_either,
        ignore_meeting_id=meeting.id,
    )
    change: dict[str, object] = {
        "from": meeting.starts_at.isoformat(),
        "to": starts_at.isoformat(),
        "from_duration_minutes": meeting.duration_minutes,
        "to_duration_minutes": duration_minutes,
    }
    meeting.starts_at = starts_at
    meeting.duration_minutes = duration_minutes
    meeting.reschedule_count += 1
    meeting.updated_at = now
    return change


def is_late_cancellation(meeting: Meeting, policy: Policy) -> bool:
    """Rule 3: canceled later than `late_cancel_hours` before the start."""
    if meeting.canceled_at is None:
        return False
    return meeting.canceled_at > meeting.starts_at - timedelta(hours=policy.late_cancel_hours)


def cancel(
    meeting: Meeting, pair: Pair, by_person_id: UUID, reason: CancelReason, now: datetime
) -> None:
    """Rule 3: a participant cancels a scheduled meeting, with a reason."""
    meeting.check_open()
    pair.check_participant(by_person_id, "canceled_by_id")
    meeting.status = MeetingStatus.CANCELED
    meeting.canceled_at = now
    meeting.canceled_by_id = by_person_id
    meeting.cancel_reason = reason.value
    meeting.updated_at = now


def cancel_by_system(meeting: Meeting, reason: SystemCancelReason, now: datetime) -> None:
    """Pair ended or paused: the meeting is canceled with no canceling person."""
    meeting.status = MeetingStatus.CANCELED
    meeting.canceled_at = now
    meeting.canceled_by_id = None
    meeting.cancel_reason = reason.value
    meeting.updated_at = now


def complete(meeting: Meeting, now: datetime, actual_minutes: int | None) -> None:
    """Rule 4: allowed from 15 minutes before the start."""
    meeting.check_open()
    if now < meeting.starts_at - EARLY_COMPLETION:
        raise StateConflict(
            "This meeting starts at"
            f" {meeting.starts_at.isoformat()}; it can be completed from 15 minutes before.",
            code="meeting_not_started",
        )
    meeting.status = MeetingStatus.COMPLETED
    meeting.completed_at = now
    meeting.actual_minutes = actual_minutes
    meeting.updated_at = now


class NoNextMeeting(StrEnum):
    """Why completing a meeting booked no next one."""

    PAIR_NOT_ACTIVE = "pair_not_active"
    NO_FREE_SLOT = "no_free_slot"
    DURATION_OUT_OF_POLICY = "duration_out_of_policy"


@dataclass(frozen=True, slots=True)
class NextSlot:
    starts_at: datetime | None
    reason: NoNextMeeting | None


def next_candidates(held: Meeting, pair: Pair, now: datetime) -> list[datetime]:
    """Rule 4: `starts_at + k × cadence_days` for the smallest k ≥ 1 in the future, and the
    nine steps after it."""
    step = timedelta(days=pair.cadence_days)
    k = 1
    while held.starts_at + k * step <= now:
        k += 1
    return [held.starts_at + (k + offset) * step for offset in range(NEXT_MEETING_CANDIDATES)]


def first_free_slot(
    candidates: list[datetime],
    pair: Pair,
    policy: Policy,
    now: datetime,
    scheduled_of_either: list[Meeting],
) -> NextSlot:
    """Rule 4: the first candidate free of conflicts for both people, if any."""
    if pair.status is not PairStatus.ACTIVE:
        return NextSlot(None, NoNextMeeting.PAIR_NOT_ACTIVE)
    for candidate in candidates:
        try:
            check_schedulable(
                pair, candidate, pair.duration_minutes, policy, now, scheduled_of_either
            )
        except DomainError as refused:
            if refused.code == "schedule_conflict":
                continue
            if refused.code == "duration_out_of_policy":
                return NextSlot(None, NoNextMeeting.DURATION_OUT_OF_POLICY)
            raise
        return NextSlot(candidate, None)
    return NextSlot(None, NoNextMeeting.NO_FREE_SLOT)
