"""Queries over an organization's settings: policy, templates and service keys."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import column, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from app.domain.access import Scope, ServiceKey
from app.domain.agenda import AgendaItemKind
from app.domain.paging import Page, PageRequest
from app.domain.policy import Policy
from app.domain.templates import Template, TemplateSection
from app.persistence.access_tables import ServiceKeyRow
from app.persistence.repositories.base import TableRepository
from app.persistence.tables import PolicyRow, TemplateRow


class PolicyRepository:
    table = PolicyRow.__table__  # type: ignore[attr-defined]

    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection

    async def get(self, org_id: UUID) -> Policy:
        row = (
            (await self.connection.execute(select(self.table).where(self.table.c.org_id == org_id)))
            .mappings()
            .one()
        )
        fields = {k: v for k, v in row.items() if k not in ("created_at", "updated_at")}
        return Policy(**fields)

    async def add(self, policy: Policy, at: datetime) -> None:
        await self.connection.execute(
            insert(self.table).values(**asdict(policy), created_at=at, updated_at=at)
        )

    async def save_over(self, policy: Policy, at: datetime, read_version: int | None) -> int | None:
        """Write the policy and make its version one more (returned); with `read_version`,
        only if it is still at it (None: another writer got there first, nothing written)."""
        c = self.table.c
        statement = update(self.table).where(c.org_id == policy.org_id)
        if read_version is not None:
            statement = statement.where(c.version == read_version)
        values = {**asdict(policy), "updated_at": at, "version": c.version + 1}
        written: int | None = await self.connection.scalar(
            statement.values(values).returning(c.version)
        )
        return written


class TemplateRepository(TableRepository[Template]):
    table = TemplateRow.__table__  # type: ignore[attr-defined]

    def to_entity(self, row: Mapping[str, Any]) -> Template:
        return Template(
            id=row["id"],
            org_id=row["org_id"],
            name=row["name"],
            description=row["description"],
            sections=[
                TemplateSection(
                    AgendaItemKind(section["kind"]), section["title"], tuple(section["prompts"])
                )
                for section in row["sections"]
            ],
            is_default=row["is_default"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
        )

    def to_row(self, entity: Template) -> dict[str, Any]:
        row = super().to_row(entity)
        row["sections"] = [
            {"kind": s.kind.value, "title": s.title, "prompts": list(s.prompts)}
            for s in entity.sections
        ]
        return row

    async def find_by_name(self, org_id: UUID, name: str) -> Template | None:
        return await self.fetch_one(self.select_in_org(org_id).where(self.table.c.name == name))

    async def default(self, org_id: UUID) -> Template | None:
        c = self.table.c
        return await self.fetch_one(
            self.select_in_org(org_id).where(c.is_default.is_(True)).order_by(c.created_at)
        )

    async def clear_default(self, org_id: UUID) -> None:
        c = self.table.c
        await self.connection.execute(
            update(self.table)
            .where(c.org_id == org_id, c.is_default.is_(True))
            .values(is_default=False)
        )

    async def delete(self, org_id: UUID, template_id: UUID) -> None:
        c = self.table.c
        await self.connection.execute(
            self.table.delete().where(c.org_id == org_id, c.id == template_id)
        )

    async def list_page(self, org_id: UUID, request: PageRequest) -> Page[Template]:
        c = self.table.c
        return await self.page(
            self.select_in_org(org_id), request, c.created_at, lambda t: t.created_at
        )


class ServiceKeyRepository(TableRepository[ServiceKey]):
    table = ServiceKeyRow.__table__  # type: ignore[attr-defined]

    def to_entity(self, row: Mapping[str, Any]) -> ServiceKey:
        return ServiceKey(
            id=row["id"],
            org_id=row["org_id"],
            name=row["name"],
            prefix=row["prefix"],
            digest=row["digest"],
            scopes=frozenset(Scope(s) for s in row["scopes"]),
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            revoked_at=row["revoked_at"],
        )

    def to_row(self, entity: ServiceKey) -> dict[str, Any]:
        row = super().to_row(entity)
        row["scopes"] = sorted(s.value for s in entity.scopes)
        return row

    async def authenticate(self, digest: str) -> ServiceKey | None:
        """The one lookup that is not scoped: it is how a caller's organization is found.
        On PostgreSQL a SECURITY DEFINER function finds the key past row-level security and
        enters its organization for the rest of the transaction."""
        c = self.table.c
        if self.connection.dialect.name == "postgresql":
            authenticate = func.rapport_authenticate(digest).table_valued(
                *(column(col.name, col.type) for col in self.table.columns)
            )
            return await self.fetch_one(select(authenticate))
        return await self.fetch_one(
            select(self.table).where(c.digest == digest, c.revoked_at.is_(None))
        )

    async def organization_of(self, key_id: UUID) -> UUID | None:
        """The organization a key belongs to, looked up past tenants (operator commands)."""
        c = self.table.c
        return await self.connection.scalar(select(c.org_id).where(c.id == key_id))

    async def revoke_named(self, org_id: UUID, name: str, at: datetime) -> None:
        c = self.table.c
        await self.connection.execute(
            update(self.table)
            .where(c.org_id == org_id, c.name == name, c.revoked_at.is_(None))
            .values(revoked_at=at, updated_at=at)
        )

    async def list_page(self, org_id: UUID, request: PageRequest) -> Page[ServiceKey]:
        c = self.table.c
        return await self.page(
            self.select_in_org(org_id), request, c.created_at, lambda k: k.created_at
        )
