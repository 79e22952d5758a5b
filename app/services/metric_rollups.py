"""Metrics rolled up over many pairs (the organization, a lead's pairs, a team) and the same
counts and rates per week or month."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from app.domain.errors import Forbidden, InvalidInput
from app.domain.metric_rollups import Rollup, Totals, roll_up
from app.domain.metric_windows import Bucket, Window, buckets
from app.domain.pairs import PairKind
from app.domain.queries import MetricsFilter
from app.persistence.repositories.metrics import PairTally
from app.services import visible_records
from app.services.context import ServiceContext
from app.services.groups import referenced_group
from app.services.metrics import MetricsBasis, basis, figures, visible


class RollupScope(StrEnum):
    ORG = "org"  # every pair of the organization
    LEAD = "lead"  # the pairs `person_id` leads
    TEAM = "team"  # the pairs led by `person_id` or anyone below them


@dataclass(frozen=True, slots=True)
class RollupRequest:
    scope: RollupScope
    person_id: UUID | None = None
    kind: PairKind | None = None
    group_id: UUID | None = None  # only pairs with either of their people in the group


async def _scope_filter(ctx: ServiceContext, request: RollupRequest) -> MetricsFilter:
    """The pairs a rollup covers, within the group when one is named."""
    scoped = await _scope_only(ctx, request)
    if request.group_id is None:
        return scoped
    await referenced_group(ctx, request.group_id, "group_id")
    return replace(scoped, group_id=request.group_id)


async def _scope_only(ctx: ServiceContext, request: RollupRequest) -> MetricsFilter:
    """The pairs a rollup covers; a person who is not an admin rolls up their own team only."""
    if request.scope is RollupScope.ORG:
        if request.person_id is not None:
            raise InvalidInput(
                "scope=org covers the whole organization and takes no person_id.",
                code="invalid_scope",
                field="person_id",
            )
        caller = ctx.caller
        if caller.person is not None and not caller.is_admin_person:
            raise Forbidden(
                "Organization-wide metrics are for admins and service keys; ask for"
                " scope=team with your own id.",
                code="not_your_team",
            )
        return MetricsFilter(kind=request.kind)
    if request.person_id is None:
        raise InvalidInput(
            f"scope={request.scope.value} needs person_id: whose pairs to roll up.",
            code="invalid_scope",
            field="person_id",
        )
    person = await visible_records.referenced_person(ctx, request.person_id, "person_id")
    caller = ctx.caller
    if caller.person is not None and not caller.is_admin_person:
        managers = await visible_records.managers_above(ctx, person.id)
        if person.id != caller.person.id and caller.person.id not in managers:
            raise Forbidden(
                "You see the metrics of your own pairs and of the people below you only.",
                code="not_your_team",
            )
    if request.scope is RollupScope.LEAD:
        return visible(ctx, MetricsFilter(lead_id=person.id, kind=request.kind))
    return visible(ctx, MetricsFilter(team_of=person.id, kind=request.kind))


async def summary(
    ctx: ServiceContext, request: RollupRequest, start: datetime | None, end: datetime | None
) -> tuple[MetricsBasis, Rollup]:
    measured = await basis(ctx, start, end)
    filters = await _scope_filter(ctx, request)
    tallies = await ctx.uow.metrics.pair_tallies(measured.counting_terms(ctx.org_id), filters)
    return measured, rolled_up(tallies, measured)


def rolled_up(tallies: Iterable[PairTally], measured: MetricsBasis) -> Rollup:
    """The rollup of the pairs' counts: each pair's health and signals, then the sums."""
    return roll_up(figures(tally, measured) for tally in tallies)


async def timeseries(
    ctx: ServiceContext,
    request: RollupRequest,
    bucket: Bucket,
    start: datetime | None,
    end: datetime | None,
) -> tuple[MetricsBasis, list[tuple[Window, Totals]]]:
    measured = await basis(ctx, start, end)
    filters = await _scope_filter(ctx, request)
    totals = await ctx.uow.metrics.bucket_totals(
        measured.counting_terms(ctx.org_id), filters, bucket
    )
    return measured, list(zip(buckets(measured.window, bucket), totals, strict=True))
