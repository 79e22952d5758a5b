"""A person of the organization's directory, and how other types load one."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import strawberry

from app.api.graphql.connections import build
from app.api.graphql.context import GraphInfo
from app.api.graphql.decorators import resolves
from app.domain.access import Scope
from app.domain.people import Person as DomainPerson
from app.domain.people import Role


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
