"""The outbox and webhook tables (events out, docs/events.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from app.persistence.columns import instant, org_fk, string


class EventRow(SQLModel, table=True):
    """The outbox: each event, written in the transaction of the change that caused it.
    `position` orders events (see app.persistence.repositories.events); kept 30 days."""

    __tablename__ = "events"
    __table_args__ = (
        UniqueConstraint("id", name="uq_events_id"),
        Index("ix_events_org_position", "org_id", "tx", "seq"),
        Index("ix_events_occurred", "occurred_at"),
    )
    seq: int | None = Field(
        default=None,
        primary_key=True,
        sa_type=BigInteger().with_variant(Integer(), "sqlite"),
        sa_column_kwargs={"autoincrement": True},
    )
    id: UUID = Field(nullable=False)
    org_id: UUID = org_fk()
    # The writing transaction's id on PostgreSQL (0 on SQLite, whose writers take turns).
    tx: int = Field(sa_type=BigInteger(), nullable=False)
    type: str = string(64)
    occurred_at: datetime = instant()
    data: dict[str, Any] = Field(sa_type=JSON, nullable=False)
    changed_fields: list[str] = Field(sa_type=JSON, nullable=False)


class WebhookEndpointRow(SQLModel, table=True):
    __tablename__ = "webhook_endpoints"
    __table_args__ = (Index("ix_webhook_endpoints_org_created", "org_id", "created_at", "id"),)
    id: UUID = Field(primary_key=True)
    org_id: UUID = org_fk()
    url: str = string(2000)
    description: str | None = string(500, nullable=True)
    # None: every event type.
    event_types: list[str] | None = Field(default=None, sa_type=JSON, nullable=True)
    # What the endpoint may receive: the scopes of the key that created it.
    scopes: list[str] = Field(sa_type=JSON, nullable=False)
    enabled: bool = Field(nullable=False)
    disabled_reason: str | None = string(32, nullable=True)
    failing_since: datetime | None = instant(nullable=True)
    secret: str = string(100)
    previous_secret: str | None = string(100, nullable=True)
    previous_secret_until: datetime | None = instant(nullable=True)
    created_at: datetime = instant()
    updated_at: datetime = instant()


class WebhookDeliveryRow(SQLModel, table=True):
    """One event to send to one endpoint; the worker claims the oldest pending one of each
    endpoint (app.persistence.repositories.webhooks)."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        Index("ix_webhook_deliveries_endpoint_state_seq", "endpoint_id", "state", "seq"),
        # Each endpoint's queue in the claim's order (revision 0016).
        Index(
            "ix_webhook_deliveries_pending_queue",
            "endpoint_id",
            "seq",
            "id",
            postgresql_where=text("state = 'pending'"),
            sqlite_where=text("state = 'pending'"),
        ),
        Index("ix_webhook_deliveries_state_due", "state", "next_attempt_at"),
        Index("ix_webhook_deliveries_org_endpoint_created", "org_id", "endpoint_id", "created_at"),
        Index("ix_webhook_deliveries_created", "created_at"),
    )
    id: UUID = Field(primary_key=True)
    org_id: UUID = org_fk()
    endpoint_id: UUID = Field(
        sa_column_args=[ForeignKey("webhook_endpoints.id", ondelete="CASCADE")], nullable=False
    )
    event_id: UUID = Field(
        sa_column_args=[ForeignKey("events.id", ondelete="CASCADE")], nullable=False
    )
    seq: int = Field(sa_type=BigInteger(), nullable=False)
    state: str = string(16)
    attempts: int = Field(nullable=False)
    next_attempt_at: datetime | None = instant(nullable=True)
    leased_until: datetime | None = instant(nullable=True)
    last_status_code: int | None = Field(default=None, nullable=True)
    delivered_at: datetime | None = instant(nullable=True)
    created_at: datetime = instant()
    updated_at: datetime = instant()


class WebhookAttemptRow(SQLModel, table=True):
    __tablename__ = "webhook_attempts"
    __table_args__ = (Index("ix_webhook_attempts_org_delivery_at", "org_id", "delivery_id", "at"),)
    id: UUID = Field(primary_key=True)
    org_id: UUID = org_fk()
    delivery_id: UUID = Field(
        sa_column_args=[ForeignKey("webhook_deliveries.id", ondelete="CASCADE")], nullable=False
    )
    at: datetime = instant()
    status_code: int | None = Field(default=None, nullable=True)
    latency_ms: int = Field(nullable=False)
    response_body: str | None = string(1000, nullable=True)
    error: str | None = string(200, nullable=True)
    next_attempt_at: datetime | None = instant(nullable=True)


class PairWatchRow(SQLModel, table=True):
    """Per pair, the cadence state last announced and the next instant at which time alone
    may change it (or end a booked meeting unrecorded): the scheduler reads only the rows
    whose instant has passed."""

    __tablename__ = "pair_watches"
    __table_args__ = (Index("ix_pair_watches_check_at", "check_at"),)
    pair_id: UUID = Field(
        primary_key=True, sa_column_args=[ForeignKey("pairs.id", ondelete="CASCADE")]
    )
    org_id: UUID = org_fk()
    cadence_state: str = string(16)
    check_at: datetime | None = instant(nullable=True)
    # Meetings that ended unrecorded up to this instant have been announced.
    unrecorded_until: datetime = instant()
