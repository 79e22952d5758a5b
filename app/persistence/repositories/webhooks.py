"""Webhook endpoints, their deliveries and the attempts of each delivery.

Claiming work: a delivery is due when it is pending, its next attempt time has passed, no
worker holds a live lease on it, and it is the oldest pending delivery of its endpoint (so
each endpoint receives its events in order, one at a time). Claiming sets a lease in one
statement that skips rows another worker is claiming (`FOR UPDATE SKIP LOCKED` on
PostgreSQL, inside rapport_claim_deliveries, revision 0016; SQLite has one writer at a
time). It reads only the head of each enabled endpoint's queue (a partial index of the
pending deliveries in the claim's order), so its cost follows the endpoints, not the
backlog. A worker that dies mid-delivery leaves a lease that expires: the delivery is tried
again, with the same `webhook-id`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import func, insert, select, text, update

from app.domain.access import Scope
from app.domain.events import EventType
from app.domain.paging import Page, PageRequest
from app.domain.webhooks import (
    Attempt,
    Delivery,
    DeliveryState,
    DisabledReason,
    WebhookEndpoint,
)
from app.persistence.event_tables import (
    WebhookAttemptRow,
    WebhookDeliveryRow,
    WebhookEndpointRow,
)
from app.persistence.repositories.base import TableRepository, batches

DELIVERIES = WebhookDeliveryRow.__table__  # type: ignore[attr-defined]
ATTEMPTS = WebhookAttemptRow.__table__  # type: ignore[attr-defined]
ENDPOINTS = WebhookEndpointRow.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class Claimed:
    """A delivery leased to this worker."""

    delivery_id: UUID
    org_id: UUID
    endpoint_id: UUID
    seq: int


@dataclass(frozen=True, slots=True)
class EndpointBacklog:
    """What is waiting for one endpoint (for operators)."""

    org_id: UUID
    endpoint_id: UUID
    enabled: bool
    disabled_reason: str | None
    failing_since: datetime | None
    pending: int
    oldest_pending: datetime | None


class WebhookEndpointRepository(TableRepository[WebhookEndpoint]):
    table = ENDPOINTS

    def to_entity(self, row: Mapping[str, Any]) -> WebhookEndpoint:
        types = row["event_types"]
        reason = row["disabled_reason"]
        return WebhookEndpoint(
            id=row["id"],
            org_id=row["org_id"],
            url=row["url"],
            description=row["description"],
            event_types=None if types is None else [EventType(t) for t in types],
            scopes=frozenset(Scope(s) for s in row["scopes"]),
            enabled=row["enabled"],
            disabled_reason=None if reason is None else DisabledReason(reason),
            failing_since=row["failing_since"],
            secret=row["secret"],
            previous_secret=row["previous_secret"],
            previous_secret_until=row["previous_secret_until"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
        )

    def to_row(self, entity: WebhookEndpoint) -> dict[str, Any]:
        row = super().to_row(entity)
        types = entity.event_types
        row["event_types"] = None if types is None else [t.value for t in types]
        row["scopes"] = sorted(s.value for s in entity.scopes)
        return row

    async def enabled_of(self, org_id: UUID) -> list[WebhookEndpoint]:
        return await self.fetch_all(
            self.select_in_org(org_id).where(self.table.c.enabled.is_(True))
        )

    async def list_page(self, org_id: UUID, request: PageRequest) -> Page[WebhookEndpoint]:
        c = self.table.c
        return await self.page(self.select_in_org(org_id), request, c.created_at, _created)

    async def delete(self, org_id: UUID, endpoint_id: UUID) -> None:
        """The endpoint and its delivery log."""
        c = self.table.c
        await self.connection.execute(
            self.table.delete().where(c.org_id == org_id, c.id == endpoint_id)
        )


def _created(entity: Any) -> object:
    return entity.created_at


class WebhookDeliveryRepository(TableRepository[Delivery]):
    table = DELIVERIES

    def to_entity(self, row: Mapping[str, Any]) -> Delivery:
        return Delivery(
            id=row["id"],
            org_id=row["org_id"],
            endpoint_id=row["endpoint_id"],
            event_id=row["event_id"],
            seq=row["seq"],
            state=DeliveryState(row["state"]),
            attempts=row["attempts"],
            next_attempt_at=row["next_attempt_at"],
            last_status_code=row["last_status_code"],
            delivered_at=row["delivered_at"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
        )

    def to_row(self, entity: Delivery) -> dict[str, Any]:
        """A write of a delivery ends any lease on it."""
        columns = [c.name for c in self.table.columns if c.name != "leased_until"]
        return {**{name: getattr(entity, name) for name in columns}, "leased_until": None}

    async def claim(
        self, now: datetime, lease_until: datetime, endpoints: int, batch: int
    ) -> list[Claimed]:
        """For up to `endpoints` endpoints whose oldest pending delivery is due and not
        leased, their first `batch` pending deliveries, leased to this worker until
        `lease_until` (see the module); by endpoint, oldest first."""
        if self.connection.dialect.name == "postgresql":
            rows = await self.connection.execute(
                text(
                    "SELECT id, org_id, endpoint_id, seq"
                    " FROM rapport_claim_deliveries(:at, :lease, :most, :batch)"
                ),
                {"at": now, "lease": lease_until, "most": endpoints, "batch": batch},
            )
        else:
            rows = await self.connection.execute(
                _claim_statement(now, lease_until, endpoints, batch)
            )
        claimed = [Claimed(row.id, row.org_id, row.endpoint_id, row.seq) for row in rows]
        return sorted(claimed, key=lambda c: (str(c.endpoint_id), c.seq, str(c.delivery_id)))

    async def pending_overall(self) -> tuple[int, datetime | None]:
        """Across every organization: deliveries still pending, and when the oldest of them
        was created (for the service's metrics; no organization's data leaves)."""
        if self.connection.dialect.name == "postgresql":
            found = await self.connection.execute(
                text("SELECT pending, oldest FROM rapport_delivery_backlog()")
            )
        else:
            c = self.table.c
            found = await self.connection.execute(
                select(func.count(), func.min(c.created_at)).where(
                    c.state == DeliveryState.PENDING.value
                )
            )
        pending, oldest = found.one()
        return int(pending), oldest

    async def release(self, org_id: UUID, delivery_ids: Sequence[UUID]) -> None:
        """Give up the lease of deliveries this worker will not send now."""
        if delivery_ids:
            c = self.table.c
            await self.connection.execute(
                update(self.table)
                .where(c.org_id == org_id, c.id.in_(sorted(delivery_ids, key=str)))
                .values(leased_until=None)
            )

    async def list_for_endpoint(
        self, org_id: UUID, endpoint_id: UUID, request: PageRequest
    ) -> Page[Delivery]:
        """Newest first."""
        statement = self.select_in_org(org_id).where(self.table.c.endpoint_id == endpoint_id)
        c = self.table.c
        return await self.page(statement, request, c.created_at, _created, descending=True)

    async def add_attempts(self, attempts: Sequence[Attempt]) -> None:
        """Insert attempts, a batch per executemany."""
        for batch in batches(attempts):
            await self.connection.execute(
                insert(ATTEMPTS),
                [
                    {column.name: getattr(a, column.name) for column in ATTEMPTS.columns}
                    for a in batch
                ],
            )

    async def attempts_of(self, org_id: UUID, delivery_ids: Sequence[UUID]) -> list[Attempt]:
        """The attempts of these deliveries, oldest first."""
        found: list[Attempt] = []
        c = ATTEMPTS.c
        for batch in batches(sorted(set(delivery_ids), key=str)):
            rows = await self.connection.execute(
                select(ATTEMPTS)
                .where(c.org_id == org_id, c.delivery_id.in_(batch))
                .order_by(c.at, c.id)
            )
            found += [Attempt(**row) for row in rows.mappings()]
        return found

    async def backlog(self) -> list[EndpointBacklog]:
        """Every endpoint this role sees (every organization's for the tables' owner), with
        its pending deliveries, by organization then endpoint."""
        c, e = self.table.c, ENDPOINTS.c
        pending = (
            select(
                c.endpoint_id,
                func.count().label("pending"),
                func.min(c.created_at).label("oldest"),
            )
            .where(c.state == DeliveryState.PENDING.value)
            .group_by(c.endpoint_id)
            .subquery()
        )
        rows = await self.connection.execute(
            select(
                e.org_id,
                e.id,
                e.enabled,
                e.disabled_reason,
                e.failing_since,
                func.coalesce(pending.c.pending, 0).label("pending"),
                pending.c.oldest,
            )
            .outerjoin(pending, pending.c.endpoint_id == e.id)
            .order_by(e.org_id, e.created_at, e.id)
        )
        return [
            EndpointBacklog(
                row.org_id,
                row.id,
                row.enabled,
                row.disabled_reason,
                row.failing_since,
                row.pending,
                None if row.oldest is None else _utc(row.oldest),
            )
            for row in rows
        ]


def _utc(value: datetime) -> datetime:
    """An aggregate of an instant column comes back as the driver gives it (naive on
    SQLite)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _claim_statement(now: datetime, lease_until: datetime, endpoints: int, batch: int) -> Any:
    """rapport_claim_deliveries (revision 0016) for SQLite, whose writers take turns: the
    head of each enabled endpoint's queue, read from the pending queue's index."""
    c, endpoint = DELIVERIES.c, ENDPOINTS.c
    head, queue = DELIVERIES.alias("head"), DELIVERIES.alias("queue")
    pending = DeliveryState.PENDING.value
    head_of_endpoint = (
        select(queue.c.id)
        .where(queue.c.endpoint_id == endpoint.id, queue.c.state == pending)
        .order_by(queue.c.seq, queue.c.id)
        .limit(1)
        .scalar_subquery()
    )
    heads = (
        select(head.c.endpoint_id)
        .select_from(ENDPOINTS.join(head, head.c.endpoint_id == endpoint.id))
        .where(
            endpoint.enabled.is_(True),
            head.c.id == head_of_endpoint,
            head.c.next_attempt_at <= now,
            (head.c.leased_until.is_(None)) | (head.c.leased_until <= now),
        )
        .order_by(head.c.next_attempt_at)
        .limit(endpoints)
    )
    place = func.row_number().over(partition_by=c.endpoint_id, order_by=(c.seq, c.id))
    queued = (
        select(c.id, place.label("place"))
        .where(c.endpoint_id.in_(heads), c.state == pending)
        .subquery()
    )
    return (
        update(DELIVERIES)
        .where(c.id.in_(select(queued.c.id).where(queued.c.place <= batch)))
        .values(leased_until=lease_until)
        .returning(c.id, c.org_id, c.endpoint_id, c.seq)
    )
