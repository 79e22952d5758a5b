"""Meeting-health metrics of one pair, exactly as product.md publishes them.

This is the reference implementation: pure functions over a pair's raw records and a window,
written to read like the formula table. Arithmetic is exact (fractions) so that a rounding
boundary of the health score never depends on floating point; results are reported as
floats. A rate whose denominator is 0 is None.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fractions import Fraction
from itertools import pairwise
from uuid import UUID

from app.domain.agenda import AgendaItemKind
from app.domain.cadence import CadenceState
from app.domain.commitments import CommitmentStatus
from app.domain.meetings import MeetingStatus
from app.domain.pairs import Pair, PairStatus
from app.domain.policy import Policy

SECONDS_PER_DAY = 86400
SHORTENED_BELOW = Fraction(3, 4)  # actual_minutes < 0.75 × duration_minutes


@dataclass(frozen=True, slots=True)
class Window:
    """`[start, end)`; product.md calls them `from` and `to`."""

    start: datetime
    end: datetime


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


@dataclass(frozen=True, slots=True)
class Signal:
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class PairMetrics:
    window: Window
    cadence_days: int
    held: int
    canceled: int
    unrecorded: int
    slots: int
    held_rate: float | None
    cancel_rate: float | None
    late_cancel_rate: float | None
    reschedule_rate: float | None
    lead_cancel_share: float | None
    gap_count: int
    cadence_adherence: float | None
    max_gap_days: float | None
    mean_gap_days: float | None
    coverage: float
    agenda_items: int
    member_share: float | None
    status_share: float | None
    commitments_due: int
    follow_through_rate: float | None
    lead_follow_through_rate: float | None
    member_follow_through_rate: float | None
    on_time_rate: float | None
    overdue_open: int
    next_meeting_booked: bool
    shortened_share: float | None
    rating_avg: float | None
    health_score: int | None
    health_components: dict[str, float] | None
    signals: list[Signal]


def _rate(numerator: int, denominator: int) -> Fraction | None:
    return Fraction(numerator, denominator) if denominator else None


def _float(value: Fraction | None) -> float | None:
    return None if value is None else float(value)


def _days(delta: timedelta) -> Fraction:
    """Day figures are seconds / 86400."""
    microseconds = (delta.days * SECONDS_PER_DAY + delta.seconds) * 10**6 + delta.microseconds
    return Fraction(microseconds, SECONDS_PER_DAY * 10**6)


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


def existing_days(pair: Pair, window: Window, now: datetime) -> Fraction:
    """D: days of the window during which the pair existed and which are not in the future."""
    start = max(window.start, pair.started_at)
    end = min(window.end, now, pair.ended_at or window.end)
    return max(Fraction(0), _days(end - start))


def compute_pair_metrics(
    records: PairRecords,
    window: Window,
    now: datetime,
    policy: Policy,
    cadence_state: CadenceState,
) -> PairMetrics:
    """Every figure of product.md's table for one pair over `[window.start, window.end)`."""
    pair = records.pair
    slots = [m for m in records.meetings if is_slot(m, window, now)]
    held = [m for m in slots if m.status is MeetingStatus.COMPLETED]
    canceled = [m for m in slots if m.status is MeetingStatus.CANCELED]
    unrecorded = [m for m in slots if m.status is MeetingStatus.SCHEDULED]
    late_hours = timedelta(hours=policy.late_cancel_hours)
    late = [m for m in canceled if m.canceled_at and m.canceled_at > m.starts_at - late_hours]

    starts = sorted(m.starts_at for m in held)
    gaps = [_days(b - a) for a, b in pairwise(starts)]
    within = pair.cadence_days + policy.grace_days
    days = existing_days(pair, window, now)
    expected = max(1, int(days // pair.cadence_days))

    held_ids = {m.id for m in held}
    items = [i for i in records.items if i.meeting_id in held_ids]
    member_items = sum(1 for i in items if i.author_id == pair.member_id)
    status_items = sum(1 for i in items if i.kind is AgendaItemKind.STATUS_UPDATE)

    due = [
        c
        for c in records.commitments
        if c.due_on is not None and window.start.date() <= c.due_on < min(window.end, now).date()
    ]
    done = [c for c in due if c.status is CommitmentStatus.DONE]
    on_time = [
        c
        for c in done
        if c.completed_at is not None and c.due_on and c.completed_at.date() <= c.due_on
    ]

    def owner_rate(owner: UUID) -> Fraction | None:
        owned = [c for c in due if c.owner_id == owner]
        return _rate(sum(1 for c in owned if c.status is CommitmentStatus.DONE), len(owned))

    measured = [m for m in held if m.actual_minutes is not None]
    shortened = [
        m
        for m in measured
        if Fraction(m.actual_minutes or 0) < SHORTENED_BELOW * m.duration_minutes
    ]
    scores = [r.score for r in records.ratings if r.meeting_id in held_ids]
    booked = any(
        m.status is MeetingStatus.SCHEDULED and m.starts_at > now for m in records.meetings
    )

    figures = _Figures(
        slots=len(slots),
        held_rate=_rate(len(held), len(slots)),
        cancel_rate=_rate(len(canceled), len(slots)),
        late_cancel_rate=_rate(len(late), len(slots)),
        coverage=min(Fraction(1), Fraction(len(held), expected)),
        agenda_items=len(items),
        member_share=_rate(member_items, len(items)),
        status_share=_rate(status_items, len(items)),
        commitments_due=len(due),
        follow_through_rate=_rate(len(done), len(due)),
        gap_count=len(gaps),
        cadence_adherence=_rate(sum(1 for g in gaps if g <= within), len(gaps)),
        measured=len(measured),
        shortened_share=_rate(len(shortened), len(measured)),
        booked=booked,
    )
    components = _health_components(figures) if days >= pair.cadence_days else None
    return PairMetrics(
        window=window,
        cadence_days=pair.cadence_days,
        held=len(held),
        canceled=len(canceled),
        unrecorded=len(unrecorded),
        slots=len(slots),
        held_rate=_float(figures.held_rate),
        cancel_rate=_float(figures.cancel_rate),
        late_cancel_rate=_float(figures.late_cancel_rate),
        reschedule_rate=_float(_rate(sum(1 for m in slots if m.reschedule_count >= 1), len(slots))),
        lead_cancel_share=_float(
            _rate(sum(1 for m in canceled if m.canceled_by_id == pair.lead_id), len(canceled))
        ),
        gap_count=len(gaps),
        cadence_adherence=_float(figures.cadence_adherence),
        max_gap_days=float(max(gaps)) if gaps else None,
        mean_gap_days=float(sum(gaps, Fraction(0)) / len(gaps)) if gaps else None,
        coverage=float(figures.coverage),
        agenda_items=len(items),
        member_share=_float(figures.member_share),
        status_share=_float(figures.status_share),
        commitments_due=len(due),
        follow_through_rate=_float(figures.follow_through_rate),
        lead_follow_through_rate=_float(owner_rate(pair.lead_id)),
        member_follow_through_rate=_float(owner_rate(pair.member_id)),
        on_time_rate=_float(_rate(len(on_time), len(due))),
        overdue_open=sum(
            1
            for c in records.commitments
            if c.status is CommitmentStatus.OPEN and c.due_on is not None and c.due_on < now.date()
        ),
        next_meeting_booked=booked,
        shortened_share=_float(figures.shortened_share),
        rating_avg=float(Fraction(sum(scores), len(scores))) if scores else None,
        health_score=_health_score(components) if components is not None else None,
        health_components=(
            {name: float(value) for name, value in components.items()} if components else None
        ),
        signals=_signals(figures, pair, policy, cadence_state),
    )


@dataclass(frozen=True, slots=True)
class _Figures:
    """The exact figures the health score and the signals are built from."""

    slots: int
    held_rate: Fraction | None
    cancel_rate: Fraction | None
    late_cancel_rate: Fraction | None
    coverage: Fraction
    agenda_items: int
    member_share: Fraction | None
    status_share: Fraction | None
    commitments_due: int
    follow_through_rate: Fraction | None
    gap_count: int
    cadence_adherence: Fraction | None
    measured: int
    shortened_share: Fraction | None
    booked: bool


HEALTH_WEIGHTS = {
    "attendance": 25,
    "consistency": 25,
    "follow_through": 20,
    "balance": 10,
    "substance": 10,
    "booked": 10,
}


def _health_components(f: _Figures) -> dict[str, Fraction]:
    """Each component in [0, 1], with product.md's value for an empty denominator."""
    return {
        "attendance": f.held_rate if f.held_rate is not None else Fraction(0),
        "consistency": f.coverage,
        "follow_through": f.follow_through_rate
        if f.follow_through_rate is not None
        else Fraction(1),
        "balance": 1 - 2 * abs(f.member_share - Fraction(1, 2))
        if f.member_share is not None
        else Fraction(0),
        "substance": 1 - f.status_share if f.status_share is not None else Fraction(0),
        "booked": Fraction(1 if f.booked else 0),
    }


def _health_score(components: dict[str, Fraction]) -> int:
    """Weighted sum, an integer 0–100 rounded half up (exactly)."""
    total = sum((HEALTH_WEIGHTS[name] * value for name, value in components.items()), Fraction(0))
    return int(total + Fraction(1, 2)) if total >= 0 else 0


def _signals(f: _Figures, pair: Pair, policy: Policy, state: CadenceState) -> list[Signal]:
    """product.md's "what to watch for", each raised when its condition holds."""
    raised: list[Signal] = []

    def when(condition: bool, code: str, message: str) -> None:
        if condition:
            raised.append(Signal(code, message))

    def at_least(rate: Fraction | None, bound: Fraction) -> bool:
        return rate is not None and rate >= bound

    def below(rate: Fraction | None, bound: Fraction) -> bool:
        return rate is not None and rate < bound

    share = f.member_share
    when(
        f.slots >= 3 and at_least(f.cancel_rate, Fraction(1, 4)),
        "frequent_cancellations",
        "A quarter or more of the 1:1s were canceled.",
    )
    when(
        f.slots >= 3 and at_least(f.late_cancel_rate, Fraction(1, 5)),
        "late_cancellations",
        "A fifth or more of the 1:1s were canceled at short notice.",
    )
    when(
        state is CadenceState.OVERDUE,
        "overdue",
        "The pair has not met within its cadence and grace period.",
    )
    when(
        pair.status is PairStatus.ACTIVE and not f.booked,
        "no_next_meeting",
        "No next meeting is on the books.",
    )
    when(
        f.agenda_items >= 5
        and share is not None
        and (share < Fraction(1, 5) or share > Fraction(4, 5)),
        "one_sided_agenda",
        "One person writes almost all of the agenda.",
    )
    when(
        f.agenda_items >= 5 and f.status_share is not None and f.status_share > Fraction(1, 2),
        "status_heavy",
        "More than half of the agenda is status updates.",
    )
    when(
        f.commitments_due >= 3 and below(f.follow_through_rate, Fraction(3, 5)),
        "low_follow_through",
        "Fewer than 60% of the commitments due were done.",
    )
    when(
        pair.cadence_days > policy.target_cadence_days,
        "infrequent_cadence",
        "The pair meets less often than the organization's target cadence.",
    )
    when(
        f.gap_count >= 3 and below(f.cadence_adherence, Fraction(3, 5)),
        "irregular",
        "Fewer than 60% of the gaps between 1:1s kept to the cadence.",
    )
    when(
        f.measured >= 3 and at_least(f.shortened_share, Fraction(1, 2)),
        "shortened_meetings",
        "Half or more of the measured 1:1s were cut short.",
    )
    return raised
