"""Meeting-health metrics of pairs: one pair, a filtered list (a page or every row).

Counts come from the database (app.persistence.repositories.metrics); the figures from
app.domain.metric_figures. Who sees what follows the privacy contract: a pair's metrics are
seen by its two people, the managers above its lead, admins and service keys; a person who
is not an admin only ever gets rows of their own pairs and of pairs led within their team.
Metrics carry no content.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable
from contextlib import AbstractAsyncContextManager, aclosing
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID

from app.domain.cadence import CadenceState, cadence_of, state_of
from app.domain.metric_figures import (
    PairStanding,
    PublishedMetrics,
    SignalCode,
    health_of,
    metrics_from_counts,
    signal_codes,
)
from app.domain.metric_rollups import PairFigures
from app.domain.metric_windows import Window, metrics_window
from app.domain.paging import Cursor, Page, PageRequest
from app.domain.pairs import Pair, PairStatus
from app.domain.policy import Policy
from app.domain.queries import MetricsFilter
from app.persistence.repositories.metrics import CountingTerms, PairCountsRow, PairTally
from app.services import visible_records
from app.services.context import ServiceContext
from app.services.groups import referenced_group
from app.services.metric_pages import KEPT, HealthKey, HealthOrder, OrderKey, PairsCursor

EXPORT_CHUNK = 500  # pairs per statement while streaming every row


@dataclass(frozen=True, slots=True)
class MetricsBasis:
    """What every metrics response states: the window and the policy figures it used."""

    window: Window
    policy: Policy
    computed_at: datetime

    def counting_terms(self, org_id: UUID) -> CountingTerms:
        return CountingTerms(
            org_id,
            self.window,
            self.computed_at,
            self.policy.grace_days,
            self.policy.late_cancel_hours,
        )


@dataclass(frozen=True, slots=True)
class PairReport:
    """One pair's metrics with who the pair is and where it stands now."""

    pair: Pair
    cadence_state: CadenceState
    metrics: PublishedMetrics


class PairOrder(StrEnum):
    PAIR_ID = "pair_id"
    HEALTH_SCORE = "health_score"  # lowest first: the pairs that need attention
    HEALTH_SCORE_DESCENDING = "-health_score"


@dataclass(frozen=True, slots=True)
class PairListRequest:
    """`/metrics/pairs`: which pairs, which signal, in which order."""

    filters: MetricsFilter
    signal: SignalCode | None = None
    order: PairOrder = PairOrder.PAIR_ID


async def basis(ctx: ServiceContext, start: datetime | None, end: datetime | None) -> MetricsBasis:
    return await basis_of(ctx, metrics_window(start, end, ctx.now))


async def basis_of(ctx: ServiceContext, window: Window) -> MetricsBasis:
    return MetricsBasis(window, await ctx.uow.policies.get(ctx.org_id), ctx.now)


def _standing(row: PairCountsRow, basis: MetricsBasis) -> PairStanding:
    policy = basis.policy
    state = cadence_of(
        row.pair, row.last_held_at, row.next_at, basis.computed_at, policy.grace_days
    ).state
    return PairStanding(
        active=row.pair.status is PairStatus.ACTIVE,
        cadence_state=state,
        target_cadence_days=policy.target_cadence_days,
    )


def report(row: PairCountsRow, basis: MetricsBasis) -> PairReport:
    standing = _standing(row, basis)
    metrics = metrics_from_counts(row.counts, basis.window, standing)
    return PairReport(row.pair, standing.cadence_state, metrics)


def figures(tally: PairTally, basis: MetricsBasis) -> PairFigures:
    """What a rollup needs of a pair: its health score and signal codes without the rest
    of its published figures (the same functions of app.domain.metric_figures decide)."""
    counts = tally.counts
    policy = basis.policy
    due_from = tally.last_held_at or tally.started_at
    late_after = due_from + timedelta(days=counts.cadence_days + policy.grace_days)
    state = state_of(tally.status, late_after, tally.next_at, basis.computed_at)
    standing = PairStanding(tally.status is PairStatus.ACTIVE, state, policy.target_cadence_days)
    return PairFigures(counts, health_of(counts), signal_codes(counts, standing), state)


def visible(ctx: ServiceContext, filters: MetricsFilter) -> MetricsFilter:
    """Narrow any metrics query to what the caller may see."""
    person = ctx.caller.person
    if person is None or ctx.caller.is_admin_person:
        return filters
    return replace(filters, viewer_id=person.id)


