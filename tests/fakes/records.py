"""Records kept in dicts by id, as the SQL repositories keep rows: every read returns a copy
(a record changes only when it is written) and every write of a versioned record makes its
version one more, over the version read when one is given."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from copy import deepcopy
from typing import Generic, Protocol, TypeVar
from uuid import UUID

from app.services.ports.stores import VersionedRecord


class Record(Protocol):
    id: UUID
    org_id: UUID


E = TypeVar("E", bound=Record)
V = TypeVar("V", bound=VersionedRecord)


class NotKeptInMemory(NotImplementedError):
    """A read the in-memory stores do not offer (pages, windows, cadence figures): the use
    cases the unit tests run never make it; a test that does should say so loudly."""

    def __init__(self, what: str) -> None:
        super().__init__(f"the in-memory stores do not offer {what}; use an API test")


class MemoryStore(Generic[E]):
    """Records of one kind by id (`rows`, shared with the other stores of the transaction)."""

    def __init__(self, rows: dict[UUID, E]) -> None:
        self.rows = rows

    def in_org(self, org_id: UUID) -> Iterator[E]:
        """The organization's records, as stored (callers copy what they return)."""
        return (record for record in self.rows.values() if record.org_id == org_id)

    async def get(self, org_id: UUID, entity_id: UUID, *, for_update: bool = False) -> E | None:
        found = self.rows.get(entity_id)
        return deepcopy(found) if found is not None and found.org_id == org_id else None

    async def by_ids(self, org_id: UUID, ids: Sequence[UUID]) -> list[E]:
        wanted = set(ids)
        return [deepcopy(record) for record in self.in_org(org_id) if record.id in wanted]

    async def add(self, entity: E) -> None:
        if entity.id in self.rows:
            raise KeyError(f"a record with id {entity.id} exists already (a unique index)")
        self.rows[entity.id] = deepcopy(entity)

    async def add_many(self, entities: Sequence[E]) -> None:
        for entity in entities:
            await self.add(entity)

    async def save(self, entity: E) -> None:
        self._write(entity)

    async def save_many(self, entities: Sequence[E]) -> None:
        for entity in entities:
            self._write(entity)

    def _write(self, entity: E) -> bool:
        """Write an existing record of the entity's organization (False: there is none)."""
        stored = self.rows.get(entity.id)
        if stored is None or stored.org_id != entity.org_id:
            return False
        self.rows[entity.id] = deepcopy(entity)
        return True


class MemoryVersionedStore(MemoryStore[V]):
    """Records whose every write makes their version one more."""

    async def save(self, entity: V) -> None:
        await self.save_over(entity, None)

    async def save_over(self, entity: V, read_version: int | None) -> bool:
        stored = self.rows.get(entity.id)
        if stored is None or stored.org_id != entity.org_id:
            return False
        if read_version is not None and stored.version != read_version:
            return False
        entity.version = stored.version + 1
        self.rows[entity.id] = deepcopy(entity)
        return True

    async def save_many(self, entities: Sequence[V]) -> None:
        for entity in entities:
            await self.save_over(entity, None)

    async def delete_over(self, entity: V, read_version: int | None) -> bool:
        stored = self.rows.get(entity.id)
        if stored is None or stored.org_id != entity.org_id:
            return False
        if read_version is not None and stored.version != read_version:
            return False
        del self.rows[entity.id]
        return True

    async def version_of(self, org_id: UUID, entity_id: UUID) -> int | None:
        stored = self.rows.get(entity_id)
        return stored.version if stored is not None and stored.org_id == org_id else None
