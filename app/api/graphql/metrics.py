"""Meeting-health metrics on the graph: `Pair.metrics`, `metricsSummary` and `timeseries`,
over the same services as GET /v1/pairs/{id}/metrics, /v1/metrics/summary and
/v1/metrics/timeseries (docs/metrics.md has every formula). Metrics carry no content."""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import strawberry

from app.api.graphql.context import GraphInfo
from app.api.graphql.decorators import resolves
from app.domain.access import Scope
from app.domain.cadence import CadenceState
from app.domain.errors import NotFound
from app.domain.metric_figures import PairMetrics as DomainPairMetrics
from app.domain.metric_figures import SignalCode
from app.domain.metric_rollups import Rollup, Totals, rates_of
from app.domain.metric_windows import Bucket, Window
from app.domain.pairs import PairKind
from app.services import metric_rollups, metrics
from app.services.metric_rollups import RollupRequest, RollupScope
from app.services.metrics import MetricsBasis, PairReport

From = Annotated[
    datetime | None,
    strawberry.argument(name="from", description="Window start (default: `to` − 90 days)."),
]
To = Annotated[
    datetime | None, strawberry.argument(name="to", description="Window end (default: now).")
]


@strawberry.type(description="The window [from, to) the figures cover.")
class MetricsWindow:
    start: datetime = strawberry.field(name="from")
    end: datetime = strawberry.field(name="to")

    @classmethod
    def of(cls, window: Window) -> MetricsWindow:
        return cls(start=window.start, end=window.end)


@strawberry.type(description="The cadence policy figures the metrics used.")
class PolicyFigures:
    target_cadence_days: int
    grace_days: int
    late_cancel_hours: int


@strawberry.type(description="Each health component in [0, 1].")
class HealthComponents:
    attendance: float
    consistency: float
    follow_through: float
    balance: float
    substance: float
    booked: float


@strawberry.type
class MetricsSignal:
    code: SignalCode
    message: str


def _basis(measured: MetricsBasis) -> dict[str, Any]:
    policy = measured.policy
    return {
        "window": MetricsWindow.of(measured.window),
        "policy": PolicyFigures(
            target_cadence_days=policy.target_cadence_days,
            grace_days=policy.grace_days,
            late_cancel_hours=policy.late_cancel_hours,
        ),
        "computed_at": measured.computed_at,
    }


@strawberry.type(
    description="One pair's metrics over the window; rates are null when their denominator is 0."
)
class PairMetrics:
    window: MetricsWindow
    policy: PolicyFigures
    computed_at: datetime
    cadence_state: CadenceState
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
    health_score: int | None = strawberry.field(description="0–100; null while D < cadenceDays.")
    health_components: HealthComponents | None
    signals: list[MetricsSignal]

    @classmethod
    def of(cls, measured: MetricsBasis, found: PairReport) -> PairMetrics:
        m = found.metrics
        skipped = {"window", "health_components", "signals"}
        figures = {f.name: getattr(m, f.name) for f in fields(DomainPairMetrics)}
        return cls(
            **_basis(measured),
            cadence_state=found.cadence_state,
            **{name: value for name, value in figures.items() if name not in skipped},
            health_components=(
                None if m.health_components is None else HealthComponents(**m.health_components)
            ),
            signals=[MetricsSignal(code=SignalCode(s.code), message=s.message) for s in m.signals],
        )


@strawberry.type(description="Summed counts; every rate can be recomputed from these.")
class MetricCounts:
    slots: int
    held: int
    canceled: int
    unrecorded: int
    late_canceled: int
    rescheduled: int
    canceled_by_lead: int
    gap_count: int
    gaps_within_cadence: int
    max_gap_microseconds: float | None = strawberry.field(
        description="A float: microsecond figures exceed GraphQL's 32-bit Int."
    )
    total_gap_microseconds: float
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

    @classmethod
    def of(cls, totals: Totals) -> MetricCounts:
        return cls(slots=totals.slots, **{f.name: getattr(totals, f.name) for f in fields(Totals)})


@strawberry.type(description="Rates recomputed from the summed counts, never averaged.")
class MetricRates:
    held_rate: float | None
    cancel_rate: float | None
    late_cancel_rate: float | None
    reschedule_rate: float | None
    lead_cancel_share: float | None
    cadence_adherence: float | None
    max_gap_days: float | None
    mean_gap_days: float | None
    member_share: float | None
    status_share: float | None
    follow_through_rate: float | None
    lead_follow_through_rate: float | None
    member_follow_through_rate: float | None
    on_time_rate: float | None
    shortened_share: float | None
    rating_avg: float | None

    @classmethod
    def of(cls, totals: Totals) -> MetricRates:
        return cls(**rates_of(totals))