async def pair_metrics(
    ctx: ServiceContext, pair_id: UUID, start: datetime | None, end: datetime | None
) -> tuple[MetricsBasis, PairReport]:
    measured = await basis(ctx, start, end)
    pair = await visible_records.pair(ctx, pair_id)  # participants, managers above, admins, keys
    (row,) = await ctx.uow.metrics.pair_counts(
        measured.counting_terms(ctx.org_id), MetricsFilter(pair_id=pair.id)
    )
    return measured, report(row, measured)


async def metrics_of_pairs(
    ctx: ServiceContext, pair_ids: list[UUID], window: Window
) -> tuple[MetricsBasis, dict[UUID, PairReport]]:
    """The metrics of many pairs over a checked window (app.domain.metric_windows) in one
    statement, for a page of pairs; pairs the caller may not see are left out."""
    measured = await basis_of(ctx, window)
    filters = visible(ctx, MetricsFilter(pair_ids=tuple(pair_ids)))
    rows = await ctx.uow.metrics.pair_counts(measured.counting_terms(ctx.org_id), filters)
    return measured, {row.pair.id: report(row, measured) for row in rows}


async def checked_filters(ctx: ServiceContext, filters: MetricsFilter) -> MetricsFilter:
    """People named by the filters exist in the organization (422 otherwise), and the
    result is narrowed to what the caller may see."""
    if filters.lead_id is not None:
        await visible_records.referenced_person(ctx, filters.lead_id, "lead_id")
    if filters.team_of is not None:
        await visible_records.referenced_person(ctx, filters.team_of, "team_of")
    if filters.group_id is not None:
        await referenced_group(ctx, filters.group_id, "group_id")
    return visible(ctx, filters)


async def _chunk(
    ctx: ServiceContext,
    measured: MetricsBasis,
    request: PairListRequest,
    after_id: UUID | None,
    limit: int,
) -> tuple[list[PairReport], UUID | None]:
    """Up to `limit` pairs after `after_id` in id order (those raising the signal asked
    for), and the id to continue after (None after the last pair)."""
    rows = await ctx.uow.metrics.pair_counts(
        measured.counting_terms(ctx.org_id), request.filters, after_id=after_id, limit=limit
    )
    found = [report(row, measured) for row in rows]
    if request.signal is not None:
        found = [f for f in found if any(s.code == request.signal for s in f.metrics.signals)]
    return found, rows[-1].pair.id if len(rows) == limit else None


async def reports(
    ctx: ServiceContext,
    measured: MetricsBasis,
    request: PairListRequest,
    *,
    after_id: UUID | None = None,
    chunk: int = EXPORT_CHUNK,
) -> AsyncGenerator[PairReport]:
    """Every pair the request selects, in id order, fetched `chunk` pairs per statement."""
    while True:
        found, after_id = await _chunk(ctx, measured, request, after_id, chunk)
        for item in found:
            yield item
        if after_id is None:
            return


def _sign(order: PairOrder) -> int:
    return -1 if order is PairOrder.HEALTH_SCORE_DESCENDING else 1


def _place(score: int | None, pair_id: UUID, sign: int) -> HealthKey:
    """Pairs without a health score come last in either direction; ties by pair id."""
    return (score is None, sign * (score or 0), pair_id)


def _health_key(order: PairOrder) -> Callable[[PairReport], HealthKey]:
    sign = _sign(order)

    def key(found: PairReport) -> HealthKey:
        return _place(found.metrics.health_score, found.pair.id, sign)

    return key


async def _health_order(
    ctx: ServiceContext, measured: MetricsBasis, request: PairListRequest
) -> HealthOrder:
    """Every selected pair's place in health order, from the tallies a rollup reads (one
    statement, no pair entity and no published figures per pair): the same health score and
    signal codes a pair's report has (`figures` and `report` decide them alike)."""
    terms = measured.counting_terms(ctx.org_id)
    sign = _sign(request.order)
    keys: list[HealthKey] = []
    for tally in await ctx.uow.metrics.pair_tallies(terms, request.filters):
        placed = figures(tally, measured)
        if request.signal is None or request.signal in placed.signals:
            keys.append(_place(placed.health_score, tally.pair_id, sign))
    return HealthOrder(tuple(sorted(keys)))


Placed = tuple[HealthKey, PairReport]


async def _by_id(
    ctx: ServiceContext,
    measured: MetricsBasis,
    request: PairListRequest,
    after: UUID | None,
    wanted: int,
) -> list[Placed]:
    chunk = wanted if request.signal is None else EXPORT_CHUNK
    rows: list[Placed] = []
    async with aclosing(reports(ctx, measured, request, after_id=after, chunk=chunk)) as found:
        async for item in found:
            rows.append(((False, 0, item.pair.id), item))
            if len(rows) == wanted:
                break
    return rows


