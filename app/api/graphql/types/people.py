"""A person of the organization's directory, and how other types load one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated
from uuid import UUID

import strawberry

from app.api.graphql.context import GraphInfo
from app.api.graphql.decorators import resolves
from app.api.graphql.types.derived import derived_type, node_maker, version_field
from app.api.schemas.people import PersonOut
from app.domain.access import Scope
from app.domain.people import Person as DomainPerson

# The type names itself lazily: the integration reads its resolvers' types while it derives
# the class, before the module holds the name.
SamePerson = Annotated["Person", strawberry.lazy("app.api.graphql.types.people")]


@derived_type(
    PersonOut, description="Someone in the organization; every caller of it sees the directory."
)
class Person:
    manager_id: UUID | None  # read by the resolver below
    version: int = version_field()
    record: strawberry.Private[DomainPerson]

    @resolves("A manager a directory named who is not provisioned yet.")
    def pending_manager(self) -> str | None:
        return self.record.manager_ref

    @resolves("When an identity provider deleted the person over SCIM.")
    def directory_deleted_at(self) -> datetime | None:
        return self.record.scim_deleted_at

    @resolves("The person's manager (needs people:read for a key).")
    async def manager(self, info: GraphInfo) -> SamePerson | None:
        return await load_person(info, self.manager_id)


async def load_person(info: GraphInfo, person_id: UUID | None) -> Person | None:
    """A person named by a record (a lead, an author, an owner), batched per request."""
    if person_id is None:
        return None
    info.context.require(Scope.PEOPLE_READ)
    found = await info.context.loaders.people.load(person_id)
    return None if found is None else person_node(found)


person_node: Callable[[DomainPerson], Person] = node_maker(Person)
