"""The outbox: events written with the change that caused them, read back in order.

Order: on SQLite writers take turns, so the insertion sequence `seq` is the commit order.
On PostgreSQL concurrent transactions draw sequence numbers in one order and commit in
another, so a reader that went past seq 11 could later see seq 10 appear. Each event
therefore also records its transaction id `tx`; the feed orders by (tx, seq) and shows only
events of transactions older than every transaction still running (`pg_snapshot_xmin`):
nothing can appear behind a position once it has been read."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import BigInteger, and_, insert, literal, or_, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from app.domain.events import Event, EventType
from app.persistence.event_tables import EventRow, WebhookDeliveryRow

EVENTS = EventRow.__table__  # type: ignore[attr-defined]
DELIVERIES = WebhookDeliveryRow.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class Position:
    """Where a reader of the feed stands: after the event at (tx, seq)."""

    tx: int
    seq: int


@dataclass(frozen=True, slots=True)
class StoredEvent:
    event: Event
    seq: int
    position: Position


class EventRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection

    @property
    def _postgresql(self) -> bool:
        return self.connection.dialect.name == "postgresql"

    async def add_many(self, events: Sequence[Event]) -> dict[UUID, int]:
        """Insert events; returns each one's sequence number."""
        if not events:
            return {}
        tx = (
            text("pg_current_xact_id()::text::bigint")
            if self._postgresql
            else literal(0, BigInteger)
        )
        rows = [
            {
                "id": event.id,
                "org_id": event.org_id,
                "type": event.type.value,
                "occurred_at": event.occurred_at,
                "data": event.data,
                "changed_fields": event.changed_fields,
            }
            for event in events
        ]
        result = await self.connection.execute(
            insert(EVENTS)
            .values([{**row, "tx": tx} for row in rows])
            .returning(EVENTS.c.id, EVENTS.c.seq)
        )
        return {row.id: row.seq for row in result}

    async def page(
        self,
        org_id: UUID,
        after: Position | None,
        types: Sequence[EventType],
        limit: int,
    ) -> list[StoredEvent]:
        """The organization's events after a position, oldest first (only those no running
        transaction can still precede, on PostgreSQL)."""
        c = EVENTS.c
        statement = select(EVENTS).where(c.org_id == org_id)
        if after is not None:
            statement = statement.where(
                or_(c.tx > after.tx, and_(c.tx == after.tx, c.seq > after.seq))
            )
        if types:
            statement = statement.where(c.type.in_([t.value for t in types]))
        if self._postgresql:
            statement = statement.where(
                c.tx < text("pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
            )
        statement = statement.order_by(c.tx, c.seq).limit(limit)
        rows = (await self.connection.execute(statement)).mappings().all()
        return [stored_event(row) for row in rows]

    async def last_position(self, org_id: UUID) -> Position | None:
        """The position of the organization's newest visible event (where a reader with no
        cursor and no new events stands)."""
        c = EVENTS.c
        statement = select(c.tx, c.seq).where(c.org_id == org_id)
        if self._postgresql:
            statement = statement.where(
                c.tx < text("pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
            )
        row = (
            await self.connection.execute(statement.order_by(c.tx.desc(), c.seq.desc()).limit(1))
        ).first()
        return None if row is None else Position(row.tx, row.seq)

    async def purge(self, before: datetime) -> None:
        """Events and finished deliveries (with their attempts) older than `before`, of
        every organization (through rapport_purge_events on PostgreSQL, revision 0009); an
        event still pending delivery is kept until it is delivered or fails."""
        if self._postgresql:
            await self.connection.execute(
                text("SELECT rapport_purge_events(:before)"), {"before": before}
            )
            return
        deliveries = DELIVERIES.c
        await self.connection.execute(
            DELIVERIES.delete().where(deliveries.created_at < before, deliveries.state != "pending")
        )
        await self.connection.execute(
            EVENTS.delete().where(
                EVENTS.c.occurred_at < before,
                ~select(deliveries.id).where(deliveries.event_id == EVENTS.c.id).exists(),
            )
        )

    async def by_ids(self, org_id: UUID, ids: Sequence[UUID]) -> dict[UUID, StoredEvent]:
        if not ids:
            return {}
        c = EVENTS.c
        rows = (
            (
                await self.connection.execute(
                    select(EVENTS).where(c.org_id == org_id, c.id.in_(sorted(set(ids), key=str)))
                )
            )
            .mappings()
            .all()
        )
        return {row["id"]: stored_event(row) for row in rows}


def stored_event(row: Mapping[Any, Any]) -> StoredEvent:
    event = Event(
        id=row["id"],
        org_id=row["org_id"],
        type=EventType(row["type"]),
        occurred_at=row["occurred_at"],
        data=row["data"],
        changed_fields=row["changed_fields"],
    )
    return StoredEvent(event, row["seq"], Position(row["tx"], row["seq"]))
