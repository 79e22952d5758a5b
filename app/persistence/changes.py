"""What a transaction changed, record by record: the repositories note every insert, update
and delete of a record that events are made of, with the record as it was when the
transaction first read it. Events are derived from this list before the commit
(app.services.outbox), so no path that writes through a repository can forget its event."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any
from uuid import UUID

from app.domain.events import Resource


@dataclass(slots=True)
class Change:
    """One record's change in this transaction: `before` None for a creation, `after` None
    for a deletion (entities as the transaction first read them and as it left them)."""

    resource: Resource
    org_id: UUID
    record_id: UUID
    before: Any
    after: Any


class ChangeLog:
    """The changes of one write transaction, one per record (a record created and changed
    in one transaction is one creation; created and deleted, nothing)."""

    def __init__(self) -> None:
        self._read: dict[tuple[Resource, UUID], Any] = {}
        self._changes: dict[tuple[Resource, UUID], Change] = {}

    def knows(self, resource: Resource, record_id: UUID) -> bool:
        key = (resource, record_id)
        return key in self._read or key in self._changes

    def read(self, resource: Resource, entity: Any) -> None:
        """The record as the database holds it now (the first reading is kept)."""
        self._read.setdefault((resource, entity.id), replace(entity))

    def added(self, resource: Resource, entity: Any) -> None:
        key = (resource, entity.id)
        self._changes[key] = Change(resource, entity.org_id, entity.id, None, replace(entity))

    def saved(self, resource: Resource, entity: Any) -> None:
        key = (resource, entity.id)
        known = self._changes.get(key)
        before = known.before if known is not None else self._read.get(key)
        self._changes[key] = Change(resource, entity.org_id, entity.id, before, replace(entity))

    def deleted(self, resource: Resource, org_id: UUID, record_id: UUID) -> None:
        key = (resource, record_id)
        known = self._changes.get(key)
        if known is not None and known.before is None:
            del self._changes[key]  # created and deleted in one transaction: nothing happened
            return
        before = known.before if known is not None else self._read.get(key)
        if before is not None:
            self._changes[key] = Change(resource, org_id, record_id, before, None)

    def drain(self) -> list[Change]:
        """The changes so far, in the order the records were first changed; the log starts
        afresh (what the transaction reads after this is its new starting point)."""
        changes = list(self._changes.values())
        self._changes.clear()
        self._read.clear()
        return changes

    @property
    def empty(self) -> bool:
        return not self._changes
