"""The mutations of pairs: their inputs, results and Mutation fields."""

from __future__ import annotations

from typing import Annotated, cast
from uuid import UUID

import strawberry

from app.api.graphql.context import GraphInfo
from app.api.graphql.decorators import mutates
from app.api.graphql.mutations.inputs import derived_input, read
from app.api.graphql.mutations.running import IF_VERSION, answer, checked, expected_version, perform
from app.api.graphql.problems import (
    NotFoundProblem,
    PermissionProblem,
    StateConflictProblem,
    ValidationProblem,
)
from app.api.graphql.types.pairs import Pair, pair_node
from app.api.schemas.pairs import PairCreate, PairEnd, PairUpdate
from app.domain.access import Scope
from app.domain.pairs import Pair as DomainPair
from app.domain.pairs import PairStatus
from app.services import pairs as service
from app.services.context import ServiceContext


@derived_input(PairCreate)
class CreatePairInput:
    pass


@derived_input(
    PairUpdate, description="Only the fields given change; PAUSED cancels future meetings."
)
class UpdatePairInput:
    id: UUID
    status: PairStatus | None  # the model's Literal of two members is the whole enumeration
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
        async def create(ctx: ServiceContext) -> DomainPair:
            body = read(input, PairCreate)
            return await service.create_pair(ctx, **body.model_dump())

        outcome = await perform(info, Scope.PAIRS_WRITE, create, PairResult)
        return cast(PairResult, answer(outcome, lambda pair: PairSuccess(pair=pair_node(pair))))

    @mutates("Change cadence or duration, pause or resume (pairs:write).")
    async def update_pair(self, info: GraphInfo, input: UpdatePairInput) -> PairResult:
        async def update(ctx: ServiceContext) -> DomainPair:
            changes = read(input, PairUpdate).model_dump(exclude_unset=True)
            expected = expected_version(input.if_version)
            return await service.update_pair(ctx, input.id, changes, expected)

        outcome = await perform(info, Scope.PAIRS_WRITE, update, PairResult, pair_id=input.id)
        return cast(PairResult, answer(outcome, lambda pair: PairSuccess(pair=pair_node(pair))))

    @mutates("End a pair: its future meetings are canceled (pairs:write).")
    async def end_pair(self, info: GraphInfo, id: UUID, reason: str = "ended") -> PairResult:
        async def end(ctx: ServiceContext) -> DomainPair:
            body = checked(PairEnd, {"reason": reason})
            return await service.end_pair(ctx, id, body.reason)

        outcome = await perform(info, Scope.PAIRS_WRITE, end, PairResult, pair_id=id)
        return cast(PairResult, answer(outcome, lambda pair: PairSuccess(pair=pair_node(pair))))
