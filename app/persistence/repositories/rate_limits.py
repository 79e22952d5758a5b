"""Queries over organizations' own request budgets."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from app.domain.rate_limits import RateLimitSetting
from app.persistence.access_tables import RateLimitRow


class RateLimitRepository:
    table = RateLimitRow.__table__  # type: ignore[attr-defined]

    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection

    async def get(self, org_id: UUID) -> RateLimitSetting:
        """The organization's budgets; the defaults when it never chose."""
        found = await self.connection.execute(
            select(self.table.c.per_key, self.table.c.per_organization).where(
                self.table.c.org_id == org_id
            )
        )
        row = found.first()
        return RateLimitSetting(org_id) if row is None else RateLimitSetting(org_id, *row)

    async def save(self, setting: RateLimitSetting, at: datetime) -> None:
        values = {"per_key": setting.per_key, "per_organization": setting.per_organization}
        changed = await self.connection.execute(
            update(self.table)
            .where(self.table.c.org_id == setting.org_id)
            .values(**values, updated_at=at)
        )
        if changed.rowcount == 0:
            await self.connection.execute(
                insert(self.table).values(
                    org_id=setting.org_id, **values, created_at=at, updated_at=at
                )
            )
