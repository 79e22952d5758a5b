"""Queries over organizations and people."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Select, and_, func, insert, or_, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from app.domain.events import Resource
from app.domain.paging import Page, PageRequest
from app.domain.people import (
    ManagerState,
    Organization,
    Person,
    Role,
    email_key,
    username_key,
)
from app.domain.queries import DirectoryQuery, PeopleFilter
from app.persistence.repositories.versioned import VersionedRepository
from app.persistence.tables import OrganizationRow, PersonRow


class OrganizationRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection

    async def add(self, organization: Organization) -> None:
        table = OrganizationRow.__table__  # type: ignore[attr-defined]
        await self.connection.execute(
            insert(table).values(
                id=organization.id,
                name=organization.name,
                created_at=organization.created_at,
                updated_at=organization.updated_at,
            )
        )

    async def find_id_by_name(self, name: str) -> UUID | None:
        """The oldest organization with this name (used by the local quick start)."""
        table = OrganizationRow.__table__  # type: ignore[attr-defined]
        found = await self.connection.execute(
            select(table.c.id).where(table.c.name == name).order_by(table.c.created_at).limit(1)
        )
        row = found.first()
        return None if row is None else row.id

    async def exists(self, org_id: UUID) -> bool:
        table = OrganizationRow.__table__  # type: ignore[attr-defined]
        found = await self.connection.execute(select(table.c.id).where(table.c.id == org_id))
        return found.first() is not None

    async def all(self) -> list[Organization]:
        """Every organization, oldest first (the operator's view, past every tenant)."""
        table = OrganizationRow.__table__  # type: ignore[attr-defined]
        rows = await self.connection.execute(select(table).order_by(table.c.created_at, table.c.id))
        return [Organization(**row) for row in rows.mappings()]

    async def sees_every_organization(self) -> bool:
        """False for a role that PostgreSQL's row-level security confines to one tenant (the
        app's role): queries across organizations need the tables' owner."""
        if self.connection.dialect.name != "postgresql":
            return True
        confined = await self.connection.scalar(text("SELECT row_security_active('organizations')"))
        return not confined


class PeopleRepository(VersionedRepository[Person]):
    resource = Resource.PERSON
    table = PersonRow.__table__  # type: ignore[attr-defined]

    def to_entity(self, row: Mapping[str, Any]) -> Person:
        return Person(
            id=row["id"],
            org_id=row["org_id"],
            email=row["email"],
            name=row["name"],
            timezone=row["timezone"],
            manager_id=row["manager_id"],
            external_id=row["external_id"],
            role=Role(row["role"]),
            active=row["active"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            version=row["version"],
            username=row["username"],
            manager_ref=row["manager_ref"],
            given_name=row["given_name"],
            family_name=row["family_name"],
            scim_deleted_at=row["scim_deleted_at"],
        )

    def to_row(self, entity: Person) -> dict[str, Any]:
        row = {
            column.name: getattr(entity, column.name)
            for column in self.table.columns
            if column.name not in ("email_key", "username_key")
        }
        row["email_key"] = None if entity.email is None else email_key(entity.email)
        row["username_key"] = username_key(entity.username)
        return row

    async def find_by_email(self, org_id: UUID, email: str) -> Person | None:
        return await self.fetch_one(
            self.select_in_org(org_id).where(self.table.c.email_key == email_key(email))
        )

    async def find_by_external_id(self, org_id: UUID, external_id: str) -> Person | None:
        return await self.fetch_one(
            self.select_in_org(org_id).where(self.table.c.external_id == external_id)
        )

    async def find_by_username(self, org_id: UUID, username: str) -> Person | None:
        return await self.fetch_one(
            self.select_in_org(org_id).where(self.table.c.username_key == username_key(username))
        )

    async def all_of_org(self, org_id: UUID) -> list[Person]:
        """Everyone of the organization in one statement (a directory sync diffs them all)."""
        return await self.fetch_all(self.select_in_org(org_id))

    async def reports_of(self, org_id: UUID, manager_ids: list[UUID]) -> list[Person]:
        return await self.by_ids_in_batches(org_id, "manager_id", manager_ids)

    async def pending_on(self, org_id: UUID, arrived: Person) -> list[Person]:
        """People whose pending manager reference names `arrived` by id, externalId or
        userName (login names compare regardless of case)."""
        c = self.table.c
        names: list[ColumnElement[bool]] = [
            c.manager_ref == str(arrived.id),
            func.lower(c.manager_ref) == username_key(arrived.username),
        ]
        if arrived.external_id is not None:
            names.append(c.manager_ref == arrived.external_id)
        return await self.fetch_all(
            self.select_in_org(org_id).where(c.manager_ref.is_not(None), or_(*names))
        )

    def _directory(self, org_id: UUID, query: DirectoryQuery) -> Select[Any]:
        """The people an identity provider sees: not deleted through SCIM."""
        c = self.table.c
        statement = self.select_in_org(org_id).where(c.scim_deleted_at.is_(None))
        if query.username is not None:
            statement = statement.where(c.username_key == username_key(query.username))
        if query.external_id is not None:
            statement = statement.where(c.external_id == query.external_id)
        if query.email is not None:
            statement = statement.where(c.email_key == email_key(query.email))
        return statement

    async def directory_page(
        self, org_id: UUID, query: DirectoryQuery, offset: int, limit: int
    ) -> tuple[int, list[Person]]:
        """SCIM's index paging: the total and one window, oldest first."""
        statement = self._directory(org_id, query)
        total = (
            await self.connection.execute(select(func.count()).select_from(statement.subquery()))
        ).scalar_one()
        c = self.table.c
        if limit == 0:
            return total, []
        people = await self.fetch_all(
            statement.order_by(c.created_at, c.id).offset(offset).limit(limit)
        )
        return total, people

    async def managers_above(self, org_id: UUID, person_id: UUID) -> dict[UUID, UUID | None]:
        """The manager of each person on the chain above `person_id` (recursive CTE)."""
        people = self.table
        chain = (
            select(people.c.id, people.c.manager_id)
            .where(people.c.org_id == org_id, people.c.id == person_id)
            .cte("chain", recursive=True)
        )
        chain = chain.union(
            select(people.c.id, people.c.manager_id).where(
                people.c.org_id == org_id, people.c.id == chain.c.manager_id
            )
        )
        rows = (await self.connection.execute(select(chain.c.id, chain.c.manager_id))).all()
        return {row.id: row.manager_id for row in rows}

    async def below(self, org_id: UUID, manager_id: UUID) -> list[UUID]:
        """Everyone in the manager's reporting subtree, the manager excluded."""
        people = self.table
        tree = (
            select(people.c.id)
            .where(people.c.org_id == org_id, people.c.manager_id == manager_id)
            .cte("tree", recursive=True)
        )
        tree = tree.union(
            select(people.c.id).where(people.c.org_id == org_id, people.c.manager_id == tree.c.id)
        )
        return [row.id for row in await self.connection.execute(select(tree.c.id))]

    async def list_page(
        self, org_id: UUID, filters: PeopleFilter, request: PageRequest
    ) -> Page[Person]:
        c = self.table.c
        statement = self.select_in_org(org_id)
        if filters.active is not None:
            statement = statement.where(c.active == filters.active)
        if filters.manager_id is not None:
            statement = statement.where(c.manager_id == filters.manager_id)
        if filters.email is not None:
            statement = statement.where(c.email_key == email_key(filters.email))
        if filters.external_id is not None:
            statement = statement.where(c.external_id == filters.external_id)
        if filters.updated_since is not None:
            statement = statement.where(c.updated_at >= filters.updated_since)
        if filters.username is not None:
            statement = statement.where(c.username_key == username_key(filters.username))
        if filters.manager_state is not None:
            statement = statement.where(self._manager_state(filters.manager_state))
        return await self.page(statement, request, c.created_at, lambda p: p.created_at)

    def _manager_state(self, state: ManagerState) -> ColumnElement[bool]:
        c = self.table.c
        if state is ManagerState.NONE:
            return and_(c.manager_id.is_(None), c.manager_ref.is_(None))
        if state is ManagerState.PENDING:
            pending: ColumnElement[bool] = c.manager_ref.is_not(None)
            return pending
        manager = self.table.alias("manager")
        inactive = select(manager.c.id).where(
            manager.c.org_id == c.org_id,
            manager.c.id == c.manager_id,
            manager.c.active.is_(False),
        )
        exists: ColumnElement[bool] = inactive.exists()
        return exists
