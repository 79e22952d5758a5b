"""Queries over groups and their members."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Select, delete, func, insert, select

from app.domain.groups import Group, display_name_key
from app.domain.queries import GroupQuery
from app.persistence.repositories.base import TableRepository, batches
from app.persistence.tables import GroupMemberRow, GroupRow

MEMBERS = GroupMemberRow.__table__  # type: ignore[attr-defined]


class GroupRepository(TableRepository[Group]):
    table = GroupRow.__table__  # type: ignore[attr-defined]

    def to_entity(self, row: Mapping[str, Any]) -> Group:
        return Group(
            id=row["id"],
            org_id=row["org_id"],
            display_name=row["display_name"],
            external_id=row["external_id"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
        )

    def to_row(self, entity: Group) -> dict[str, Any]:
        row = {
            column.name: getattr(entity, column.name)
            for column in self.table.columns
            if column.name != "display_name_key"
        }
        row["display_name_key"] = display_name_key(entity.display_name)
        return row

    def _query(self, org_id: UUID, query: GroupQuery) -> Select[Any]:
        c = self.table.c
        statement = self.select_in_org(org_id)
        if query.display_name is not None:
            statement = statement.where(c.display_name_key == display_name_key(query.display_name))
        if query.external_id is not None:
            statement = statement.where(c.external_id == query.external_id)
        return statement

    async def window(
        self, org_id: UUID, query: GroupQuery, offset: int, limit: int
    ) -> tuple[int, list[Group]]:
        """SCIM's index paging: the total and one window, oldest first."""
        statement = self._query(org_id, query)
        total = (
            await self.connection.execute(select(func.count()).select_from(statement.subquery()))
        ).scalar_one()
        if limit == 0:
            return total, []
        c = self.table.c
        return total, await self.fetch_all(
            statement.order_by(c.created_at, c.id).offset(offset).limit(limit)
        )

    async def find_by_external_id(self, org_id: UUID, external_id: str) -> Group | None:
        return await self.fetch_one(
            self.select_in_org(org_id).where(self.table.c.external_id == external_id)
        )

    async def delete(self, org_id: UUID, group_id: UUID) -> None:
        await self.connection.execute(
            delete(MEMBERS).where(MEMBERS.c.org_id == org_id, MEMBERS.c.group_id == group_id)
        )
        c = self.table.c
        await self.connection.execute(
            delete(self.table).where(c.org_id == org_id, c.id == group_id)
        )

    async def members_of(self, org_id: UUID, group_ids: Sequence[UUID]) -> dict[UUID, list[UUID]]:
        """Each group's members, oldest membership first, a statement per batch of groups."""
        members: dict[UUID, list[UUID]] = {group_id: [] for group_id in group_ids}
        for batch in batches(sorted(set(group_ids), key=str)):
            rows = await self.connection.execute(
                select(MEMBERS.c.group_id, MEMBERS.c.person_id)
                .where(MEMBERS.c.org_id == org_id, MEMBERS.c.group_id.in_(batch))
                .order_by(MEMBERS.c.created_at, MEMBERS.c.person_id)
            )
            for row in rows:
                members[row.group_id].append(row.person_id)
        return members

    async def add_members(
        self, org_id: UUID, group_id: UUID, person_ids: Sequence[UUID], at: datetime
    ) -> None:
        for batch in batches(person_ids):
            await self.connection.execute(
                insert(MEMBERS),
                [
                    {"org_id": org_id, "group_id": group_id, "person_id": p, "created_at": at}
                    for p in batch
                ],
            )

    async def remove_members(
        self, org_id: UUID, group_id: UUID, person_ids: Sequence[UUID]
    ) -> None:
        for batch in batches(person_ids):
            await self.connection.execute(
                delete(MEMBERS).where(
                    MEMBERS.c.org_id == org_id,
                    MEMBERS.c.group_id == group_id,
                    MEMBERS.c.person_id.in_(batch),
                )
            )
