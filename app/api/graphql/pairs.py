"""Pairs: who holds 1:1s with whom; their cadence, meetings and commitments."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, cast
from uuid import UUID

import strawberry
from strawberry.experimental.pydantic import type as pydantic_type

from app.api.graphql.commitments import Commitment, commitment_node
from app.api.graphql.connections import (
    FIRST_DESCRIPTION,
    Connection,
    build,
    from_first,
    from_page,
    page_request,
)
from app.api.graphql.context import GraphInfo, or_none
from app.api.graphql.decorators import mutates, resolves
from app.api.graphql.loaders import FirstChildren, MetricsOfPair
from app.api.graphql.meetings import Meeting, meeting_node
from app.api.graphql.metrics import From as MetricsFrom
from app.api.graphql.metrics import PairMetrics, pair_metrics_of
from app.api.graphql.metrics import To as MetricsTo
from app.api.graphql.mutations import (
    IF_VERSION,
    answer,
    checked,
    perform,
    values_of,
    versioned_edit,
)
from app.api.graphql.nodes import PAIRS
from app.api.graphql.people import Person, load_person
from app.api.graphql.problems import (
    NotFoundProblem,
    PermissionProblem,
    StateConflictProblem,
    ValidationProblem,
)
from app.api.graphql.rest_models import graph
from app.api.schemas.pairs import CadenceOut, PairCreate, PairEnd, PairUpdate
from app.domain.access import Scope
from app.domain.cadence import CadenceState
from app.domain.commitments import CommitmentStatus
from app.domain.errors import NotFound
from app.domain.meetings import MeetingStatus
from app.domain.metric_windows import metrics_window
from app.domain.paging import DEFAULT_LIMIT
from app.domain.pairs import Pair as DomainPair
from app.domain.pairs import PairKind, PairSource, PairStatus
from app.domain.privacy import check_content_visible
from app.domain.queries import CommitmentFilter, MeetingFilter, PairFilter
from app.services import commitments as commitment_service
from app.services import lookups
from app.services import meetings as meeting_service
from app.services import pairs as service
from app.services.context import UseCase

First = Annotated[int, strawberry.argument(description=FIRST_DESCRIPTION)]


@pydantic_type(
    model=CadenceOut,
    all_fields=True,
    description="Where a pair stands now (GET /v1/pairs/{id}/cadence).",
)
class Cadence:
    pass


@strawberry.type(
    description="Two people who hold 1:1s. Managers above the lead see the pair,"
    " not its content: `meetings` and `commitments` are null for them."
)
class Pair:
    id: UUID
    lead_id: UUID
    member_id: UUID
    kind: PairKind
    cadence_days: int
    duration_minutes: int
    status: PairStatus
    source: PairSource
    started_at: datetime
    ended_at: datetime | None
    ended_reason: str | None
    created_at: datetime
    updated_at: datetime
    version: int = strawberry.field(
        description="The record's version: 1 when created, one more on every change (REST's"
        " ETag). Pass it as ifVersion to change the record only if nobody else has since."
    )
    record: strawberry.Private[DomainPair]

    @resolves("The lead (people:read for a key).")
    async def lead(self, info: GraphInfo) -> Person | None:
        return await load_person(info, self.lead_id)

    @resolves("The member (people:read for a key).")
    async def member(self, info: GraphInfo) -> Person | None:
        return await load_person(info, self.member_id)

    @resolves("The cadence state now (pairs:read).")
    async def cadence(self, info: GraphInfo) -> Cadence | None:
        info.context.require(Scope.PAIRS_READ)
        found = await info.context.loaders.cadence(self.record)
        return None if found is None else graph(Cadence, CadenceOut.of(found))

    @resolves(
        "The pair's meeting-health metrics over [from, to) (metrics:read); for the pair's"
        " people, managers above the lead, admins and keys. No content."
    )
    async def metrics(
        self, info: GraphInfo, start: MetricsFrom = None, end: MetricsTo = None
    ) -> PairMetrics | None:
        info.context.require(Scope.METRICS_READ)
        window = metrics_window(start, end, info.context.use_case.now)
        measured = await info.context.loaders.metrics_of_pair.load(MetricsOfPair(self.id, window))
        return None if measured is None else pair_metrics_of(*measured)

    @resolves(
        "The pair's meetings in start order, or newest first"
        " (meetings:read); null for callers who may not see the pair's content."
    )
    async def meetings(
        self,
        info: GraphInfo,
        first: First = DEFAULT_LIMIT,
        after: str | None = None,
        status: MeetingStatus | None = None,
        newest_first: bool = False,
    ) -> Connection[Meeting] | None:
        context = info.context
        context.require(Scope.MEETINGS_READ)
        request = page_request(first, after)
        if not self._content_visible(info):
            return None
        if after is None:
            shape = FirstChildren(self.id, first + 1, newest_first, status)
            meetings = await context.loaders.meetings_of_pair.load(shape)
            return from_first(meetings, first, lambda m: m.starts_at, meeting_node)
        filters = MeetingFilter(pair_id=self.id, status=status, newest_first=newest_first)
        page = await meeting_service.list_meetings(context.use_case, filters, request)
        return from_page(page, after, lambda m: m.starts_at, meeting_node)

    @resolves(
        "The pair's commitments, oldest first (content:read); null"
        " for callers who may not see the pair's content."
    )
    async def commitments(
        self,
        info: GraphInfo,
        first: First = DEFAULT_LIMIT,
        after: str | None = None,
        status: CommitmentStatus | None = None,
    ) -> Connection[Commitment] | None:
        context = info.context
        context.require(Scope.CONTENT_READ)
        request = page_request(first, after)
        if not self._content_visible(info):
            return None
        if after is None:
            shape = FirstChildren(self.id, first + 1, status=status)
            found = await context.loaders.commitments_of_pair.load(shape)
            return from_first(found, first, lambda c: c.created_at, commitment_node)
        filters = CommitmentFilter(pair_id=self.id, status=status)
        page = await commitment_service.list_commitments(context.use_case, filters, request)
        return from_page(page, after, lambda c: c.created_at, commitment_node)

    def _content_visible(self, info: GraphInfo) -> bool:
        try:
            check_content_visible(info.context.use_case.caller, self.record, "pair", self.id)
        except NotFound:
            return False
        return True


@PAIRS.registers
def pair_node(pair: DomainPair) -> Pair:
    return build(Pair, pair)


@strawberry.type
class PairsQuery:
    @resolves("One pair the caller may see, or null (pairs:read).")
    async def pair(self, info: GraphInfo, id: UUID) -> Pair | None:
        info.context.require(Scope.PAIRS_READ)
        info.context.address(info, pair_id=id)
        found = await or_none(lookups.pair(info.context.use_case, id))
        return None if found is None else pair_node(found)

    @resolves(
        "Pairs the caller may see, oldest first; the filters of"
        " GET /v1/pairs (`state` is the cadence state now)."
    )
    async def pairs(
        self,
        info: GraphInfo,
        first: First = DEFAULT_LIMIT,
        after: str | None = None,
        person_id: UUID | None = None,
        lead_id: UUID | None = None,
        member_id: UUID | None = None,
        kind: PairKind | None = None,
        status: PairStatus | None = None,
        updated_since: datetime | None = None,
        state: CadenceState | None = None,
    ) -> Connection[Pair]:
        info.context.require(Scope.PAIRS_READ)
        info.context.address(info)
        filters = PairFilter(person_id, lead_id, member_id, kind, status, updated_since, state)
        page = await service.list_pairs(info.context.use_case, filters, page_request(first, after))
        return from_page(page, after, lambda p: p.created_at, pair_node)


@strawberry.input
class CreatePairInput:
    lead_id: UUID
    member_id: UUID
    kind: PairKind = PairKind.MANAGER_REPORT
    cadence_days: int | None = strawberry.field(
        default=None, description="Defaults to the policy's targetCadenceDays."
    )
    duration_minutes: int | None = strawberry.field(
        default=None, description="Defaults to the policy's defaultDurationMinutes."
    )


@strawberry.input(description="Only the fields given change; PAUSED cancels future meetings.")
class UpdatePairInput:
    id: UUID
    cadence_days: int | None = strawberry.UNSET
    duration_minutes: int | None = strawberry.UNSET
    status: PairStatus | None = strawberry.UNSET
    if_version: int | None = strawberry.field(default=None, description=IF_VERSION)


@strawberry.type
class PairSuccess:
    pair: Pair


PairResult = Annotated[
    PairSuccess | ValidationProblem | NotFoundProblem | PermissionProblem | StateConflictProblem,
    strawberry.union("PairResult"),
]


@strawberry.type
class PairsMutation:
    @mutates("Start a pair (pairs:write).")
    async def create_pair(self, info: GraphInfo, input: CreatePairInput) -> PairResult:
        async def create(uc: UseCase) -> DomainPair:
            body = checked(PairCreate, values_of(input))
            return await service.create_pair(uc, **body.model_dump())

        outcome = await perform(info, Scope.PAIRS_WRITE, create, PairResult)
        return cast(PairResult, answer(outcome, lambda pair: PairSuccess(pair=pair_node(pair))))

    @mutates("Change cadence or duration, pause or resume (pairs:write).")
    async def update_pair(self, info: GraphInfo, input: UpdatePairInput) -> PairResult:
        pair_id, values, expected = versioned_edit(input)

        async def update(uc: UseCase) -> DomainPair:
            changes = checked(PairUpdate, values).model_dump(exclude_unset=True)
            return await service.update_pair(uc, pair_id, changes, expected)

        outcome = await perform(info, Scope.PAIRS_WRITE, update, PairResult, pair_id=pair_id)
        return cast(PairResult, answer(outcome, lambda pair: PairSuccess(pair=pair_node(pair))))

    @mutates("End a pair: its future meetings are canceled (pairs:write).")
    async def end_pair(self, info: GraphInfo, id: UUID, reason: str = "ended") -> PairResult:
        async def end(uc: UseCase) -> DomainPair:
            body = checked(PairEnd, {"reason": reason})
            return await service.end_pair(uc, id, body.reason)

        outcome = await perform(info, Scope.PAIRS_WRITE, end, PairResult, pair_id=id)
        return cast(PairResult, answer(outcome, lambda pair: PairSuccess(pair=pair_node(pair))))
