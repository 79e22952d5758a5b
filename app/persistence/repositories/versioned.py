"""Tables whose rows carry a version (app.domain.versions): every write makes it one more,
and a write can be made only over the version the request read — a compare-and-set in the
UPDATE's (or DELETE's) WHERE, so that two writers who read the same version cannot both
write."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol, TypeVar
from uuid import UUID

from sqlalchemy import ColumnElement, delete, select, update

from app.persistence.repositories.base import TableRepository


class Versioned(Protocol):
    id: UUID
    org_id: UUID
    version: int


V = TypeVar("V", bound=Versioned)


class VersionedRepository(TableRepository[V]):
    def written_by_the_database(self) -> dict[str, Any]:
        return {"version": self.table.c.version + 1}

    def _row_of(self, org_id: UUID, entity_id: UUID, read_version: int | None) -> list[Any]:
        c = self.table.c
        where: list[ColumnElement[bool]] = [c.org_id == org_id, c.id == entity_id]
        if read_version is not None:
            where.append(c.version == read_version)
        return where

    async def save(self, entity: V) -> None:
        await self.save_over(entity, None)

    async def save_over(self, entity: V, read_version: int | None) -> bool:
        """Write every column and make the version one more; with `read_version`, only if
        the row is still at it (False: another writer got there first, nothing written)."""
        await self._known_before_change([entity])
        values = {**self.to_row(entity), **self.written_by_the_database()}
        statement = (
            update(self.table)
            .where(*self._row_of(entity.org_id, entity.id, read_version))
            .values(values)
            .returning(self.table.c.version)
        )
        written = (await self.connection.execute(statement)).scalar_one_or_none()
        if written is None:
            return False
        entity.version = written
        self._note([entity], added=False)
        return True

    async def save_many(self, entities: Sequence[V]) -> None:
        for entity in entities:
            entity.version += 1  # as the database makes it (the version is not written)
        await super().save_many(entities)

    async def delete_over(self, entity: V, read_version: int | None) -> bool:
        """Delete the row; with `read_version`, only if it is still at it."""
        await self._known_before_change([entity])
        result = await self.connection.execute(
            delete(self.table).where(*self._row_of(entity.org_id, entity.id, read_version))
        )
        if not result.rowcount:
            return False
        await self._note_deleted(entity.org_id, entity.id)
        return True

    async def version_of(self, org_id: UUID, entity_id: UUID) -> int | None:
        """The row's current version (None once it is gone)."""
        c = self.table.c
        found: int | None = await self.connection.scalar(
            select(c.version).where(c.org_id == org_id, c.id == entity_id)
        )
        return found
