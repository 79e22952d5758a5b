"""The stores of an organization's directory: organizations, people and groups."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol
from uuid import UUID

from app.domain.groups import Group
from app.domain.paging import Page, PageRequest
from app.domain.people import Organization, Person
from app.domain.queries import DirectoryQuery, GroupQuery, PeopleFilter
from app.services.ports.stores import Store, VersionedStore


class OrganizationStore(Protocol):
    async def add(self, organization: Organization) -> None: ...


class PeopleStore(VersionedStore[Person], Protocol):
    async def find_by_email(self, org_id: UUID, email: str) -> Person | None:
        """Emails compare regardless of case."""
        ...

    async def find_by_external_id(self, org_id: UUID, external_id: str) -> Person | None: ...

    async def find_by_username(self, org_id: UUID, username: str) -> Person | None:
        """Login names compare regardless of case."""
        ...

    async def all_of_org(self, org_id: UUID) -> list[Person]: ...

    async def reports_of(self, org_id: UUID, manager_ids: list[UUID]) -> list[Person]: ...

    async def pending_on(self, org_id: UUID, arrived: Person) -> list[Person]:
        """People whose pending manager reference names `arrived` by id, externalId or
        userName."""
        ...

    async def directory_page(
        self, org_id: UUID, query: DirectoryQuery, offset: int, limit: int
    ) -> tuple[int, list[Person]]: ...

    async def managers_above(self, org_id: UUID, person_id: UUID) -> dict[UUID, UUID | None]:
        """The manager of each person on the chain above `person_id`, the person included."""
        ...

    async def below(self, org_id: UUID, manager_id: UUID) -> list[UUID]:
        """Everyone in the manager's reporting subtree, the manager excluded."""
        ...

    async def list_page(
        self, org_id: UUID, filters: PeopleFilter, request: PageRequest
    ) -> Page[Person]: ...


class GroupStore(Store[Group], Protocol):
    async def window(
        self, org_id: UUID, query: GroupQuery, offset: int, limit: int
    ) -> tuple[int, list[Group]]: ...

    async def find_by_external_id(self, org_id: UUID, external_id: str) -> Group | None: ...

    async def delete(self, org_id: UUID, group_id: UUID) -> None: ...

    async def members_of(
        self, org_id: UUID, group_ids: Sequence[UUID]
    ) -> dict[UUID, list[UUID]]: ...

    async def add_members(
        self, org_id: UUID, group_id: UUID, person_ids: Sequence[UUID], at: datetime
    ) -> None: ...

    async def remove_members(
        self, org_id: UUID, group_id: UUID, person_ids: Sequence[UUID]
    ) -> None: ...
