"""The aggregates behind the metrics: one subquery of the window's meetings (slots, the gaps
between held meetings, and the counts of their agenda items and ratings; each held meeting
carries its counts and its pair's previous held start with the gap to it, kept on write:
revisions 0014 and 0017) and one of commitments, grouped by
a pair or a time-series bucket, whose counts mean exactly what
app.domain.metrics_reference.count_pair counts. Instants are compared as whole microseconds
(app.persistence.sql_time) so that day figures stay exact on SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import CTE, BigInteger, ColumnElement, and_, case, cast, func, literal, or_, select

from app.domain.commitments import CommitmentStatus
from app.domain.meetings import MeetingStatus
from app.domain.metric_figures import DAY_MICROSECONDS
from app.domain.metric_windows import EPOCH, Bucket, Window, microseconds
from app.persistence.sql_time import (
    date_month_number,
    epoch_day_number,
    epoch_microseconds,
    month_number,
    utc_date,
)
from app.persistence.tables import CommitmentRow, MeetingRow

MEETINGS = MeetingRow.__table__  # type: ignore[attr-defined]
COMMITMENTS = CommitmentRow.__table__  # type: ignore[attr-defined]

MINUTE_MICROSECONDS = 60 * 10**6
WEEK_DAYS = 7


@dataclass(frozen=True, slots=True)
class CountingTerms:
    """What every count depends on besides the pairs: organization, window, now, policy."""

    org_id: UUID
    window: Window
    now: datetime
    grace_days: int
    late_cancel_hours: int

    @property
    def upper(self) -> datetime:
        """Slots and due dates stop at min(to, now): nothing in the future counts."""
        return min(self.window.end, self.now)


def _big(value: int) -> ColumnElement[int]:
    """A 64-bit integer parameter (microsecond figures overflow 32 bits)."""
    return literal(value, BigInteger)


def _count(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.sum(case((condition, 1), else_=0))


def _flag(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return case((condition, 1), else_=0)


HELD_CONTENT = {  # a count of the metrics: the column of the meetings that holds it
    "agenda_items": "agenda_item_count",
    "member_items": "member_item_count",
    "status_items": "status_item_count",
    "rating_total": "rating_total",
    "rating_count": "rating_count",
}
SLOT_SUMS = (
    "held",
    "canceled",
    "unrecorded",
    "late_canceled",
    "rescheduled",
    "canceled_by_lead",
    "measured",
    "shortened",
    *HELD_CONTENT,
)


@dataclass(frozen=True, slots=True)
class Grouping:
    """What the aggregates are grouped by: a meeting's and a commitment's group key, and
    whether two starts of one pair fall in the same group (a gap between held meetings counts
    only within its group); per pair, the open commitments not yet overdue are counted too
    (`open_ahead`)."""

    of_meeting: Callable[[Any], ColumnElement[Any]]
    of_commitment: Callable[[Any], ColumnElement[Any]]
    same_group: Callable[[Any, Any], ColumnElement[bool]] | None = None  # None: always
    per_pair: bool = False


BY_PAIR = Grouping(
    of_meeting=lambda m: m.c.pair_id, of_commitment=lambda c: c.c.pair_id, per_pair=True
)


def by_bucket(bucket: Bucket, first: datetime) -> Grouping:
    """Bucket numbers 0, 1, … from the bucket that holds the window's start."""
    if bucket is Bucket.WEEK:
        origin = microseconds(first - EPOCH)
        origin_day = origin // DAY_MICROSECONDS
        week = WEEK_DAYS * DAY_MICROSECONDS

        def week_of(instant: Any) -> ColumnElement[Any]:
            return (epoch_microseconds(instant) - _big(origin)) // _big(week)

        return Grouping(
            of_meeting=lambda m: week_of(m.c.starts_at),
            of_commitment=lambda c: (epoch_day_number(c.c.due_on) - origin_day) // WEEK_DAYS,
            same_group=lambda one, other: week_of(one) == week_of(other),
        )
    origin_month = first.year * 12 + first.month - 1
    return Grouping(
        of_meeting=lambda m: month_number(m.c.starts_at) - origin_month,
        of_commitment=lambda c: date_month_number(c.c.due_on) - origin_month,
        same_group=lambda one, other: month_number(one) == month_number(other),
    )


