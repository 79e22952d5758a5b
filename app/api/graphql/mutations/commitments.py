"""The mutations of commitments: their inputs, results and Mutation fields."""

from __future__ import annotations

from datetime import date
from typing import Annotated, cast
from uuid import UUID

import strawberry

from app.api.graphql.context import GraphInfo
from app.api.graphql.decorators import mutates
from app.api.graphql.mutations.running import (
    IF_VERSION,
    answer,
    checked,
    perform,
    values_of,
    versioned_edit,
)
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
from app.domain.commitments import CommitmentStatus
from app.services import commitments as service
from app.services.context import UseCase


@strawberry.input
class CreateCommitmentInput:
    pair_id: UUID
    owner_id: UUID = strawberry.field(description="One of the pair's two people.")
    title: str
    meeting_id: UUID | None = strawberry.field(
        default=None, description="The meeting it came from."
    )
    due_on: date | None = None


@strawberry.input(description="Only the fields given change; status DONE completes it.")
class UpdateCommitmentInput:
    id: UUID
    title: str | None = strawberry.UNSET
    owner_id: UUID | None = strawberry.UNSET
    due_on: date | None = strawberry.UNSET
    status: CommitmentStatus | None = strawberry.UNSET
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
        async def create(uc: UseCase) -> DomainCommitment:
            body = checked(CommitmentCreate, values_of(input))
            return await service.create_commitment(uc, **body.model_dump())

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
        commitment_id, values, expected = versioned_edit(input)

        async def update(uc: UseCase) -> DomainCommitment:
            changes = checked(CommitmentUpdate, values).model_dump(exclude_unset=True)
            return await service.update_commitment(uc, commitment_id, changes, expected)

        outcome = await perform(
            info, Scope.CONTENT_WRITE, update, CommitmentResult, commitment_id=commitment_id
        )
        return cast(
            CommitmentResult,
            answer(outcome, lambda found: CommitmentSuccess(commitment=commitment_node(found))),
        )
