"""The mutations of people: their inputs, results and Mutation fields."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
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
from app.api.graphql.types.people import Person, person_node
from app.api.schemas.people import PersonCreate, PersonUpdate
from app.domain.access import Scope
from app.domain.people import Person as DomainPerson
from app.services import people as service
from app.services.context import ServiceContext


@derived_input(PersonCreate)
class CreatePersonInput:
    pass


@derived_input(PersonUpdate, description="Only the fields given change; manager_id null clears it.")
class UpdatePersonInput:
    id: UUID
    if_version: int | None = strawberry.field(default=None, description=IF_VERSION)


@strawberry.type
class PersonSuccess:
    person: Person


PersonResult = Annotated[
    PersonSuccess | ValidationProblem | NotFoundProblem | PermissionProblem | StateConflictProblem,
    strawberry.union("PersonResult"),
]


@strawberry.type
class PeopleMutation:
    @mutates(
        "Add a person; with auto_pairs a manager_id also starts"
        " their manager_report pair (people:write)."
    )
    async def create_person(self, info: GraphInfo, input: CreatePersonInput) -> PersonResult:
        async def create(ctx: ServiceContext) -> DomainPerson:
            body = read(input, PersonCreate)
            return await service.create_person(ctx, **body.model_dump())

        outcome = await perform(info, Scope.PEOPLE_WRITE, create, PersonResult)
        return cast(
            PersonResult, answer(outcome, lambda person: PersonSuccess(person=person_node(person)))
        )

    @mutates(
        "Change fields; a new manager must not create a cycle"
        " and moves the reporting pair (people:write)."
    )
    async def update_person(self, info: GraphInfo, input: UpdatePersonInput) -> PersonResult:
        async def update(ctx: ServiceContext) -> DomainPerson:
            changes = read(input, PersonUpdate).model_dump(exclude_unset=True)
            expected = expected_version(input.if_version)
            return await service.update_person(ctx, input.id, changes, expected)

        outcome = await perform(info, Scope.PEOPLE_WRITE, update, PersonResult, person_id=input.id)
        return cast(
            PersonResult, answer(outcome, lambda person: PersonSuccess(person=person_node(person)))
        )

    @mutates(
        "Deactivate a person: their pairs end and their future"
        " meetings are canceled (people:write)."
    )
    async def deactivate_person(self, info: GraphInfo, id: UUID) -> PersonResult:
        return await _life_event(info, id, service.deactivate_person)

    @mutates(
        "Bring a person back: same id and history; their reporting pair starts again"
        " (people:write)."
    )
    async def reactivate_person(self, info: GraphInfo, id: UUID) -> PersonResult:
        return await _life_event(info, id, service.reactivate_person)


async def _life_event(
    info: GraphInfo,
    person_id: UUID,
    change: Callable[[ServiceContext, UUID], Awaitable[DomainPerson]],
) -> PersonResult:
    """Leaving or coming back: one person, one service call."""

    async def act(ctx: ServiceContext) -> DomainPerson:
        return await change(ctx, person_id)

    outcome = await perform(info, Scope.PEOPLE_WRITE, act, PersonResult, person_id=person_id)
    return cast(
        PersonResult, answer(outcome, lambda person: PersonSuccess(person=person_node(person)))
    )
