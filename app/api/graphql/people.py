"""People: the organization's directory, the caller (`me`), and their changes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated, cast
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
from app.api.graphql.problems import (
    NotFoundProblem,
    PermissionProblem,
    StateConflictProblem,
    ValidationProblem,
)
from app.api.schemas.people import PersonCreate, PersonUpdate
from app.domain.access import Scope
from app.domain.paging import DEFAULT_LIMIT
from app.domain.people import ManagerState, Role
from app.domain.people import Person as DomainPerson
from app.domain.queries import PeopleFilter
from app.services import lookups
from app.services import people as service
from app.services.context import UseCase


@strawberry.type(description="Someone in the organization; every caller of it sees the directory.")
class Person:
    id: UUID
    email: str | None
    username: str
    name: str
    timezone: str
    manager_id: UUID | None
    external_id: str | None
    role: Role
    active: bool
    created_at: datetime
    updated_at: datetime
    version: int = strawberry.field(
        description="The record's version: 1 when created, one more on every change (REST's"
        " ETag). Pass it as ifVersion to change the record only if nobody else has since."
    )
    record: strawberry.Private[DomainPerson]

    @resolves("A manager a directory named who is not provisioned yet.")
    def pending_manager(self) -> str | None:
        return self.record.manager_ref

    @resolves("When an identity provider deleted the person over SCIM.")
    def directory_deleted_at(self) -> datetime | None:
        return self.record.scim_deleted_at

    @resolves("The person's manager (needs people:read for a key).")
    async def manager(self, info: GraphInfo) -> Person | None:
        return await load_person(info, self.manager_id)


async def load_person(info: GraphInfo, person_id: UUID | None) -> Person | None:
    """A person named by a record (a lead, an author, an owner), batched per request."""
    if person_id is None:
        return None
    info.context.require(Scope.PEOPLE_READ)
    found = await info.context.loaders.people.load(person_id)
    return None if found is None else build(Person, found)


def person_node(person: object) -> Person:
    return build(Person, person)


@strawberry.type
class PeopleQuery:
    @resolves("One person, or null (people:read).")
    async def person(self, info: GraphInfo, id: UUID) -> Person | None:
        info.context.require(Scope.PEOPLE_READ)
        found = await or_none(lookups.person(info.context.use_case, id))
        return None if found is None else person_node(found)

    @resolves("People, oldest first; the filters of GET /v1/people.")
    async def people(
        self,
        info: GraphInfo,
        first: Annotated[int, strawberry.argument(description=FIRST_DESCRIPTION)] = DEFAULT_LIMIT,
        after: str | None = None,
        active: bool | None = None,
        manager_id: UUID | None = None,
        email: str | None = None,
        external_id: str | None = None,
        updated_since: datetime | None = None,
        username: str | None = None,
        manager_state: ManagerState | None = None,
    ) -> Connection[Person]:
        info.context.require(Scope.PEOPLE_READ)
        filters = PeopleFilter(
            active, manager_id, email, external_id, updated_since, username, manager_state
        )
        page = await service.list_people(info.context.use_case, filters, page_request(first, after))
        return from_page(page, after, lambda p: p.created_at, person_node)


@strawberry.input
class CreatePersonInput:
    name: str
    email: str | None = None
    username: str | None = None
    timezone: str = "UTC"
    manager_id: UUID | None = None
    external_id: str | None = None
    role: Role = Role.MEMBER


@strawberry.input(description="Only the fields given change; manager_id null clears it.")
class UpdatePersonInput:
    id: UUID
    email: str | None = strawberry.UNSET
    username: str | None = strawberry.UNSET
    name: str | None = strawberry.UNSET
    timezone: str | None = strawberry.UNSET
    manager_id: UUID | None = strawberry.UNSET
    external_id: str | None = strawberry.UNSET
    role: Role | None = strawberry.UNSET
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
        async def create(uc: UseCase) -> DomainPerson:
            body = checked(PersonCreate, values_of(input))
            return await service.create_person(uc, **body.model_dump())

        outcome = await perform(info, Scope.PEOPLE_WRITE, create, PersonResult)
        return cast(
            PersonResult, answer(outcome, lambda person: PersonSuccess(person=person_node(person)))
        )

    @mutates(
        "Change fields; a new manager must not create a cycle"
        " and moves the reporting pair (people:write)."
    )
    async def update_person(self, info: GraphInfo, input: UpdatePersonInput) -> PersonResult:
        person_id, values, expected = versioned_edit(input)

        async def update(uc: UseCase) -> DomainPerson:
            changes = checked(PersonUpdate, values).model_dump(exclude_unset=True)
            return await service.update_person(uc, person_id, changes, expected)

        outcome = await perform(info, Scope.PEOPLE_WRITE, update, PersonResult, person_id=person_id)
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
    info: GraphInfo, person_id: UUID, change: Callable[[UseCase, UUID], Awaitable[DomainPerson]]
) -> PersonResult:
    """Leaving or coming back: one person, one service call."""

    async def act(uc: UseCase) -> DomainPerson:
        return await change(uc, person_id)

    outcome = await perform(info, Scope.PEOPLE_WRITE, act, PersonResult, person_id=person_id)
    return cast(
        PersonResult, answer(outcome, lambda person: PersonSuccess(person=person_node(person)))
    )
