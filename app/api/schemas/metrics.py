"""Metrics out: every field is a figure of the published formula table (docs/metrics.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from app.domain.cadence import CadenceState
from app.domain.metric_figures import SignalCode
from app.domain.metric_rollups import Rollup, Totals, rates_of
from app.domain.metric_windows import Bucket, Window
from app.domain.pairs import PairKind, PairStatus
from app.domain.policy import Policy
from app.services.metrics import MetricsBasis, PairReport


class WindowOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    start: datetime = Field(alias="from", description="Start of the window (inclusive).")
    end: datetime = Field(alias="to", description="End of the window (exclusive).")

    @classmethod
    def of(cls, window: Window) -> WindowOut:
        return cls(start=window.start, end=window.end)


class PolicyFiguresOut(BaseModel):
    """The cadence policy figures the metrics used."""

    target_cadence_days: int
    grace_days: int
    late_cancel_hours: int

    @classmethod
    def of(cls, policy: Policy) -> PolicyFiguresOut:
        return cls(
            target_cadence_days=policy.target_cadence_days,
            grace_days=policy.grace_days,
            late_cancel_hours=policy.late_cancel_hours,
        )


class Basis(BaseModel):
    """What every metrics response states."""

    window: WindowOut
    policy: PolicyFiguresOut
    computed_at: datetime = Field(description="`now` of the computation.")

    @staticmethod
    def fields_of(measured: MetricsBasis) -> dict[str, Any]:
        return {
            "window": WindowOut.of(measured.window),
            "policy": PolicyFiguresOut.of(measured.policy),
            "computed_at": measured.computed_at,
        }


class HealthComponentsOut(BaseModel):
    """Each health component in [0, 1]."""

    attendance: float
    consistency: float
    follow_through: float
    balance: float
    substance: float
    booked: float


class SignalOut(BaseModel):
    code: SignalCode
    message: str


class PairMetricsOut(BaseModel):
    """One pair's metrics over the window (rates are null when their denominator is 0)."""

    model_config = ConfigDict(serialize_by_alias=True)

    pair_id: UUID
    lead_id: UUID
    member_id: UUID
    kind: PairKind
    status: PairStatus
    cadence_state: CadenceState
    window: WindowOut
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
    health_score: int | None = Field(description="0–100; null while D < cadence_days.")
    health_components: HealthComponentsOut | None
    signals: list[SignalOut]

    @classmethod
    def of(cls, found: PairReport) -> PairMetricsOut:
        m = found.metrics
        figures = {
            name: getattr(m, name)
            for name in cls.model_fields
            if name not in PAIR_FIELDS and hasattr(m, name)
        }
        figures.update(
            window=WindowOut.of(m.window),
            health_components=m.health_components,
            signals=[SignalOut(code=SignalCode(s.code), message=s.message) for s in m.signals],
        )
        pair = found.pair
        return cls(
            pair_id=pair.id,
            lead_id=pair.lead_id,
            member_id=pair.member_id,
            kind=pair.kind,
            status=pair.status,
            cadence_state=found.cadence_state,
            **figures,
        )


PAIR_FIELDS = ("pair_id", "lead_id", "member_id", "kind", "status", "cadence_state")


class PairMetricsResponse(Basis):
    data: PairMetricsOut


class PairMetricsPage(Basis):
    data: list[PairMetricsOut]
    next_cursor: str | None


class RatesOut(BaseModel):
    """Rates recomputed from the summed counts (never an average of rates)."""

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


class CountsOut(BaseModel):
    """Summed counts; every rate can be recomputed from these."""

    slots: int
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

    @classmethod
    def of(cls, totals: Totals) -> CountsOut:
        names = cls.model_fields.keys() - {"slots"}
        return cls(slots=totals.slots, **{name: getattr(totals, name) for name in names})


class HealthOut(BaseModel):
    """Health scores of the pairs that have one."""

    scored_pairs: int = Field(description="Pairs with a health score (D ≥ cadence_days).")
    mean: float | None
    p25: float | None
    median: float | None
    p75: float | None


class SummaryOut(BaseModel):
    scope: str
    person_id: UUID | None
    kind: PairKind | None
    pairs: int
    states: dict[str, int] = Field(description="Pairs per cadence state now.")
    pairs_booked: int = Field(description="Pairs with a next meeting on the books.")
    overdue_open: int
    expected_meetings: int = Field(
        description="Σ max(1, floor(D / cadence_days)) over the pairs with D > 0."
    )
    covered_meetings: int = Field(description="Σ min(held, expected) per pair.")
    coverage: float | None = Field(description="covered_meetings / expected_meetings.")
    counts: CountsOut
    rates: RatesOut
    health: HealthOut
    signals: dict[str, int] = Field(description="Pairs raising each signal.")

    @classmethod
    def of(
        cls, rollup: Rollup, scope: str, person_id: UUID | None, kind: PairKind | None
    ) -> SummaryOut:
        h = rollup.health
        return cls(
            scope=scope,
            person_id=person_id,
            kind=kind,
            pairs=rollup.pairs,
            states=rollup.states,
            pairs_booked=rollup.pairs_booked,
            overdue_open=rollup.overdue_open,
            expected_meetings=rollup.expected,
            covered_meetings=rollup.covered,
            coverage=rollup.coverage,
            counts=CountsOut.of(rollup.totals),
            rates=RatesOut(**rates_of(rollup.totals)),
            health=HealthOut(
                scored_pairs=h.scored_pairs, mean=h.mean, p25=h.p25, median=h.median, p75=h.p75
            ),
            signals=rollup.signals,
        )


class SummaryResponse(Basis):
    data: SummaryOut


class PointOut(BaseModel):
    """One bucket's counts and rates."""

    window: WindowOut = Field(description="The bucket, clipped to the requested window.")
    counts: CountsOut
    rates: RatesOut

    @classmethod
    def of(cls, bucket: Window, totals: Totals) -> PointOut:
        return cls(
            window=WindowOut.of(bucket),
            counts=CountsOut.of(totals),
            rates=RatesOut(**rates_of(totals)),
        )


class TimeseriesResponse(Basis):
    bucket: Bucket
    scope: str
    person_id: UUID | None
    data: list[PointOut]
