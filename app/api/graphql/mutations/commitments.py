"""The mutations of commitments: their inputs, results and Mutation fields."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import strawberry

from app.api.graphql.mutations.inputs import derived_input, read
from app.api.graphql.mutations.running import IF_VERSION, expected_version, mutation
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


def _commitment(commitment: DomainCommitment) -> CommitmentSuccess:
    return CommitmentSuccess(commitment=commitment_node(commitment))


@mutation(
    "Record an action item of a pair (content:write).",
    scope=Scope.CONTENT_WRITE,
    result=CommitmentResult,
    success=_commitment,
    audit=lambda input: {"pair_id": input.pair_id},
)
async def create_commitment(ctx: ServiceContext, input: CreateCommitmentInput) -> DomainCommitment:
    body = read(input, CommitmentCreate)
    return await service.create_commitment(ctx, **body.model_dump())


@mutation(
    "Edit, complete, drop or reopen (content:write).",
    scope=Scope.CONTENT_WRITE,
    result=CommitmentResult,
    success=_commitment,
    audit=lambda input: {"commitment_id": input.id},
)
async def update_commitment(ctx: ServiceContext, input: UpdateCommitmentInput) -> DomainCommitment:
    changes = read(input, CommitmentUpdate).model_dump(exclude_unset=True)
    expected = expected_version(input.if_version)
    return await service.update_commitment(ctx, input.id, changes, expected)


MUTATIONS = (create_commitment, update_commitment)
