"""The tables of credentials and their settings: service keys, the audit trail, sign-in and
rate-limit settings, token signing generations, sign-in bindings, calendar tokens and stored
idempotent answers."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from app.persistence.columns import fk, instant, org_fk, string


class ServiceKeyRow(SQLModel, table=True):
    __tablename__ = "service_keys"
    __table_args__ = (
        UniqueConstraint("digest", name="uq_service_keys_digest"),
        Index("ix_service_keys_org_created", "org_id", "created_at", "id"),
    )
    id: UUID = Field(primary_key=True)
    org_id: UUID = org_fk()
    name: str = string(200)
    prefix: str = string(16)
    digest: str = string(64)
    scopes: list[str] = Field(sa_type=JSON, nullable=False)
    created_at: datetime = instant()
    updated_at: datetime = instant()
    revoked_at: datetime | None = instant(nullable=True)


class AuditEventRow(SQLModel, table=True):
    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_org_at", "org_id", "at", "id"),)
    id: UUID = Field(primary_key=True)
    org_id: UUID = org_fk()
    at: datetime = instant()
    operation: str = string(64)
    method: str = string(8)
    record_ids: dict[str, str] = Field(sa_type=JSON, nullable=False)
    actor_key_id: UUID | None = Field(default=None, nullable=True)
    actor_person_id: UUID | None = Field(default=None, nullable=True)


class SignInRow(SQLModel, table=True):
    """How an organization's people sign in (no row: person tokens)."""

    __tablename__ = "sign_in_settings"
    __table_args__ = (
        # An ID token finds its organization by its (issuer, audience) pair.
        Index(
            "uq_sign_in_oidc_issuer_audience",
            "issuer",
            "audience",
            unique=True,
            sqlite_where=text("mode = 'oidc'"),
            postgresql_where=text("mode = 'oidc'"),
        ),
    )
    org_id: UUID = Field(
        primary_key=True, sa_column_args=[ForeignKey("organizations.id", ondelete="CASCADE")]
    )
    mode: str = string(16)
    issuer: str | None = string(300, nullable=True)
    audience: str | None = string(255, nullable=True)
    jwks_url: str | None = string(2000, nullable=True)
    person_claim: str = string(16)
    created_at: datetime = instant()
    updated_at: datetime = instant()


class RateLimitRow(SQLModel, table=True):
    """An organization's own request budgets (no row: the service's defaults)."""

    __tablename__ = "rate_limit_settings"
    org_id: UUID = Field(
        primary_key=True, sa_column_args=[ForeignKey("organizations.id", ondelete="CASCADE")]
    )
    per_key: str | None = string(64, nullable=True)
    per_organization: str | None = string(64, nullable=True)
    created_at: datetime = instant()
    updated_at: datetime = instant()


class TokenSigningGenerationRow(SQLModel, table=True):
    """Generations of the person-token signing key; not tenant data (one list for all)."""

    __tablename__ = "token_signing_generations"
    generation: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    salt: str = string(64)
    created_at: datetime = instant()
    retired_at: datetime | None = instant(nullable=True)


class SignInBindingRow(SQLModel, table=True):
    """The identity provider account `(issuer, subject)` a person signs in with, pinned at
    their first sign-in at that issuer (app.domain.sign_in_bindings)."""

    __tablename__ = "sign_in_bindings"
    __table_args__ = (
        UniqueConstraint("org_id", "person_id", "issuer", name="uq_sign_in_bindings_person"),
        UniqueConstraint("org_id", "issuer", "subject", name="uq_sign_in_bindings_account"),
        Index("ix_sign_in_bindings_org_bound", "org_id", "bound_at", "id"),
    )
    id: UUID = Field(primary_key=True)
    org_id: UUID = org_fk()
    person_id: UUID = fk("people.id")
    issuer: str = string(300)
    subject: str = string(255)
    bound_at: datetime = instant()


class CalendarTokenRow(SQLModel, table=True):
    """A person's calendar subscription secret, stored as its SHA-256 digest (one a person)."""

    __tablename__ = "calendar_tokens"
    __table_args__ = (
        UniqueConstraint("digest", name="uq_calendar_tokens_digest"),
        UniqueConstraint("org_id", "person_id", name="uq_calendar_tokens_person"),
    )
    id: UUID = Field(primary_key=True)
    org_id: UUID = org_fk()
    person_id: UUID = fk("people.id")
    digest: str = string(64)
    minted_by_key_id: UUID | None = fk("service_keys.id", nullable=True)
    minted_by_person_id: UUID | None = fk("people.id", nullable=True)
    created_at: datetime = instant()


class IdempotencyKeyRow(SQLModel, table=True):
    """The answer to a POST sent with an Idempotency-Key, per credential and key, kept until
    `expires_at` (app.domain.idempotency)."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (Index("ix_idempotency_keys_expires", "expires_at"),)
    org_id: UUID = Field(
        primary_key=True, sa_column_args=[ForeignKey("organizations.id", ondelete="CASCADE")]
    )
    credential: str = Field(sa_type=String(64), primary_key=True)
    idempotency_key: str = Field(sa_type=String(255), primary_key=True)
    fingerprint: str = string(64)
    status: int = Field(nullable=False)
    headers: list[list[str]] = Field(sa_type=JSON, nullable=False)
    body: bytes = Field(sa_type=LargeBinary, nullable=False)
    created_at: datetime = instant()
    expires_at: datetime = instant()
