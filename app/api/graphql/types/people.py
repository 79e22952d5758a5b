"""A person of the organization's directory, and how other types load one."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from operator import attrgetter
from typing import Annotated, Any
from uuid import UUID

import strawberry

from app.api.graphql.context import GraphInfo
from app.api.graphql.decorators import ForAllParents, resolves
from app.api.graphql.types.derived import derived_type, node_maker, version_field
from app.api.schemas.people import PersonOut
from app.domain.access import Scope
from app.domain.people import Person as DomainPerson

# The type names itself lazily: the integration reads its resolvers' types while it derives
# the class, before the module holds the name.
SamePerson = Annotated["Person", strawberry.lazy("app.api.graphql.types.people")]


async def load_people(info: GraphInfo, person_ids: Sequence[UUID | None]) -> list[Person | None]:
    """The people named by records (leads, authors, owners), batched per request; None
    where a record names nobody."""
    named = [person_id for person_id in person_ids if person_id is not None]
    if not named:
        return [None] * len(person_ids)
    info.context.require(Scope.PEOPLE_READ)
    found = iter(await info.context.loaders.people.load_many(named))
    return [None if person_id is None else _node_or_none(next(found)) for person_id in person_ids]


async def load_person(info: GraphInfo, person_id: UUID | None) -> Person | None:
    """A person named by a record (a lead, an author, an owner), batched per request."""
    return (await load_people(info, [person_id]))[0]


def people_named_by(attribute: str) -> ForAllParents:
    """A person field of many parents at once: the person each parent's `attribute` names."""
    named = attrgetter(attribute)

    async def people(parents: Sequence[Any], info: GraphInfo) -> list[Person | None]:
        return await load_people(info, [named(parent) for parent in parents])

    return people


def _node_or_none(found: DomainPerson | None) -> Person | None:
    return None if found is None else person_node(found)


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

    @resolves(
        "The person's manager (needs people:read for a key).",
        for_all_parents=people_named_by("manager_id"),
    )
    async def manager(self, info: GraphInfo) -> SamePerson | None:
        return await load_person(info, self.manager_id)


person_node: Callable[[DomainPerson], Person] = node_maker(Person)