def aggregates(
    terms: CountingTerms, scoped: CTE, grouping: Grouping
) -> list[tuple[Any, list[str]]]:
    """One subquery per source table, each with a `key` column and its counts."""
    org, window, upper = terms.org_id, terms.window, terms.upper
    m = MEETINGS.alias("m")
    in_window = and_(m.c.org_id == org, m.c.starts_at >= window.start, m.c.starts_at < upper)
    completed = m.c.status == MeetingStatus.COMPLETED.value
    canceled = and_(m.c.status == MeetingStatus.CANCELED.value, m.c.canceled_by_id.is_not(None))
    ended = epoch_microseconds(m.c.starts_at) + m.c.duration_minutes * _big(
        MINUTE_MICROSECONDS
    ) < _big(microseconds(terms.now - EPOCH))
    unrecorded = and_(m.c.status == MeetingStatus.SCHEDULED.value, ended)
    late_before = _big(terms.late_cancel_hours * 3600 * 10**6)
    on_scoped = scoped.c.id == m.c.pair_id
    group = grouping.of_meeting(m)
    key = group.label("key")

    # One pass over the window's slots: each row's contribution, then the sums per group.
    at = epoch_microseconds(m.c.starts_at)
    late = epoch_microseconds(m.c.canceled_at) > at - late_before
    within = (scoped.c.cadence_days + terms.grace_days) * _big(DAY_MICROSECONDS)
    # A gap: from the pair's previous held meeting, kept with its length, when that meeting
    # is in the window (it starts before this one, so before the window's end) and in the
    # same group.
    previous = m.c.previous_held_at
    gap_counts = and_(completed, previous >= window.start)
    if grouping.same_group is not None:
        gap_counts = and_(gap_counts, grouping.same_group(previous, m.c.starts_at))
    per_slot = (
        select(
            key,
            _flag(completed).label("held"),
            _flag(canceled).label("canceled"),
            _flag(unrecorded).label("unrecorded"),
            _flag(and_(canceled, late)).label("late_canceled"),
            _flag(m.c.reschedule_count >= 1).label("rescheduled"),
            _flag(and_(canceled, m.c.canceled_by_id == scoped.c.lead_id)).label("canceled_by_lead"),
            _flag(and_(completed, m.c.actual_minutes.is_not(None))).label("measured"),
            _flag(and_(completed, 4 * m.c.actual_minutes < 3 * m.c.duration_minutes)).label(
                "shortened"
            ),
            # the held meetings' content, counted on write (revision 0014)
            *(
                case((completed, m.c[column]), else_=0).label(name)
                for name, column in HELD_CONTENT.items()
            ),
            case((gap_counts, m.c.held_gap_microseconds), else_=None).label("gap"),
            within.label("within"),
        )
        .select_from(m.join(scoped, on_scoped))
        .where(in_window, or_(completed, canceled, unrecorded))
        .subquery("per_slot")
    )
    gap = per_slot.c.gap
    slots = (
        select(
            per_slot.c.key,
            *(func.sum(per_slot.c[name]).label(name) for name in SLOT_SUMS),
            func.count(gap).label("gap_count"),
            _count(gap <= per_slot.c.within).label("gaps_within_cadence"),
            func.max(gap).label("max_gap_microseconds"),
            cast(func.sum(gap), BigInteger).label("total_gap_microseconds"),
        )
        .group_by(per_slot.c.key)
        .subquery("slots")
    )

    c = COMMITMENTS.alias("c")
    due = and_(c.c.due_on >= window.start.date(), c.c.due_on < upper.date())
    done = c.c.status == CommitmentStatus.DONE.value
    # Overdue open commitments are not windowed: each pair keeps how many of its open
    # commitments have a due date (revision 0015), and those due today or later are read
    # here, so that overdue_open = open_dated_commitments - open_ahead.
    ahead = and_(c.c.status == CommitmentStatus.OPEN.value, c.c.due_on >= terms.now.date())
    counted_here = or_(due, ahead) if grouping.per_pair else due
    lead_owned = c.c.owner_id == scoped.c.lead_id
    member_owned = c.c.owner_id == scoped.c.member_id
    commitment_group = grouping.of_commitment(c)
    commitments = (
        select(
            commitment_group.label("key"),
            _count(due).label("commitments_due"),
            _count(and_(due, done)).label("commitments_done"),
            _count(
                and_(
                    due,
                    done,
                    c.c.completed_at.is_not(None),
                    utc_date(c.c.completed_at) <= c.c.due_on,
                )
            ).label("commitments_on_time"),
            _count(and_(due, lead_owned)).label("lead_due"),
            _count(and_(due, lead_owned, done)).label("lead_done"),
            _count(and_(due, member_owned)).label("member_due"),
            _count(and_(due, member_owned, done)).label("member_done"),
            *([_count(ahead).label("open_ahead")] if grouping.per_pair else []),
        )
        .select_from(c.join(scoped, scoped.c.id == c.c.pair_id))
        .where(c.c.org_id == org, counted_here)  # only commitments that count
        .group_by(commitment_group)
        .subquery("commitments")
    )
    return [
        (subquery, [column.name for column in subquery.c if column.name != "key"])
        for subquery in (slots, commitments)
    ]


def joined(keys: Any, key_column: Any, aggregates: list[tuple[Any, list[str]]]) -> Any:
    joined = keys
    for subquery, _ in aggregates:
        joined = joined.outerjoin(subquery, subquery.c.key == key_column)
    return joined


def counted(aggregates: list[tuple[Any, list[str]]]) -> list[Any]:
    columns: list[Any] = []
    for subquery, names in aggregates:
        for name in names:
            column = subquery.c[name]
            columns.append(
                column.label(name)
                if name == "max_gap_microseconds"
                else func.coalesce(column, 0).label(name)
            )
    return columns


# -- per pair -----------------------------------------------------------------------


COUNT_COLUMNS = (
    "held",
    "canceled",
    "unrecorded",
    "late_canceled",
    "rescheduled",
    "canceled_by_lead",
    "gap_count",
    "gaps_within_cadence",
    "max_gap_microseconds",
    "total_gap_microseconds",
    "agenda_items",
    "member_items",
    "status_items",
    "commitments_due",
    "commitments_done",
    "commitments_on_time",
    "lead_due",
    "lead_done",
    "member_due",
    "member_done",
    "overdue_open",
    "measured",
    "shortened",
    "rating_total",
    "rating_count",
)
# The counts the statements return as columns (overdue_open is the kept state's, less the
# open commitments ahead)
TOTAL_COLUMNS = tuple(name for name in COUNT_COLUMNS if name != "overdue_open")
