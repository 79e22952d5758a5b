"""The mutations of commitments: their inputs, results and Mutation fields."""

from __future__ import annotations

from typing import Annotated, cast
from uuid import UUID

import strawberry

from app.api.graphql.context import GraphInfo
from app.api.graphql.decorators import mutates
from app.api.graphql.mutations.inputs import derived_input, read
from app.api.graphql.mutations.running import IF_VERSION, answer, expected_version, perform
from app.api.graphql.problems import (
    NotFoundProblem,
    PermissionProblem,
    StateConflictProblem,
    ValidationProblem,
)
from app.api.graphql.types.commitments import Commitment, commitment_node
from app.api.schemas.content import CommitmentCreate, CommitmentUpdate
from app.domain.access import Scope
from app.domain.commitments import Commitment as DomainCommitment
from app.services import commitments as service
from app.services.context import ServiceContext


@derived_input(CommitmentCreate)
class CreateCommitmentInput:
    pair_id: UUID  # read before the model, for the audit line


@derived_input(
    CommitmentUpdate, description="Only the fields given change; status DONE completes it."
)
class UpdateCommitmentInput:
    id: UUID
    if_version: int | None = strawberry.field(default=None, description=IF_VERSION)


@strawberry.type
class CommitmentSuccess:
    commitment: Commitment


CommitmentResult = Annotated[
    CommitmentSuccess
    | ValidationProblem
    | NotFoundProblem
    | PermissionProblem
    | StateConflictProblem,
    strawberry.union("CommitmentResult"),
]


@strawberry.type
class CommitmentsMutation:
    @mutates("Record an action item of a pair (content:write).")
    async def create_commitment(
        self, info: GraphInfo, input: CreateCommitmentInput
    ) -> CommitmentResult:
        async def create(ctx: ServiceContext) -> DomainCommitment:
            body = read(input, CommitmentCreate)
            return await service.create_commitment(ctx, **body.model_dump())

        outcome = await perform(
            info, Scope.CONTENT_WRITE, create, CommitmentResult, pair_id=input.pair_id
        )
        return cast(
            CommitmentResult,
            answer(outcome, lambda found: CommitmentSuccess(commitment=commitment_node(found))),
        )

    @mutates("Edit, complete, drop or reopen (content:write).")
    async def update_commitment(
        self, info: GraphInfo, input: UpdateCommitmentInput
    ) -> CommitmentResult:
        async def update(ctx: ServiceContext) -> DomainCommitment:
            changes = read(input, CommitmentUpdate).model_dump(exclude_unset=True)
            expected = expected_version(input.if_version)
            return await service.update_commitment(ctx, input.id, changes, expected)

        outcome = await perform(
            info, Scope.CONTENT_WRITE, update, CommitmentResult, commitment_id=input.id
        )
        return cast(
            CommitmentResult,
            answer(outcome, lambda found: CommitmentSuccess(commitment=commitment_node(found))),
        )
