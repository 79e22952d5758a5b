"""What every table of records offers the services, whatever stores it: records read and
written by id, and for versioned records a write over the version a request read
(app.domain.versions)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, TypeVar
from uuid import UUID


class VersionedRecord(Protocol):
    id: UUID
    org_id: UUID
    version: int


E = TypeVar("E")
V = TypeVar("V", bound=VersionedRecord)


class Store(Protocol[E]):
    """Records of one kind, each in one organization."""

    async def get(self, org_id: UUID, entity_id: UUID, *, for_update: bool = False) -> E | None:
        """The record, or None; `for_update` locks it until the transaction ends."""
        ...

    async def by_ids(self, org_id: UUID, ids: Sequence[UUID]) -> list[E]: ...

    async def add(self, entity: E) -> None: ...

    async def add_many(self, entities: Sequence[E]) -> None: ...

    async def save(self, entity: E) -> None: ...

    async def save_many(self, entities: Sequence[E]) -> None: ...


class VersionedStore(Store[V], Protocol[V]):
    """Records whose every write makes their version one more."""

    async def save_over(self, entity: V, read_version: int | None) -> bool:
        """Write the record; with `read_version`, only if it is still at it (False: another
        writer got there first, nothing written)."""
        ...

    async def delete_over(self, entity: V, read_version: int | None) -> bool: ...

    async def version_of(self, org_id: UUID, entity_id: UUID) -> int | None:
        """The record's current version (None once it is gone)."""
        ...