async def _by_health(
    ctx: ServiceContext,
    measured: MetricsBasis,
    request: PairListRequest,
    last: HealthKey | None,
    wanted: int,
) -> list[Placed]:
    """The page after `last` in health order, computing only the page's pairs: from the
    order this process keeps for the list (app.services.metric_pages), or, without one,
    from every selected pair's tally, whose order is then kept."""
    order_key = OrderKey(
        ctx.org_id,
        measured.window,
        measured.computed_at,
        request.filters,
        request.signal,
        request.order.value,
    )
    kept = KEPT.get(order_key)
    if kept is None:
        kept = await _health_order(ctx, measured, request)
        KEPT.keep(order_key, kept)
    places = kept.after(last, wanted)
    if not places:
        return []
    filters = replace(request.filters, pair_ids=tuple(key[2] for key in places))
    rows = await ctx.uow.metrics.pair_counts(measured.counting_terms(ctx.org_id), filters)
    found = {row.pair.id: report(row, measured) for row in rows}
    return [(key, found[key[2]]) for key in places if key[2] in found]


async def _page_basis(
    ctx: ServiceContext,
    start: datetime | None,
    end: datetime | None,
    order: PairOrder,
    cursor: Cursor | None,
) -> tuple[MetricsBasis, PairsCursor | None]:
    """The first page's window at now; a later page's, and its instant, from its cursor."""
    if cursor is None:
        return await basis(ctx, start, end), None
    if start is not None or end is not None:
        metrics_window(start, end, ctx.now)  # a window asked for is a valid one
    read = PairsCursor.read(cursor, order.value, (start, end), ctx.now)
    policy = await ctx.uow.policies.get(ctx.org_id)
    return MetricsBasis(read.window, policy, read.instant), read


async def pairs_page(
    ctx: ServiceContext,
    start: datetime | None,
    end: datetime | None,
    request: PairListRequest,
    paging: PageRequest,
) -> tuple[MetricsBasis, Page[PairReport]]:
    measured, cursor = await _page_basis(ctx, start, end, request.order, paging.cursor)
    request = replace(request, filters=await checked_filters(ctx, request.filters))
    wanted = paging.limit + 1
    if request.order is PairOrder.PAIR_ID:
        after = cursor.last_id if cursor else None
        rows = await _by_id(ctx, measured, request, after, wanted)
    else:
        last = None
        if cursor is not None:
            last = _place(cursor.score, cursor.last_id, _sign(request.order))
        rows = await _by_health(ctx, measured, request, last, wanted)
    items = rows[: paging.limit]
    following = None
    if len(rows) > paging.limit:
        (null, signed, last_id), _ = items[-1]
        score = None if null else _sign(request.order) * signed
        window, instant = measured.window, measured.computed_at
        following = PairsCursor(request.order.value, score, window, instant, last_id).encode()
    return measured, Page([found for _, found in items], following)


async def export_request(
    ctx: ServiceContext, start: datetime | None, end: datetime | None, request: PairListRequest
) -> tuple[MetricsBasis, PairListRequest]:
    """Check an export before it streams: its window, instant and policy are fixed here."""
    measured = await basis(ctx, start, end)
    return measured, replace(request, filters=await checked_filters(ctx, request.filters))


Reading = Callable[[], AbstractAsyncContextManager[ServiceContext]]


async def exported_chunks(
    reading: Reading, measured: MetricsBasis, request: PairListRequest
) -> AsyncGenerator[list[PairReport]]:
    """Every selected row in the request's order, EXPORT_CHUNK pairs per short transaction
    of its own (keyset over pair ids): while a chunk is being sent, to a client as slow as
    it likes, no connection or transaction is held. Health order sorts every row first."""
    chunks = _chunks_by_id(reading, measured, request)
    if request.order is PairOrder.PAIR_ID:
        async for found in chunks:
            yield found
        return
    everything = sorted(
        [item async for found in chunks for item in found], key=_health_key(request.order)
    )
    for first in range(0, len(everything), EXPORT_CHUNK):
        yield everything[first : first + EXPORT_CHUNK]


async def _chunks_by_id(
    reading: Reading, measured: MetricsBasis, request: PairListRequest
) -> AsyncGenerator[list[PairReport]]:
    after_id: UUID | None = None
    while True:
        async with reading() as ctx:
            found, after_id = await _chunk(ctx, measured, request, after_id, EXPORT_CHUNK)
        yield found
        if after_id is None:
            return
