"""Meeting-health counts computed in the database (the production path of the metrics).

One statement per request: the pairs in scope (a recursive CTE for team subtrees) with the
state each pair keeps (its last held meeting and open dated commitments, kept on write:
revision 0015) and its next booked meeting (an index of scheduled meetings), then the
aggregates (meetings that are slots, with the agenda item and rating counts and the previous
held start that the held ones carry, kept on write: revisions 0014 and 0017; commitments
due),
left-joined to the grouping key — a pair, or a time-series bucket. The counts mean exactly
what app.domain.metrics_reference.count_pair counts; a property test holds the two together
on SQLite and PostgreSQL. Rates, health and signals are computed from the counts by
app.domain.metric_figures.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from operator import itemgetter
from typing import Any, NamedTuple
from uuid import UUID

from sqlalchemy import CTE, Integer, Row, Select, func, literal, or_, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from app.domain.metric_figures import PairCounts
from app.domain.metric_rollups import Totals
from app.domain.metric_windows import Bucket, bucket_start, buckets, existing_between
from app.domain.pairs import Pair, PairStatus
from app.domain.queries import MetricsFilter
from app.persistence.repositories.metric_aggregates import (
    BY_PAIR,
    TOTAL_COLUMNS,
    CountingTerms,
    aggregates,
    by_bucket,
    counted,
    joined,
)
from app.persistence.repositories.pairs import PairRepository, next_at_sql
from app.persistence.tables import GroupMemberRow, PairMetricStateRow, PairRow, PersonRow

PAIRS = PairRow.__table__  # type: ignore[attr-defined]
PEOPLE = PersonRow.__table__  # type: ignore[attr-defined]
GROUP_MEMBERS = GroupMemberRow.__table__  # type: ignore[attr-defined]
PAIR_STATE = PairMetricStateRow.__table__  # type: ignore[attr-defined]

SORT_MEMORY = "32MB"  # PostgreSQL's work_mem for a metrics statement (the default is 4MB)

__all__ = ["CountingTerms", "MetricsRepository", "PairCountsRow", "PairTally"]

# The counts a statement returns as columns, in the order of PairCounts' fields (the first
# four are worked out per pair: cadence, D, whether a meeting is booked, overdue_open)
COLUMN_COUNTS = tuple(f.name for f in fields(PairCounts))[4:]
PAIR_STATUSES = {status.value: status for status in PairStatus}


@dataclass(frozen=True, slots=True)
class PairCountsRow:
    pair: Pair
    counts: PairCounts
    last_held_at: datetime | None
    next_at: datetime | None


class PairTally(NamedTuple):
    """What a rollup needs of one pair: its counts and the facts its cadence state now is
    decided by (app.domain.cadence), without the rest of the pair (a named tuple, built
    once per pair)."""

    pair_id: UUID
    status: PairStatus
    started_at: datetime
    last_held_at: datetime | None
    next_at: datetime | None
    counts: PairCounts


def _counts_reader(
    terms: CountingTerms, keys: Sequence[str]
) -> Callable[[Row[Any], int, datetime, datetime | None], PairCounts]:
    """Reads a row's counts by position (a row of 10,000 is read in microseconds)."""
    column = keys.index
    columns = itemgetter(*(column(name) for name in COLUMN_COUNTS))
    next_at, open_dated, open_ahead = map(
        column, ("next_at", "open_dated_commitments", "open_ahead")
    )
    window, now = terms.window, terms.now

    def read(
        row: Row[Any], cadence_days: int, started_at: datetime, ended_at: datetime | None
    ) -> PairCounts:
        return PairCounts(
            cadence_days,
            existing_between(started_at, ended_at, window, now),
            row[next_at] is not None,
            row[open_dated] - row[open_ahead],
            *columns(row),
        )

    return read


class MetricsRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection
        self.pairs = PairRepository(connection)
        self._planned_per_call = False

    async def _execute(self, statement: Select[Any]) -> tuple[list[str], Sequence[Row[Any]]]:
        """Run a metrics statement. On PostgreSQL it is planned for its own parameters every
        time: a generic plan, which a prepared statement switches to after a few runs, reads
        the whole organization's window for a page of 50 pairs (8 ms became 310 ms); and its
        aggregates and sorts (the window's meetings by pair take 6.5 MB of hash table at 10,000
        pairs) get enough memory not to spill to disk at a million meetings, for this
        transaction only."""
        if self.connection.dialect.name == "postgresql" and not self._planned_per_call:
            await self.connection.execute(
                text(
                    "SELECT set_config('plan_cache_mode', 'force_custom_plan', true),"
                    f" set_config('work_mem', '{SORT_MEMORY}', true)"
                )
            )
            self._planned_per_call = True
        result = await self.connection.execute(statement)
        return list(result.keys()), result.all()

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
        terms: CountingTerms,
        filters: MetricsFilter,
        *,
        after_id: UUID | None = None,
        limit: int | None = None,
        with_cadence: bool = True,
        inlined: bool = False,
    ) -> CTE:
        p = PAIRS.c
        statement = select(*PAIRS.c).where(p.org_id == terms.org_id)
        if with_cadence:  # the last held meeting and the open dated commitments are kept
            state = PAIR_STATE.c
            statement = statement.add_columns(
                state.last_held_at,
                func.coalesce(state.open_dated_commitments, 0).label("open_dated_commitments"),
                next_at_sql(terms.org_id, p.id, terms.now).label("next_at"),
            ).select_from(PAIRS.outerjoin(PAIR_STATE, state.pair_id == p.id))
        if filters.pair_id is not None:
            statement = statement.where(p.id == filters.pair_id)
        if filters.pair_ids is not None:
            statement = statement.where(p.id.in_(filters.pair_ids))
        if filters.lead_id is not None:
            statement = statement.where(p.lead_id == filters.lead_id)
        if filters.kind is not None:
            statement = statement.where(p.kind == filters.kind.value)
        if filters.team_of is not None:
            team = self._subtree(terms.org_id, filters.team_of, "team")
            statement = statement.where(p.lead_id.in_(select(team.c.id)))
        if filters.viewer_id is not None:
            seen = self._subtree(terms.org_id, filters.viewer_id, "viewer_team")
            statement = statement.where(
                or_(p.member_id == filters.viewer_id, p.lead_id.in_(select(seen.c.id)))
            )
        if filters.group_id is not None:
            members = select(GROUP_MEMBERS.c.person_id).where(
                GROUP_MEMBERS.c.org_id == terms.org_id,
                GROUP_MEMBERS.c.group_id == filters.group_id,
            )
            statement = statement.where(or_(p.lead_id.in_(members), p.member_id.in_(members)))
        if filters.cadence_state is not None:
            state = self.pairs.cadence_state_sql(terms.org_id, terms.now, terms.grace_days)
            statement = statement.where(state == filters.cadence_state.value)
        if after_id is not None:
            statement = statement.where(p.id > after_id)
        if limit is not None:
            statement = statement.order_by(p.id).limit(limit)
        scoped = statement.cte("scoped")
        # PostgreSQL computes a CTE read more than once apart, and each read of it is then
        # sorted for a merge join; inlined, the planner joins the pairs table to each
        # aggregate itself (hash joins, commitments summed by hash).
        return scoped.prefix_with("NOT MATERIALIZED", dialect="postgresql") if inlined else scoped

    async def pair_counts(
        self,
        terms: CountingTerms,
        filters: MetricsFilter,
        *,
        after_id: UUID | None = None,
        limit: int | None = None,
    ) -> list[PairCountsRow]:
        """Each pair in scope with its counts, in id order (keyset after `after_id`)."""
        scoped = self._scoped_pairs(terms, filters, after_id=after_id, limit=limit)
        per_table = aggregates(terms, scoped, BY_PAIR)
        statement: Select[Any] = (
            select(scoped, *counted(per_table))
            .select_from(joined(scoped, scoped.c.id, per_table))
            .order_by(scoped.c.id)
        )
        keys, rows = await self._execute(statement)
        read = _counts_reader(terms, keys)
        last_held_at, next_at = keys.index("last_held_at"), keys.index("next_at")
        found: list[PairCountsRow] = []
        for row in rows:
            pair = self.pairs.to_entity(row._asdict())
            counts = read(row, pair.cadence_days, pair.started_at, pair.ended_at)
            found.append(PairCountsRow(pair, counts, row[last_held_at], row[next_at]))
        return found

    async def pair_tallies(self, terms: CountingTerms, filters: MetricsFilter) -> list[PairTally]:
        """What a rollup needs of each pair in scope, in id order: the same statement as
        `pair_counts` returning only the columns the counts and cadence state are made of,
        with the pairs in scope inlined rather than computed apart (about 7% less time on
        PostgreSQL at 10,000 pairs: benchmarks/README.md)."""
        scoped = self._scoped_pairs(terms, filters, inlined=True)
        per_table = aggregates(terms, scoped, BY_PAIR)
        s = scoped.c
        statement: Select[Any] = (
            select(
                s.id,
                s.status,
                s.cadence_days,
                s.started_at,
                s.ended_at,
                s.last_held_at,
                s.next_at,
                s.open_dated_commitments,
                *counted(per_table),
            )
            .select_from(joined(scoped, s.id, per_table))
            .order_by(s.id)
        )
        keys, rows = await self._execute(statement)
        read = _counts_reader(terms, keys)
        facts = itemgetter(*range(7))  # the columns before the counts
        found: list[PairTally] = []
        for row in rows:
            pair_id, status, cadence_days, started_at, ended_at, last_held_at, next_at = facts(row)
            counts = read(row, cadence_days, started_at, ended_at)
            found.append(
                PairTally(pair_id, PAIR_STATUSES[status], started_at, last_held_at, next_at, counts)
            )
        return found

    # -- per time-series bucket ---------------------------------------------------------

    async def bucket_totals(
        self, terms: CountingTerms, filters: MetricsFilter, bucket: Bucket
    ) -> list[Totals]:
        """The summed counts of the pairs in scope for each bucket of the window, in order
        (gaps are counted between held meetings of the same bucket)."""
        count = len(buckets(terms.window, bucket))
        first = bucket_start(terms.window.start, bucket)
        scoped = self._scoped_pairs(terms, filters, with_cadence=False)
        per_table = aggregates(terms, scoped, by_bucket(bucket, first))
        numbers = select(literal(0, Integer).label("n")).cte("bucket_numbers", recursive=True)
        numbers = numbers.union_all(select(numbers.c.n + 1).where(numbers.c.n + 1 < count))
        statement = (
            select(numbers.c.n, *counted(per_table))
            .select_from(joined(numbers, numbers.c.n, per_table))
            .order_by(numbers.c.n)
        )
        keys, rows = await self._execute(statement)
        columns = itemgetter(*map(keys.index, TOTAL_COLUMNS))
        return [Totals(**dict(zip(TOTAL_COLUMNS, columns(row), strict=True))) for row in rows]
