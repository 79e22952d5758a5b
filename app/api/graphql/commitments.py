"""Commitments: the action items a pair follows up on (content)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, cast
from uuid import UUID

import strawberry

from app.api.graphql.connections import (
    FIRST_DESCRIPTION,
    Connection,
    build,
    from_page,
    page_request,
)
from app.api.graphql.context import GraphInfo, or_none
from app.api.graphql.decorators import mutates, resolves
from app.api.graphql.mutations import (
    IF_VERSION,
    answer,
    checked,
    perform,
    values_of,
    versioned_edit,
)
from app.api.graphql.nodes import MEETINGS, PAIRS
from app.api.graphql.people import Person, load_person
from app.api.graphql.problems import (
    NotFoundProblem,
    PermissionProblem,
    StateConflictProblem,
    ValidationProblem,
)
from app.api.schemas.content import CommitmentCreate, CommitmentUpdate
from app.domain.access import Scope
from app.domain.commitments import Commitment as DomainCommitment
from app.domain.commitments import CommitmentStatus
from app.domain.paging import DEFAULT_LIMIT
from app.domain.queries import CommitmentFilter
from app.services import commitments as service
from app.services import lookups
from app.services.context import UseCase

if TYPE_CHECKING:
    from app.api.graphql.meetings import Meeting
    from app.api.graphql.pairs import Pair


@strawberry.type(description="An action item of a pair, owned by one of its two people.")
class Commitment:
    id: UUID
    pair_id: UUID
    meeting_id: UUID | None
    owner_id: UUID
    title: str
    due_on: date | None
    status: CommitmentStatus
    completed_at: datetime | None
    created_at: datetime
    updated_at: datetime
    version: int = strawberry.field(
        description="The record's version: 1 when created, one more on every change (REST's"
        " ETag). Pass it as ifVersion to change the record only if nobody else has since."
    )

    @resolves("The owner (people:read for a key).")
    async def owner(self, info: GraphInfo) -> Person | None:
        return await load_person(info, self.owner_id)

    @resolves("The pair (pairs:read for a key).")
    async def pair(
        self, info: GraphInfo
    ) -> Annotated[Pair, strawberry.lazy("app.api.graphql.pairs")] | None:
        info.context.require(Scope.PAIRS_READ)
        found = await info.context.loaders.pairs.load(self.pair_id)
        return None if found is None else PAIRS.node(found)

    @resolves("The meeting it came from, if the caller may see it (meetings:read for a key).")
    async def meeting(
        self, info: GraphInfo
    ) -> Annotated[Meeting, strawberry.lazy("app.api.graphql.meetings")] | None:
        if self.meeting_id is None:
            return None
        info.context.require(Scope.MEETINGS_READ)
        found = await info.context.loaders.meetings.load(self.meeting_id)
        if found is not None and found.pair_id != self.pair_id:
            # An open commitment follows its owner to a new pair (rule 8); the meeting it
            # came from stays the old pair's, seen by that pair's people only.
            found = await or_none(lookups.meeting(info.context.use_case, found.id))
        return None if found is None else MEETINGS.node(found)


def commitment_node(commitment: DomainCommitment) -> Commitment:
    return build(Commitment, commitment)


@strawberry.type
class CommitmentsQuery:
    @resolves("One commitment, or null (content:read).")
    async def commitment(self, info: GraphInfo, id: UUID) -> Commitment | None:
        info.context.address(info, commitment_id=id)
        info.context.require(Scope.CONTENT_READ)
        found = await or_none(lookups.commitment(info.context.use_case, id))
        return None if found is None else commitment_node(found)

    @resolves(
        "Commitments, oldest first; the filters of GET"
        " /v1/commitments (`overdue`: open and due before today, UTC) (content:read)."
    )
    async def commitments(
        self,
        info: GraphInfo,
        first: Annotated[int, strawberry.argument(description=FIRST_DESCRIPTION)] = DEFAULT_LIMIT,
        after: str | None = None,
        pair_id: UUID | None = None,
        owner_id: UUID | None = None,
        meeting_id: UUID | None = None,
        status: CommitmentStatus | None = None,
        overdue: bool | None = None,
        updated_since: datetime | None = None,
    ) -> Connection[Commitment]:
        context = info.context
        context.address(info)
        context.require(Scope.CONTENT_READ)
        uc = context.use_case
        overdue_on = uc.now.date() if overdue else None
        filters = CommitmentFilter(pair_id, owner_id, meeting_id, status, overdue_on, updated_since)
        page = await service.list_commitments(uc, filters, page_request(first, after))
        return from_page(page, after, lambda c: c.created_at, commitment_node)


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
