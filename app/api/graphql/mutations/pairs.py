"""The mutations of pairs: their inputs, results and Mutation fields."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import strawberry

from app.api.graphql.mutations.inputs import derived_input, read
from app.api.graphql.mutations.running import IF_VERSION, checked, expected_version, mutation
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


def _pair(pair: DomainPair) -> PairSuccess:
    return PairSuccess(pair=pair_node(pair))


@mutation("Start a pair (pairs:write).", scope=Scope.PAIRS_WRITE, result=PairResult, success=_pair)
async def create_pair(ctx: ServiceContext, input: CreatePairInput) -> DomainPair:
    body = read(input, PairCreate)
    return await service.create_pair(ctx, **body.model_dump())


@mutation(
    "Change cadence or duration, pause or resume (pairs:write).",
    scope=Scope.PAIRS_WRITE,
    result=PairResult,
    success=_pair,
    audit=lambda input: {"pair_id": input.id},
)
async def update_pair(ctx: ServiceContext, input: UpdatePairInput) -> DomainPair:
    changes = read(input, PairUpdate).model_dump(exclude_unset=True)
    expected = expected_version(input.if_version)
    return await service.update_pair(ctx, input.id, changes, expected)


@mutation(
    "End a pair: its future meetings are canceled (pairs:write).",
    scope=Scope.PAIRS_WRITE,
    result=PairResult,
    success=_pair,
    audit=lambda id, **_: {"pair_id": id},
)
async def end_pair(ctx: ServiceContext, id: UUID, reason: str = "ended") -> DomainPair:
    body = checked(PairEnd, {"reason": reason})
    return await service.end_pair(ctx, id, body.reason)


MUTATIONS = (create_pair, update_pair, end_pair)
