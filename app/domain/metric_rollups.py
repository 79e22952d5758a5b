"""Rollups and time series: counts are summed and rates recomputed from the sums (never an
average of rates), plus pairs per cadence state, the health score's distribution and the
count of each signal (product.md, "Rollups")."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from fractions import Fraction
from itertools import chain
from math import floor
from operator import attrgetter
from typing import NamedTuple

from app.domain.cadence import CadenceState
from app.domain.metric_figures import (
    DAY_MICROSECONDS,
    SIGNAL_MESSAGES,
    PairCounts,
    rate,
)


@dataclass(frozen=True, slots=True)
class Totals:
    """The counts of any number of pairs, summed (the longest gap is the maximum)."""

    held: int = 0
    canceled: int = 0
    unrecorded: int = 0
    late_canceled: int = 0
    rescheduled: int = 0
    canceled_by_lead: int = 0
    gap_count: int = 0
    gaps_within_cadence: int = 0
    max_gap_microseconds: int | None = None
    total_gap_microseconds: int = 0
    agenda_items: int = 0
    member_items: int = 0
    status_items: int = 0
    commitments_due: int = 0
    commitments_done: int = 0
    commitments_on_time: int = 0
    lead_due: int = 0
    lead_done: int = 0
    member_due: int = 0
    member_done: int = 0
    measured: int = 0
    shortened: int = 0
    rating_total: int = 0
    rating_count: int = 0

    @property
    def slots(self) -> int:
        return self.held + self.canceled + self.unrecorded

    @classmethod
    def of(cls, parts: Iterable[PairCounts | Totals]) -> Totals:
        read = attrgetter(*SUMMED, "max_gap_microseconds")  # a part's counts, read in C
        columns = list(zip(*map(read, parts), strict=True))
        if not columns:
            return cls()
        *sums, gaps = columns
        longest = max((gap for gap in gaps if gap is not None), default=None)
        return cls(max_gap_microseconds=longest, **dict(zip(SUMMED, map(sum, sums), strict=True)))


SUMMED = tuple(f.name for f in fields(Totals) if f.name != "max_gap_microseconds")


def rates_of(t: Totals) -> dict[str, float | None]:
    """The rates of product.md's table, recomputed from summed counts."""
    return {
        "held_rate": rate(t.held, t.slots),
        "cancel_rate": rate(t.canceled, t.slots),
        "late_cancel_rate": rate(t.late_canceled, t.slots),
        "reschedule_rate": rate(t.rescheduled, t.slots),
        "lead_cancel_share": rate(t.canceled_by_lead, t.canceled),
        "cadence_adherence": rate(t.gaps_within_cadence, t.gap_count),
        "max_gap_days": (
            None if t.max_gap_microseconds is None else t.max_gap_microseconds / DAY_MICROSECONDS
        ),
        "mean_gap_days": rate(t.total_gap_microseconds, t.gap_count * DAY_MICROSECONDS),
        "member_share": rate(t.member_items, t.agenda_items),
        "status_share": rate(t.status_items, t.agenda_items),
        "follow_through_rate": rate(t.commitments_done, t.commitments_due),
        "lead_follow_through_rate": rate(t.lead_done, t.lead_due),
        "member_follow_through_rate": rate(t.member_done, t.member_due),
        "on_time_rate": rate(t.commitments_on_time, t.commitments_due),
        "shortened_share": rate(t.shortened, t.measured),
        "rating_avg": rate(t.rating_total, t.rating_count),
    }


@dataclass(frozen=True, slots=True)
class HealthDistribution:
    """Health scores of the pairs that have one (linear interpolation between closest
    ranks for the quartiles, as PostgreSQL's percentile_cont)."""

    scored_pairs: int
    mean: float | None
    p25: float | None
    median: float | None
    p75: float | None


def quantile(ordered: Sequence[int], q: Fraction) -> float:
    position = q * (len(ordered) - 1)
    below = floor(position)
    above = min(below + 1, len(ordered) - 1)
    return float(ordered[below] + (ordered[above] - ordered[below]) * (position - below))


def distribution(scores: Iterable[int]) -> HealthDistribution:
    ordered = sorted(scores)
    if not ordered:
        return HealthDistribution(0, None, None, None, None)
    return HealthDistribution(
        scored_pairs=len(ordered),
        mean=sum(ordered) / len(ordered),
        p25=quantile(ordered, Fraction(1, 4)),
        median=quantile(ordered, Fraction(1, 2)),
        p75=quantile(ordered, Fraction(3, 4)),
    )


class PairFigures(NamedTuple):
    """What a rollup needs of one pair: its counts, health score, the codes of the signals
    it raises, and its cadence state now (a named tuple, built once per pair)."""

    counts: PairCounts
    health_score: int | None
    signals: Sequence[str]
    cadence_state: CadenceState


@dataclass(frozen=True, slots=True)
class Rollup:
    pairs: int
    states: dict[str, int]
    totals: Totals
    expected: int
    covered: int
    pairs_booked: int
    overdue_open: int
    health: HealthDistribution
    signals: dict[str, int]

    @property
    def coverage(self) -> float | None:
        """Σ min(held, expected) / Σ expected over the pairs that existed in the window: a
        pair meeting more often than its cadence does not make up for another that does not
        meet."""
        return rate(self.covered, self.expected)


def roll_up(pairs: Iterable[PairFigures]) -> Rollup:
    states: Counter[CadenceState] = Counter()
    raised: list[Sequence[str]] = []
    counts: list[PairCounts] = []
    scores: list[int] = []
    expected = covered = booked = overdue_open = 0
    for figures in pairs:
        c = figures.counts
        counts.append(c)
        states[figures.cadence_state] += 1
        raised.append(figures.signals)
        if figures.health_score is not None:
            scores.append(figures.health_score)
        if c.existing_microseconds > 0:  # a pair that did not exist is not expected to meet
            pair_expected = c.expected
            expected += pair_expected
            covered += min(c.held, pair_expected)
        booked += c.next_meeting_booked
        overdue_open += c.overdue_open
    signals = Counter(chain.from_iterable(raised))  # counted at once, not pair by pair
    return Rollup(
        pairs=len(counts),
        states={state.value: states[state] for state in CadenceState},
        totals=Totals.of(counts),
        expected=expected,
        covered=covered,
        pairs_booked=booked,
        overdue_open=overdue_open,
        health=distribution(scores),
        signals={code: signals[code] for code in SIGNAL_MESSAGES},
    )
