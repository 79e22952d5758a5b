"""Meeting-health metrics of one pair, exactly as product.md publishes them.

This is the reference implementation: it counts a pair's raw records in Python, written to
read like the formula table, and hands the counts to app.domain.metric_figures, where rates,
the health score and the signals are computed. The production path counts in SQL
(app.persistence.repositories.metrics); a property test holds the two to the same figures.
Only the tests and the benchmarks import this module; nothing in `app/` does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import pairwise
from uuid import UUID

from app.domain.agenda import AgendaItemKind
from app.domain.cadence import CadenceState
from app.domain.commitments import CommitmentStatus
from app.domain.meetings import MeetingStatus
from app.domain.metric_figures import (
    DAY_MICROSECONDS,
    PairCounts,
    PairStanding,
    PublishedMetrics,
    metrics_from_counts,
)
from app.domain.metric_windows import Window, existing_microseconds, microseconds
from app.domain.pairs import Pair, PairStatus
from app.domain.policy import Policy

__all__ = ["PairRecords", "Window", "compute_pair_metrics", "count_pair"]


@dataclass(frozen=True, slots=True)
class MeetingFacts:
    id: UUID
    starts_at: datetime
    duration_minutes: int
    status: MeetingStatus
    reschedule_count: int
    canceled_at: datetime | None
    canceled_by_id: UUID | None
    actual_minutes: int | None


@dataclass(frozen=True, slots=True)
class ItemFacts:
    meeting_id: UUID
    author_id: UUID
    kind: AgendaItemKind


@dataclass(frozen=True, slots=True)
class CommitmentFacts:
    owner_id: UUID
    due_on: date | None
    status: CommitmentStatus
    completed_at: datetime | None


@dataclass(frozen=True, slots=True)
class RatingFacts:
    meeting_id: UUID
    score: int


@dataclass(frozen=True, slots=True)
class PairRecords:
    """Everything one pair's metrics are computed from."""

    pair: Pair
    meetings: Sequence[MeetingFacts]
    items: Sequence[ItemFacts]
    commitments: Sequence[CommitmentFacts]
    ratings: Sequence[RatingFacts]


def is_slot(meeting: MeetingFacts, window: Window, now: datetime) -> bool:
    """Held, canceled by a person, or still scheduled after its end; inside the window and
    not in the future. System cancellations and meetings yet to end are not slots."""
    if not window.start <= meeting.starts_at < min(window.end, now):
        return False
    if meeting.status is MeetingStatus.COMPLETED:
        return True
    if meeting.status is MeetingStatus.CANCELED:
        return meeting.canceled_by_id is not None
    return meeting.starts_at + timedelta(minutes=meeting.duration_minutes) < now


def count_pair(records: PairRecords, window: Window, now: datetime, policy: Policy) -> PairCounts:
    """product.md's counts for one pair over `[window.start, window.end)`."""
    pair = records.pair
    slots = [m for m in records.meetings if is_slot(m, window, now)]
    held = [m for m in slots if m.status is MeetingStatus.COMPLETED]
    canceled = [m for m in slots if m.status is MeetingStatus.CANCELED]
    late_hours = timedelta(hours=policy.late_cancel_hours)

    gaps = [microseconds(b - a) for a, b in pairwise(sorted(m.starts_at for m in held))]
    within = (pair.cadence_days + policy.grace_days) * DAY_MICROSECONDS

    held_ids = {m.id for m in held}
    items = [i for i in records.items if i.meeting_id in held_ids]
    scores = [r.score for r in records.ratings if r.meeting_id in held_ids]
    measured = [m for m in held if m.actual_minutes is not None]

    last_day = min(window.end, now).date()
    due = [
        c
        for c in records.commitments
        if c.due_on is not None and window.start.date() <= c.due_on < last_day
    ]
    done = [c for c in due if c.status is CommitmentStatus.DONE]
    lead_due = [c for c in due if c.owner_id == pair.lead_id]
    member_due = [c for c in due if c.owner_id == pair.member_id]
    return PairCounts(
        cadence_days=pair.cadence_days,
        existing_microseconds=existing_microseconds(pair, window, now),
        held=len(held),
        canceled=len(canceled),
        unrecorded=sum(1 for m in slots if m.status is MeetingStatus.SCHEDULED),
        late_canceled=sum(
            1 for m in canceled if m.canceled_at and m.canceled_at > m.starts_at - late_hours
        ),
        rescheduled=sum(1 for m in slots if m.reschedule_count >= 1),
        canceled_by_lead=sum(1 for m in canceled if m.canceled_by_id == pair.lead_id),
        gap_count=len(gaps),
        gaps_within_cadence=sum(1 for gap in gaps if gap <= within),
        max_gap_microseconds=max(gaps, default=None),
        total_gap_microseconds=sum(gaps),
        agenda_items=len(items),
        member_items=sum(1 for i in items if i.author_id == pair.member_id),
        status_items=sum(1 for i in items if i.kind is AgendaItemKind.STATUS_UPDATE),
        commitments_due=len(due),
        commitments_done=len(done),
        commitments_on_time=sum(
            1
            for c in done
            if c.completed_at is not None and c.due_on and c.completed_at.date() <= c.due_on
        ),
        lead_due=len(lead_due),
        lead_done=sum(1 for c in lead_due if c.status is CommitmentStatus.DONE),
        member_due=len(member_due),
        member_done=sum(1 for c in member_due if c.status is CommitmentStatus.DONE),
        overdue_open=sum(
            1
            for c in records.commitments
            if c.status is CommitmentStatus.OPEN and c.due_on is not None and c.due_on < now.date()
        ),
        next_meeting_booked=any(
            m.status is MeetingStatus.SCHEDULED and m.starts_at > now for m in records.meetings
        ),
        measured=len(measured),
        # actual_minutes < 0.75 × duration_minutes, in integers
        shortened=sum(1 for m in measured if 4 * (m.actual_minutes or 0) < 3 * m.duration_minutes),
        rating_total=sum(scores),
        rating_count=len(scores),
    )


def compute_pair_metrics(
    records: PairRecords,
    window: Window,
    now: datetime,
    policy: Policy,
    cadence_state: CadenceState,
) -> PublishedMetrics:
    """Every figure of product.md's table for one pair over `[window.start, window.end)`."""
    standing = PairStanding(
        active=records.pair.status is PairStatus.ACTIVE,
        cadence_state=cadence_state,
        target_cadence_days=policy.target_cadence_days,
    )
    return metrics_from_counts(count_pair(records, window, now, policy), window, standing)
