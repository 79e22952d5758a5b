"""The mutations of people: their inputs, results and Mutation fields."""

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


def _person(person: DomainPerson) -> PersonSuccess:
    return PersonSuccess(person=person_node(person))


@mutation(
    "Add a person; with auto_pairs a manager_id also starts"
    " their manager_report pair (people:write).",
    scope=Scope.PEOPLE_WRITE,
    result=PersonResult,
    success=_person,
)
async def create_person(ctx: ServiceContext, input: CreatePersonInput) -> DomainPerson:
    body = read(input, PersonCreate)
    return await service.create_person(ctx, **body.model_dump())


@mutation(
    "Change fields; a new manager must not create a cycle"
    " and moves the reporting pair (people:write).",
    scope=Scope.PEOPLE_WRITE,
    result=PersonResult,
    success=_person,
    audit=lambda input: {"person_id": input.id},
)
async def update_person(ctx: ServiceContext, input: UpdatePersonInput) -> DomainPerson:
    changes = read(input, PersonUpdate).model_dump(exclude_unset=True)
    expected = expected_version(input.if_version)
    return await service.update_person(ctx, input.id, changes, expected)


@mutation(
    "Deactivate a person: their pairs end and their future meetings are canceled (people:write).",
    scope=Scope.PEOPLE_WRITE,
    result=PersonResult,
    success=_person,
    audit=lambda id: {"person_id": id},
)
async def deactivate_person(ctx: ServiceContext, id: UUID) -> DomainPerson:
    return await service.deactivate_person(ctx, id)


@mutation(
    "Bring a person back: same id and history; their reporting pair starts again (people:write).",
    scope=Scope.PEOPLE_WRITE,
    result=PersonResult,
    success=_person,
    audit=lambda id: {"person_id": id},
)
async def reactivate_person(ctx: ServiceContext, id: UUID) -> DomainPerson:
    return await service.reactivate_person(ctx, id)


MUTATIONS = (create_person, update_person, deactivate_person, reactivate_person)
