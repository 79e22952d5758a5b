"""From a pair's counts to its published metrics: rates, health score and signals.

Both paths end here: the reference implementation (app.domain.metrics_reference) counts a
pair's raw records in Python, the production path counts them in SQL; the formulas of
product.md that turn counts into figures live only in this module.

Arithmetic is exact: every rate is a ratio of two integers (Python's `int / int` is correctly
rounded, so a rate is the float nearest the exact value), the health score is rounded half up
in integers, and signal thresholds are compared as cross products, never as floats.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

from app.domain.cadence import CadenceState
from app.domain.metric_windows import Window

DAY_MICROSECONDS = 86_400 * 10**6

HEALTH_WEIGHTS = {
    "attendance": 25,
    "consistency": 25,
    "follow_through": 20,
    "balance": 10,
    "substance": 10,
    "booked": 10,
}


class SignalCode(StrEnum):
    FREQUENT_CANCELLATIONS = "frequent_cancellations"
    LATE_CANCELLATIONS = "late_cancellations"
    OVERDUE = "overdue"
    NO_NEXT_MEETING = "no_next_meeting"
    ONE_SIDED_AGENDA = "one_sided_agenda"
    STATUS_HEAVY = "status_heavy"
    LOW_FOLLOW_THROUGH = "low_follow_through"
    INFREQUENT_CADENCE = "infrequent_cadence"
    IRREGULAR = "irregular"
    SHORTENED_MEETINGS = "shortened_meetings"


SIGNAL_MESSAGES: dict[str, str] = {
    "frequent_cancellations": "A quarter or more of the 1:1s were canceled.",
    "late_cancellations": "A fifth or more of the 1:1s were canceled at short notice.",
    "overdue": "The pair has not met within its cadence and grace period.",
    "no_next_meeting": "No next meeting is on the books.",
    "one_sided_agenda": "One person writes almost all of the agenda.",
    "status_heavy": "More than half of the agenda is status updates.",
    "low_follow_through": "Fewer than 60% of the commitments due were done.",
    "infrequent_cadence": "The pair meets less often than the organization's target cadence.",
    "irregular": "Fewer than 60% of the gaps between 1:1s kept to the cadence.",
    "shortened_meetings": "Half or more of the measured 1:1s were cut short.",
}


@dataclass(slots=True)
class PairCounts:
    """The integers every figure of one pair is computed from (product.md's definitions).

    Durations are whole microseconds so that day figures stay exact. Not frozen: a rollup
    builds one per pair, and a frozen dataclass's constructor costs ten times as much
    (docs/decisions.md); nothing changes one after it is built."""

    cadence_days: int
    existing_microseconds: int  # D, the days the pair existed in the window, in µs
    next_meeting_booked: bool
    overdue_open: int
    # from here on, in the order of the count columns the statements return
    held: int
    canceled: int
    unrecorded: int
    late_canceled: int
    rescheduled: int
    canceled_by_lead: int
    gap_count: int
    gaps_within_cadence: int
    max_gap_microseconds: int | None
    total_gap_microseconds: int
    agenda_items: int
    member_items: int
    status_items: int
    commitments_due: int
    commitments_done: int
    commitments_on_time: int
    lead_due: int
    lead_done: int
    member_due: int
    member_done: int
    measured: int
    shortened: int
    rating_total: int
    rating_count: int

    @property
    def slots(self) -> int:
        return self.held + self.canceled + self.unrecorded

    @property
    def expected(self) -> int:
        """max(1, floor(D / cadence_days))."""
        return max(1, self.existing_microseconds // (self.cadence_days * DAY_MICROSECONDS))

    @property
    def too_new_to_judge(self) -> bool:
        """D < cadence_days: no health score yet."""
        return self.existing_microseconds < self.cadence_days * DAY_MICROSECONDS


class PairStanding(NamedTuple):
    """What the signals need besides the counts: the pair now and the policy's target (a
    named tuple: a rollup builds one per pair, at a tuple's cost; docs/decisions.md)."""

    active: bool
    cadence_state: CadenceState
    target_cadence_days: int


@dataclass(frozen=True, slots=True)
class Signal:
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class PublishedMetrics:
    """The figures product.md publishes for one pair over a window: its counts, rates,
    health score and signals (REST and GraphQL answer them as `PairMetrics`)."""

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


def rate(numerator: int, denominator: int) -> float | None:
    """A rate whose denominator is 0 is null."""
    return numerator / denominator if denominator else None


def at_least(numerator: int, denominator: int, bound: tuple[int, int]) -> bool:
    """numerator / denominator ≥ p / q, exactly; false when the rate is null."""
    p, q = bound
    return denominator > 0 and numerator * q >= p * denominator


def below(numerator: int, denominator: int, bound: tuple[int, int]) -> bool:
    """numerator / denominator < p / q, exactly; false when the rate is null."""
    p, q = bound
    return denominator > 0 and numerator * q < p * denominator


def above(numerator: int, denominator: int, bound: tuple[int, int]) -> bool:
    """numerator / denominator > p / q, exactly; false when the rate is null."""
    p, q = bound
    return denominator > 0 and numerator * q > p * denominator


def _ratios(c: PairCounts) -> tuple[tuple[int, int], ...]:
    """Each health component as an exact ratio in [0, 1], in HEALTH_WEIGHTS' order, with
    product.md's value for an empty denominator."""
    items, slots, due, expected = c.agenda_items, c.slots, c.commitments_due, c.expected
    return (
        (c.held, slots) if slots else (0, 1),  # attendance
        (min(c.held, expected), expected),  # consistency
        (c.commitments_done, due) if due else (1, 1),  # follow_through
        # balance: 1 − 2·|member/items − 1/2| = (items − |2·member − items|) / items
        (items - abs(2 * c.member_items - items), items) if items else (0, 1),
        (items - c.status_items, items) if items else (0, 1),  # substance
        (1 if c.next_meeting_booked else 0, 1),  # booked
    )


WEIGHTS = tuple(HEALTH_WEIGHTS.values())


def health_score(ratios: tuple[tuple[int, int], ...]) -> int:
    """Σ weight × component, an integer 0–100 rounded half up, in exact integer arithmetic."""
    common = 1
    for _, denominator in ratios:
        common *= denominator
    total = 0
    for weight, (numerator, denominator) in zip(WEIGHTS, ratios, strict=True):
        total += weight * numerator * (common // denominator)
    return (2 * total + common) // (2 * common)  # floor(total / common + 1/2)


def health_of(c: PairCounts) -> int | None:
    """The health score, or None while the pair is too new to judge."""
    return None if c.too_new_to_judge else health_score(_ratios(c))


def signals_of(c: PairCounts, standing: PairStanding) -> list[Signal]:
    """product.md's signals, in its table's order, each raised when its condition holds."""
    return [Signal(code, SIGNAL_MESSAGES[code]) for code in signal_codes(c, standing)]


def signal_codes(c: PairCounts, standing: PairStanding) -> list[str]:
    """The codes of the signals raised, in product.md's order."""
    items, slots, due, measured = c.agenda_items, c.slots, c.commitments_due, c.measured
    codes: list[str] = []
    if slots >= 3 and at_least(c.canceled, slots, (1, 4)):
        codes.append("frequent_cancellations")
    if slots >= 3 and at_least(c.late_canceled, slots, (1, 5)):
        codes.append("late_cancellations")
    if standing.cadence_state is CadenceState.OVERDUE:
        codes.append("overdue")
    if standing.active and not c.next_meeting_booked:
        codes.append("no_next_meeting")
    if items >= 5 and (
        below(c.member_items, items, (1, 5)) or above(c.member_items, items, (4, 5))
    ):
        codes.append("one_sided_agenda")
    if items >= 5 and above(c.status_items, items, (1, 2)):
        codes.append("status_heavy")
    if due >= 3 and below(c.commitments_done, due, (3, 5)):
        codes.append("low_follow_through")
    if c.cadence_days > standing.target_cadence_days:
        codes.append("infrequent_cadence")
    if c.gap_count >= 3 and below(c.gaps_within_cadence, c.gap_count, (3, 5)):
        codes.append("irregular")
    if measured >= 3 and at_least(c.shortened, measured, (1, 2)):
        codes.append("shortened_meetings")
    return codes


def metrics_from_counts(
    counts: PairCounts, window: Window, standing: PairStanding
) -> PublishedMetrics:
    """Every figure of product.md's table from one pair's counts."""
    c = counts
    ratios = None if c.too_new_to_judge else _ratios(c)
    return PublishedMetrics(
        window=window,
        cadence_days=c.cadence_days,
        held=c.held,
        canceled=c.canceled,
        unrecorded=c.unrecorded,
        slots=c.slots,
        held_rate=rate(c.held, c.slots),
        cancel_rate=rate(c.canceled, c.slots),
        late_cancel_rate=rate(c.late_canceled, c.slots),
        reschedule_rate=rate(c.rescheduled, c.slots),
        lead_cancel_share=rate(c.canceled_by_lead, c.canceled),
        gap_count=c.gap_count,
        cadence_adherence=rate(c.gaps_within_cadence, c.gap_count),
        max_gap_days=(
            None if c.max_gap_microseconds is None else c.max_gap_microseconds / DAY_MICROSECONDS
        ),
        mean_gap_days=rate(c.total_gap_microseconds, c.gap_count * DAY_MICROSECONDS),
        coverage=min(c.held, c.expected) / c.expected,
        agenda_items=c.agenda_items,
        member_share=rate(c.member_items, c.agenda_items),
        status_share=rate(c.status_items, c.agenda_items),
        commitments_due=c.commitments_due,
        follow_through_rate=rate(c.commitments_done, c.commitments_due),
        lead_follow_through_rate=rate(c.lead_done, c.lead_due),
        member_follow_through_rate=rate(c.member_done, c.member_due),
        on_time_rate=rate(c.commitments_on_time, c.commitments_due),
        overdue_open=c.overdue_open,
        next_meeting_booked=c.next_meeting_booked,
        shortened_share=rate(c.shortened, c.measured),
        rating_avg=rate(c.rating_total, c.rating_count),
        health_score=None if ratios is None else health_score(ratios),
        health_components=(
            None
            if ratios is None
            else {name: n / d for name, (n, d) in zip(HEALTH_WEIGHTS, ratios, strict=True)}
        ),
        signals=signals_of(c, standing),
    )
