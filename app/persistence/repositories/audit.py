"""Queries over the audit trail."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from sqlalchemy.dialects import postgresql, sqlite

from app.domain.audit import AuditEvent
from app.domain.paging import Page, PageRequest
from app.domain.queries import AuditFilter
from app.persistence.access_tables import AuditEventRow
from app.persistence.repositories.base import TableRepository


class AuditRepository(TableRepository[AuditEvent]):
    table = AuditEventRow.__table__  # type: ignore[attr-defined]

    def to_entity(self, row: Mapping[str, Any]) -> AuditEvent:
        return AuditEvent(
            id=row["id"],
            org_id=row["org_id"],
            at=row["at"],
            operation=row["operation"],
            method=row["method"],
            record_ids=row["record_ids"],
            actor_key_id=row["actor_key_id"],
            actor_person_id=row["actor_person_id"],
        )

    async def add_once(self, events: list[AuditEvent]) -> None:
        """Insert, skipping ids already stored: a batch is retried when its commit was cut
        off, and that commit may have gone through."""
        dialect = postgresql if self.connection.dialect.name == "postgresql" else sqlite
        statement = dialect.insert(self.table).on_conflict_do_nothing(index_elements=["id"])
        await self.connection.execute(statement, [self.to_row(event) for event in events])

    async def list_page(
        self, org_id: UUID, filters: AuditFilter, request: PageRequest
    ) -> Page[AuditEvent]:
        c = self.table.c
        statement = self.select_in_org(org_id)
        if filters.actor_key_id is not None:
            statement = statement.where(c.actor_key_id == filters.actor_key_id)
        if filters.actor_person_id is not None:
            statement = statement.where(c.actor_person_id == filters.actor_person_id)
        if filters.operation is not None:
            statement = statement.where(c.operation == filters.operation)
        if filters.since is not None:
            statement = statement.where(c.at >= filters.since)
        return await self.page(statement, request, c.at, lambda e: e.at)
