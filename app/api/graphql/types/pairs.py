"""Pairs: who holds 1:1s with whom; their cadence, meetings and commitments."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated
from uuid import UUID

import strawberry
from strawberry.experimental.pydantic import type as pydantic_type

from app.api.graphql.connections import (
    FIRST_DESCRIPTION,
    Connection,
    from_children,
    page_request,
)
from app.api.graphql.context import GraphInfo
from app.api.graphql.decorators import resolves
from app.api.graphql.loaders import MetricsOfPair, PageShape
from app.api.graphql.nodes import PAIRS
from app.api.graphql.shared_models import graph
from app.api.graphql.types.commitments import Commitment, commitment_node
from app.api.graphql.types.derived import derived_type, node_maker, version_field
from app.api.graphql.types.meetings import Meeting, meeting_node
from app.api.graphql.types.metrics import From as MetricsFrom
from app.api.graphql.types.metrics import PairMetrics, pair_metrics_of
from app.api.graphql.types.metrics import To as MetricsTo
from app.api.graphql.types.people import Person, load_person, people_named_by
from app.api.schemas.pairs import CadenceOut, PairOut
from app.domain.access import Scope
from app.domain.commitments import CommitmentStatus
from app.domain.meetings import MeetingStatus
from app.domain.metric_windows import metrics_window
from app.domain.paging import DEFAULT_LIMIT
from app.domain.pairs import Pair as DomainPair

First = Annotated[int, strawberry.argument(description=FIRST_DESCRIPTION)]


@pydantic_type(
    model=CadenceOut,
    all_fields=True,
    description="Where a pair stands now (GET /v1/pairs/{id}/cadence).",
)
class Cadence:
    pass


async def cadence_now_of(pairs: Sequence[Pair], info: GraphInfo) -> list[Cadence | None]:
    """Each pair's cadence state now (pairs:read)."""
    info.context.require(Scope.PAIRS_READ)
    found = await info.context.loaders.cadences([pair.record for pair in pairs])
    return [
        None if cadence is None else graph(Cadence, CadenceOut.of(cadence)) for cadence in found
    ]


async def metrics_of(
    pairs: Sequence[Pair], info: GraphInfo, start: MetricsFrom = None, end: MetricsTo = None
) -> list[PairMetrics | None]:
    """Each pair's meeting-health metrics over [start, end) (metrics:read)."""
    info.context.require(Scope.METRICS_READ)
    window = metrics_window(start, end, info.context.service_context.now)
    keys = [MetricsOfPair(pair.id, window) for pair in pairs]
    found = await info.context.loaders.metrics_of_pair.load_many(keys)
    return [None if measured is None else pair_metrics_of(*measured) for measured in found]


async def meetings_of(
    pairs: Sequence[Pair],
    info: GraphInfo,
    first: int = DEFAULT_LIMIT,
    after: str | None = None,
    status: MeetingStatus | None = None,
    newest_first: bool = False,
) -> list[Connection[Meeting] | None]:
    """A page of each pair's meetings (meetings:read); None for a pair whose content the
    caller may not see."""
    context = info.context
    context.require(Scope.MEETINGS_READ)
    request = page_request(first, after)
    shape = PageShape.probing(request, newest_first=newest_first, status=status)
    pages = await context.loaders.meetings_of_pairs([pair.record for pair in pairs], shape)
    return [
        None
        if meetings is None
        else from_children(meetings, request, after, lambda m: m.starts_at, meeting_node)
        for meetings in pages
    ]


async def commitments_of(
    pairs: Sequence[Pair],
    info: GraphInfo,
    first: int = DEFAULT_LIMIT,
    after: str | None = None,
    status: CommitmentStatus | None = None,
) -> list[Connection[Commitment] | None]:
    """A page of each pair's commitments (content:read); None for a pair whose content the
    caller may not see."""
    context = info.context
    context.require(Scope.CONTENT_READ)
    request = page_request(first, after)
    shape = PageShape.probing(request, status=status)
    pages = await context.loaders.commitments_of_pairs([pair.record for pair in pairs], shape)
    return [
        None
        if found is None
        else from_children(found, request, after, lambda c: c.created_at, commitment_node)
        for found in pages
    ]


@derived_type(
    PairOut,
    description="Two people who hold 1:1s. Managers above the lead see the pair,"
    " not its content: `meetings` and `commitments` are null for them.",
)
class Pair:
    id: UUID  # read by the resolvers below
    lead_id: UUID
    member_id: UUID
    version: int = version_field()
    record: strawberry.Private[DomainPair]

    @resolves("The lead (people:read for a key).", for_all_parents=people_named_by("lead_id"))
    async def lead(self, info: GraphInfo) -> Person | None:
        return await load_person(info, self.lead_id)

    @resolves("The member (people:read for a key).", for_all_parents=people_named_by("member_id"))
    async def member(self, info: GraphInfo) -> Person | None:
        return await load_person(info, self.member_id)

    @resolves("The cadence state now (pairs:read).", for_all_parents=cadence_now_of)
    async def cadence(self, info: GraphInfo) -> Cadence | None:
        return (await cadence_now_of([self], info))[0]

    @resolves(
        "The pair's meeting-health metrics over [from, to) (metrics:read); for the pair's"
        " people, managers above the lead, admins and keys. No content.",
        for_all_parents=metrics_of,
    )
    async def metrics(
        self, info: GraphInfo, start: MetricsFrom = None, end: MetricsTo = None
    ) -> PairMetrics | None:
        return (await metrics_of([self], info, start, end))[0]

    @resolves(
        "The pair's meetings in start order, or newest first"
        " (meetings:read); null for callers who may not see the pair's content.",
        for_all_parents=meetings_of,
    )
    async def meetings(
        self,
        info: GraphInfo,
        first: First = DEFAULT_LIMIT,
        after: str | None = None,
        status: MeetingStatus | None = None,
        newest_first: bool = False,
    ) -> Connection[Meeting] | None:
        return (await meetings_of([self], info, first, after, status, newest_first))[0]

    @resolves(
        "The pair's commitments, oldest first (content:read); null"
        " for callers who may not see the pair's content.",
        for_all_parents=commitments_of,
    )
    async def commitments(
        self,
        info: GraphInfo,
        first: First = DEFAULT_LIMIT,
        after: str | None = None,
        status: CommitmentStatus | None = None,
    ) -> Connection[Commitment] | None:
        return (await commitments_of([self], info, first, after, status))[0]


pair_node: Callable[[DomainPair], Pair] = PAIRS.registers(node_maker(Pair))
