"""Meeting-health metrics on the graph: `pairMetrics`, `Pair.metrics`, `metricsSummary` and
`timeseries`, over the same services as GET /v1/pairs/{id}/metrics, /v1/metrics/summary and
/v1/metrics/timeseries (docs/metrics.md has every formula). The object types are REST's
response models as GraphQL types, so a field is declared and filled in one place. Metrics
carry no content."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import strawberry
from strawberry.experimental.pydantic import type as pydantic_type

from app.api.graphql.shared_models import graph
from app.api.schemas.metrics import (
    Basis,
    CountsOut,
    HealthComponentsOut,
    HealthOut,
    PairMetricsOut,
    PointOut,
    PolicyFiguresOut,
    RatesOut,
    SignalOut,
    SummaryOut,
    WindowOut,
)
from app.domain.cadence import CadenceState
from app.domain.metric_figures import SignalCode
from app.domain.metric_windows import Bucket
from app.domain.pairs import PairKind
from app.services.metric_rollups import RollupScope
from app.services.metrics import MetricsBasis, PairReport

From = Annotated[
    datetime | None,
    strawberry.argument(name="from", description="Window start (default: `to` − 90 days)."),
]

To = Annotated[
    datetime | None, strawberry.argument(name="to", description="Window end (default: now).")
]

GroupId = Annotated[
    UUID | None,
    strawberry.argument(description="A group: only pairs with either of their two people in it."),
]


@pydantic_type(model=WindowOut, description="The window [from, to) the figures cover.")
class MetricsWindow:
    start: datetime = strawberry.field(name="from")
    end: datetime = strawberry.field(name="to")


@pydantic_type(model=PolicyFiguresOut, all_fields=True, description=PolicyFiguresOut.__doc__)
class PolicyFigures:
    pass


@pydantic_type(model=HealthComponentsOut, all_fields=True, description=HealthComponentsOut.__doc__)
class HealthComponents:
    pass


@pydantic_type(model=SignalOut, all_fields=True)
class MetricsSignal:
    pass


@pydantic_type(model=PairMetricsOut, all_fields=True, description=PairMetricsOut.__doc__)
class PairMetrics:
    policy: PolicyFigures
    computed_at: datetime


def pair_metrics_of(measured: MetricsBasis, found: PairReport) -> PairMetrics:
    """REST's pair metrics, with the policy figures and instant the answer used."""
    return graph(
        PairMetrics,
        PairMetricsOut.of(found),
        policy=PolicyFiguresOut.of(measured.policy).model_dump(),  # fields beyond the model
        computed_at=measured.computed_at,
    )


@pydantic_type(model=CountsOut, all_fields=True, description=CountsOut.__doc__)
class MetricCounts:
    max_gap_microseconds: float | None = strawberry.field(
        description="A float: microsecond figures exceed GraphQL's 32-bit Int."
    )
    total_gap_microseconds: float


@pydantic_type(model=RatesOut, all_fields=True, description=RatesOut.__doc__)
class MetricRates:
    pass


@pydantic_type(model=HealthOut, all_fields=True, description=HealthOut.__doc__)
class HealthDistribution:
    pass


@pydantic_type(model=PointOut, all_fields=True, description=PointOut.__doc__)
class TimeseriesPoint:
    pass


def basis_of(measured: MetricsBasis) -> dict[str, Any]:
    """What every metrics answer states, as GraphQL objects."""
    stated = Basis.fields_of(measured)
    return {
        "window": graph(MetricsWindow, stated["window"]),
        "policy": graph(PolicyFigures, stated["policy"]),
        "computed_at": measured.computed_at,
    }


@strawberry.type
class StateCount:
    state: CadenceState
    pairs: int


@strawberry.type
class SignalCount:
    code: SignalCode
    pairs: int


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
    def of(cls, measured: MetricsBasis, summary: SummaryOut) -> MetricsSummary:
        """REST's summary with its maps as lists."""
        return cls(
            **basis_of(measured),
            scope=RollupScope(summary.scope),
            person_id=summary.person_id,
            kind=summary.kind,
            pairs=summary.pairs,
            states=[StateCount(state=CadenceState(s), pairs=n) for s, n in summary.states.items()],
            pairs_booked=summary.pairs_booked,
            overdue_open=summary.overdue_open,
            expected_meetings=summary.expected_meetings,
            covered_meetings=summary.covered_meetings,
            coverage=summary.coverage,
            counts=graph(MetricCounts, summary.counts),
            rates=graph(MetricRates, summary.rates),
            health=graph(HealthDistribution, summary.health),
            signals=[SignalCount(code=SignalCode(c), pairs=n) for c, n in summary.signals.items()],
        )


@strawberry.type(description="Counts and rates per ISO week or calendar month (UTC).")
class Timeseries:
    window: MetricsWindow
    policy: PolicyFigures
    computed_at: datetime
    bucket: Bucket
    points: list[TimeseriesPoint]
