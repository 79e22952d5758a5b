"""Meeting-health counts computed in the database (the production path of the metrics).

One statement per request: the pairs in scope (a recursive CTE for team subtrees), then one
aggregate per source table (meetings that are slots, gaps between held meetings with a window
function, agenda items and ratings of held meetings, commitments due), left-joined to the
grouping key — a pair, or a time-series bucket. The counts mean exactly what
app.domain.metrics.count_pair counts; a property test holds the two together on SQLite and
PostgreSQL. Rates, health and signals are computed from the counts by
app.domain.metric_figures.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import (
    CTE,
    BigInteger,
    ColumnElement,
    Integer,
    Select,
    and_,
    case,
    cast,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from app.domain.agenda import AgendaItemKind
from app.domain.commitments import CommitmentStatus
from app.domain.meetings import MeetingStatus
from app.domain.metric_figures import DAY_MICROSECONDS, PairCounts
from app.domain.metric_rollups import Totals
from app.domain.metric_windows import Bucket, Window, bucket_start, buckets
from app.domain.metrics import existing_microseconds, microseconds
from app.domain.pairs import Pair
from app.domain.queries import MetricsFilter
from app.persistence.repositories.pairs import PairRepository, last_held_at_sql, next_at_sql
from app.persistence.sql_time import (
    date_month_number,
    epoch_day_number,
    epoch_microseconds,
    month_number,
    utc_date,
)
from app.persistence.tables import (
    AgendaItemRow,
    CommitmentRow,
    MeetingRow,
    PairRow,
    PersonRow,
    RatingRow,
)

PAIRS = PairRow.__table__  # type: ignore[attr-defined]
PEOPLE = PersonRow.__table__  # type: ignore[attr-defined]
MEETINGS = MeetingRow.__table__  # type: ignore[attr-defined]
ITEMS = AgendaItemRow.__table__  # type: ignore[attr-defined]
RATINGS = RatingRow.__table__  # type: ignore[attr-defined]
COMMITMENTS = CommitmentRow.__table__  # type: ignore[attr-defined]

MINUTE_MICROSECONDS = 60 * 10**6
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
WEEK_DAYS = 7


@dataclass(frozen=True, slots=True)
class MetricsQuery:
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


@dataclass(frozen=True, slots=True)
class PairCountsRow:
    pair: Pair
    counts: PairCounts
    last_held_at: datetime | None
    next_at: datetime | None


def _big(value: int) -> ColumnElement[int]:
    """A 64-bit integer parameter (microsecond figures overflow 32 bits)."""
    return literal(value, BigInteger)


def _count(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.sum(case((condition, 1), else_=0))


@dataclass(frozen=True, slots=True)
class _Grouping:
    """What the aggregates are grouped by: a meeting's and a commitment's group key."""

    of_meeting: Callable[[Any], ColumnElement[Any]]
    of_commitment: Callable[[Any], ColumnElement[Any]]


BY_PAIR = _Grouping(of_meeting=lambda m: m.c.pair_id, of_commitment=lambda c: c.c.pair_id)


def _by_bucket(bucket: Bucket, first: datetime) -> _Grouping:
    """Bucket numbers 0, 1, … from the bucket that holds the window's start."""
    if bucket is Bucket.WEEK:
        origin = microseconds(first - EPOCH)
        origin_day = origin // DAY_MICROSECONDS
        week = WEEK_DAYS * DAY_MICROSECONDS
        return _Grouping(
            of_meeting=lambda m: (epoch_microseconds(m.c.starts_at) - _big(origin)) // _big(week),
            of_commitment=lambda c: (epoch_day_number(c.c.due_on) - origin_day) // WEEK_DAYS,
        )
    origin_month = first.year * 12 + first.month - 1
    return _Grouping(
        of_meeting=lambda m: month_number(m.c.starts_at) - origin_month,
        of_commitment=lambda c: date_month_number(c.c.due_on) - origin_month,
    )


class MetricsRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection
        self.pairs = PairRepository(connection)

    # -- the pairs in scope -------------------------------------------------------------

    def _subtree(self, org_id: UUID, root: UUID, name: str) -> CTE:
        """The manager and everyone below them (recursive CTE)."""
        tree = (
            select(PEOPLE.c.id)
            .where(PEOPLE.c.org_id == org_id, PEOPLE.c.id == root)
            .cte(name, recursive=True)
        )
        return tree.union_all(
            select(PEOPLE.c.id).where(PEOPLE.c.org_id == org_id, PEOPLE.c.manager_id == tree.c.id)
        )

    def _scoped_pairs(
        self,
        query: MetricsQuery,
        filters: MetricsFilter,
        *,
        after_id: UUID | None = None,
        limit: int | None = None,
        with_cadence: bool = True,
    ) -> CTE:
        p = PAIRS.c
        columns: list[Any] = list(PAIRS.c)
        if with_cadence:
            columns += [
                last_held_at_sql(query.org_id, p.id).label("last_held_at"),
                next_at_sql(query.org_id, p.id, query.now).label("next_at"),
            ]
        statement = select(*columns).where(p.org_id == query.org_id)
        if filters.pair_id is not None:
            statement = statement.where(p.id == filters.pair_id)
        if filters.pair_ids is not None:
            statement = statement.where(p.id.in_(filters.pair_ids))
        if filters.lead_id is not None:
            statement = statement.where(p.lead_id == filters.lead_id)
        if filters.kind is not None:
            statement = statement.where(p.kind == filters.kind.value)
        if filters.team_of is not None:
            team = self._subtree(query.org_id, filters.team_of, "team")
            statement = statement.where(p.lead_id.in_(select(team.c.id)))
        if filters.viewer_id is not None:
            seen = self._subtree(query.org_id, filters.viewer_id, "viewer_team")
            statement = statement.where(
                or_(p.member_id == filters.viewer_id, p.lead_id.in_(select(seen.c.id)))
            )
        if filters.cadence_state is not None:
            state = self.pairs.cadence_state_sql(query.org_id, query.now, query.grace_days)
            statement = statement.where(state == filters.cadence_state.value)
        if after_id is not None:
            statement = statement.where(p.id > after_id)
        if limit is not None:
            statement = statement.order_by(p.id).limit(limit)
        return statement.cte("scoped")

    # -- the aggregates -----------------------------------------------------------------

    def _aggregates(
        self, query: MetricsQuery, scoped: CTE, grouping: _Grouping
    ) -> list[tuple[Any, list[str]]]:
        """One subquery per source table, each with a `key` column and its counts."""
        org, window, upper = query.org_id, query.window, query.upper
        m = MEETINGS.alias("m")
        in_window = and_(m.c.org_id == org, m.c.starts_at >= window.start, m.c.starts_at < upper)
        completed = m.c.status == MeetingStatus.COMPLETED.value
        canceled = and_(m.c.status == MeetingStatus.CANCELED.value, m.c.canceled_by_id.is_not(None))
        ended = epoch_microseconds(m.c.starts_at) + m.c.duration_minutes * _big(
            MINUTE_MICROSECONDS
        ) < _big(microseconds(query.now - EPOCH))
        unrecorded = and_(m.c.status == MeetingStatus.SCHEDULED.value, ended)
        late_before = _big(query.late_cancel_hours * 3600 * 10**6)
        on_scoped = scoped.c.id == m.c.pair_id
        group = grouping.of_meeting(m)
        key = group.label("key")

        slots = (
            select(
                key,
                _count(completed).label("held"),
                _count(canceled).label("canceled"),
                _count(unrecorded).label("unrecorded"),
                _count(
                    and_(
                        canceled,
                        epoch_microseconds(m.c.canceled_at)
                        > epoch_microseconds(m.c.starts_at) - late_before,
                    )
                ).label("late_canceled"),
                _count(m.c.reschedule_count >= 1).label("rescheduled"),
                _count(and_(canceled, m.c.canceled_by_id == scoped.c.lead_id)).label(
                    "canceled_by_lead"
                ),
                _count(and_(completed, m.c.actual_minutes.is_not(None))).label("measured"),
                _count(and_(completed, 4 * m.c.actual_minutes < 3 * m.c.duration_minutes)).label(
                    "shortened"
                ),
            )
            .select_from(m.join(scoped, on_scoped))
            .where(in_window, or_(completed, canceled, unrecorded))
            .group_by(group)
            .subquery("slots")
        )

        at = epoch_microseconds(m.c.starts_at)
        held = (
            select(
                key,
                (
                    at
                    - func.lag(at).over(partition_by=[m.c.pair_id, group], order_by=m.c.starts_at)
                ).label("gap"),
                ((scoped.c.cadence_days + query.grace_days) * _big(DAY_MICROSECONDS)).label(
                    "within"
                ),
            )
            .select_from(m.join(scoped, on_scoped))
            .where(in_window, completed)
            .subquery("held")
        )
        gaps = (
            select(
                held.c.key,
                func.count(held.c.gap).label("gap_count"),
                _count(held.c.gap <= held.c.within).label("gaps_within_cadence"),
                func.max(held.c.gap).label("max_gap_microseconds"),
                cast(func.sum(held.c.gap), BigInteger).label("total_gap_microseconds"),
            )
            .group_by(held.c.key)
            .subquery("gaps")
        )

        i = ITEMS.alias("i")
        items = (
            select(
                key,
                func.count().label("agenda_items"),
                _count(i.c.author_id == scoped.c.member_id).label("member_items"),
                _count(i.c.kind == AgendaItemKind.STATUS_UPDATE.value).label("status_items"),
            )
            .select_from(
                i.join(m, and_(m.c.id == i.c.meeting_id, m.c.org_id == org)).join(scoped, on_scoped)
            )
            .where(i.c.org_id == org, in_window, completed)
            .group_by(group)
            .subquery("items")
        )

        r = RATINGS.alias("r")
        ratings = (
            select(
                key,
                func.sum(r.c.score).label("rating_total"),
                func.count().label("rating_count"),
            )
            .select_from(
                r.join(m, and_(m.c.id == r.c.meeting_id, m.c.org_id == org)).join(scoped, on_scoped)
            )
            .where(r.c.org_id == org, in_window, completed)
            .group_by(group)
            .subquery("ratings")
        )

        c = COMMITMENTS.alias("c")
        due = and_(c.c.due_on >= window.start.date(), c.c.due_on < upper.date())
        done = c.c.status == CommitmentStatus.DONE.value
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
                _count(
                    and_(
                        c.c.status == CommitmentStatus.OPEN.value,
                        c.c.due_on < query.now.date(),
                    )
                ).label("overdue_open"),
            )
            .select_from(c.join(scoped, scoped.c.id == c.c.pair_id))
            .where(c.c.org_id == org, c.c.due_on.is_not(None))
            .group_by(commitment_group)
            .subquery("commitments")
        )
        return [
            (subquery, [column.name for column in subquery.c if column.name != "key"])
            for subquery in (slots, gaps, items, ratings, commitments)
        ]

    def _joined(self, keys: Any, key_column: Any, aggregates: list[tuple[Any, list[str]]]) -> Any:
        joined = keys
        for subquery, _ in aggregates:
            joined = joined.outerjoin(subquery, subquery.c.key == key_column)
        return joined

    @staticmethod
    def _counted(aggregates: list[tuple[Any, list[str]]]) -> list[Any]:
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

    async def pair_counts(
        self,
        query: MetricsQuery,
        filters: MetricsFilter,
        *,
        after_id: UUID | None = None,
        limit: int | None = None,
    ) -> list[PairCountsRow]:
        """Each pair in scope with its counts, in id order (keyset after `after_id`)."""
        scoped = self._scoped_pairs(query, filters, after_id=after_id, limit=limit)
        aggregates = self._aggregates(query, scoped, BY_PAIR)
        statement: Select[Any] = (
            select(scoped, *self._counted(aggregates))
            .select_from(self._joined(scoped, scoped.c.id, aggregates))
            .order_by(scoped.c.id)
        )
        rows = (await self.connection.execute(statement)).mappings().all()
        return [self._pair_row(query, row) for row in rows]

    def _pair_row(self, query: MetricsQuery, row: Mapping[str, Any]) -> PairCountsRow:
        pair = self.pairs.to_entity(row)
        counts = PairCounts(
            cadence_days=pair.cadence_days,
            existing_microseconds=existing_microseconds(pair, query.window, query.now),
            next_meeting_booked=row["next_at"] is not None,
            **{name: row[name] for name in COUNT_COLUMNS},
        )
        return PairCountsRow(pair, counts, row["last_held_at"], row["next_at"])

    # -- per time-series bucket ---------------------------------------------------------

    async def bucket_totals(
        self, query: MetricsQuery, filters: MetricsFilter, bucket: Bucket
    ) -> list[Totals]:
        """The summed counts of the pairs in scope for each bucket of the window, in order
        (gaps are counted between held meetings of the same bucket)."""
        count = len(buckets(query.window, bucket))
        first = bucket_start(query.window.start, bucket)
        scoped = self._scoped_pairs(query, filters, with_cadence=False)
        aggregates = self._aggregates(query, scoped, _by_bucket(bucket, first))
        numbers = select(literal(0, Integer).label("n")).cte("bucket_numbers", recursive=True)
        numbers = numbers.union_all(select(numbers.c.n + 1).where(numbers.c.n + 1 < count))
        statement = (
            select(numbers.c.n, *self._counted(aggregates))
            .select_from(self._joined(numbers, numbers.c.n, aggregates))
            .order_by(numbers.c.n)
        )
        rows = (await self.connection.execute(statement)).mappings().all()
        return [Totals(**{name: row[name] for name in TOTAL_COLUMNS}) for row in rows]


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
TOTAL_COLUMNS = tuple(name for name in COUNT_COLUMNS if name != "overdue_open")