@strawberry.type
class StateCount:
    state: CadenceState
    pairs: int


@strawberry.type
class SignalCount:
    code: SignalCode
    pairs: int


@strawberry.type(description="Health scores of the pairs that have one.")
class HealthDistribution:
    scored_pairs: int
    mean: float | None
    p25: float | None
    median: float | None
    p75: float | None


@strawberry.type(description="Metrics rolled up over a scope (GET /v1/metrics/summary).")
class MetricsSummary:
    window: MetricsWindow
    policy: PolicyFigures
    computed_at: datetime
    scope: RollupScope
    person_id: UUID | None
    kind: PairKind | None
    pairs: int
    states: list[StateCount]
    pairs_booked: int
    overdue_open: int
    expected_meetings: int
    covered_meetings: int
    coverage: float | None
    counts: MetricCounts
    rates: MetricRates
    health: HealthDistribution
    signals: list[SignalCount]

    @classmethod
    def of(cls, measured: MetricsBasis, wanted: RollupRequest, rollup: Rollup) -> MetricsSummary:
        h = rollup.health
        return cls(
            **_basis(measured),
            scope=wanted.scope,
            person_id=wanted.person_id,
            kind=wanted.kind,
            pairs=rollup.pairs,
            states=[StateCount(state=CadenceState(s), pairs=n) for s, n in rollup.states.items()],
            pairs_booked=rollup.pairs_booked,
            overdue_open=rollup.overdue_open,
            expected_meetings=rollup.expected,
            covered_meetings=rollup.covered,
            coverage=rollup.coverage,
            counts=MetricCounts.of(rollup.totals),
            rates=MetricRates.of(rollup.totals),
            health=HealthDistribution(
                scored_pairs=h.scored_pairs, mean=h.mean, p25=h.p25, median=h.median, p75=h.p75
            ),
            signals=[SignalCount(code=SignalCode(c), pairs=n) for c, n in rollup.signals.items()],
        )


@strawberry.type
class TimeseriesPoint:
    window: MetricsWindow = strawberry.field(description="The bucket, clipped to the window.")
    counts: MetricCounts
    rates: MetricRates


@strawberry.type(description="Counts and rates per ISO week or calendar month (UTC).")
class Timeseries:
    window: MetricsWindow
    policy: PolicyFigures
    computed_at: datetime
    bucket: Bucket
    points: list[TimeseriesPoint]


@strawberry.type
class MetricsQuery:
    @resolves(
        "One pair's metrics over [from, to), or null if the caller may not see the pair"
        " (metrics:read; GET /v1/pairs/{id}/metrics)."
    )
    async def pair_metrics(
        self, info: GraphInfo, id: UUID, start: From = None, end: To = None
    ) -> PairMetrics | None:
        info.context.require(Scope.METRICS_READ)
        info.context.address(info, pair_id=id)
        try:
            measured, found = await metrics.pair_metrics(info.context.use_case, id, start, end)
        except NotFound:
            return None
        return PairMetrics.of(measured, found)

    @resolves(
        "A rollup: `ORG`, `LEAD` (the pairs personId leads) or `TEAM` (pairs led by personId"
        " or anyone below them) (metrics:read)."
    )
    async def metrics_summary(
        self,
        info: GraphInfo,
        scope: RollupScope,
        person_id: UUID | None = None,
        kind: PairKind | None = None,
        start: From = None,
        end: To = None,
    ) -> MetricsSummary | None:
        info.context.require(Scope.METRICS_READ)
        info.context.address(info)
        wanted = RollupRequest(scope, person_id, kind)
        measured, rollup = await metric_rollups.summary(info.context.use_case, wanted, start, end)
        return MetricsSummary.of(measured, wanted, rollup)

    @resolves("The summary's counts and rates per bucket (metrics:read).")
    async def timeseries(
        self,
        info: GraphInfo,
        bucket: Bucket,
        scope: RollupScope,
        person_id: UUID | None = None,
        kind: PairKind | None = None,
        start: From = None,
        end: To = None,
    ) -> Timeseries | None:
        info.context.require(Scope.METRICS_READ)
        info.context.address(info)
        wanted = RollupRequest(scope, person_id, kind)
        measured, points = await metric_rollups.timeseries(
            info.context.use_case, wanted, bucket, start, end
        )
        return Timeseries(
            **_basis(measured),
            bucket=bucket,
            points=[
                TimeseriesPoint(
                    window=MetricsWindow.of(w), counts=MetricCounts.of(t), rates=MetricRates.of(t)
                )
                for w, t in points
            ],
        )
