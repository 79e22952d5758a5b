"""Events out: the transactional outbox, webhook endpoints, their deliveries and attempts,
and each pair's next time-driven check.

Workers and the scheduler serve every organization, so on PostgreSQL they find due work
through SECURITY DEFINER functions that return ids and organizations only (as
rapport_authenticate does for keys); everything else is read under row-level security.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("events", "webhook_endpoints", "webhook_deliveries", "webhook_attempts", "pair_watches")
INSTANT = sa.DateTime(timezone=True)


def _org() -> sa.Column[Any]:
    return sa.Column("org_id", sa.Uuid(), nullable=False)


def _org_fk() -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["org_id"], ["organizations.id"], ondelete="CASCADE")


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        _org(),
        sa.Column("tx", sa.BigInteger(), nullable=False),
        sa.Column("type", sa.String(length=64), nullable=False),
        sa.Column("occurred_at", INSTANT, nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("changed_fields", sa.JSON(), nullable=False),
        _org_fk(),
        sa.PrimaryKeyConstraint("seq"),
        sa.UniqueConstraint("id", name="uq_events_id"),
    )
    op.create_index("ix_events_org_position", "events", ["org_id", "tx", "seq"])
    op.create_index("ix_events_occurred", "events", ["occurred_at"])
    op.create_table(
        "webhook_endpoints",
        sa.Column("id", sa.Uuid(), nullable=False),
        _org(),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=True),
        sa.Column("event_types", sa.JSON(), nullable=True),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("disabled_reason", sa.String(length=32), nullable=True),
        sa.Column("failing_since", INSTANT, nullable=True),
        sa.Column("secret", sa.String(length=100), nullable=False),
        sa.Column("previous_secret", sa.String(length=100), nullable=True),
        sa.Column("previous_secret_until", INSTANT, nullable=True),
        sa.Column("created_at", INSTANT, nullable=False),
        sa.Column("updated_at", INSTANT, nullable=False),
        _org_fk(),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_webhook_endpoints_org_created", "webhook_endpoints", ["org_id", "created_at", "id"]
    )
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.Uuid(), nullable=False),
        _org(),
        sa.Column("endpoint_id", sa.Uuid(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", INSTANT, nullable=True),
        sa.Column("leased_until", INSTANT, nullable=True),
        sa.Column("last_status_code", sa.Integer(), nullable=True),
        sa.Column("delivered_at", INSTANT, nullable=True),
        sa.Column("created_at", INSTANT, nullable=False),
        sa.Column("updated_at", INSTANT, nullable=False),
        _org_fk(),
        sa.ForeignKeyConstraint(["endpoint_id"], ["webhook_endpoints.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_webhook_deliveries_endpoint_state_seq",
        "webhook_deliveries",
        ["endpoint_id", "state", "seq"],
    )
    op.create_index(
        "ix_webhook_deliveries_state_due", "webhook_deliveries", ["state", "next_attempt_at"]
    )
    op.create_index(
        "ix_webhook_deliveries_org_endpoint_created",
        "webhook_deliveries",
        ["org_id", "endpoint_id", "created_at"],
    )
    op.create_index("ix_webhook_deliveries_created", "webhook_deliveries", ["created_at"])
    op.create_table(
        "webhook_attempts",
        sa.Column("id", sa.Uuid(), nullable=False),
        _org(),
        sa.Column("delivery_id", sa.Uuid(), nullable=False),
        sa.Column("at", INSTANT, nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("latency_ms", sa.Integer(), nullable=False),
        sa.Column("response_body", sa.String(length=1000), nullable=True),
        sa.Column("error", sa.String(length=200), nullable=True),
        sa.Column("next_attempt_at", INSTANT, nullable=True),
        _org_fk(),
        sa.ForeignKeyConstraint(["delivery_id"], ["webhook_deliveries.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_webhook_attempts_org_delivery_at", "webhook_attempts", ["org_id", "delivery_id", "at"]
    )
    op.create_table(
        "pair_watches",
        sa.Column("pair_id", sa.Uuid(), nullable=False),
        _org(),
        sa.Column("cadence_state", sa.String(length=16), nullable=False),
        sa.Column("check_at", INSTANT, nullable=True),
        sa.Column("unrecorded_until", INSTANT, nullable=False),
        _org_fk(),
        sa.ForeignKeyConstraint(["pair_id"], ["pairs.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("pair_id"),
    )
    op.create_index("ix_pair_watches_check_at", "pair_watches", ["check_at"])
    # Pairs made before the watches are looked at by the first tick, without an announcement
    # (their earlier state is unknown: app.services.cadence_watch.NOT_LOOKED_AT).
    op.execute(
        "INSERT INTO pair_watches (pair_id, org_id, cadence_state, check_at, unrecorded_until)"
        " SELECT id, org_id, 'unknown', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM pairs"
        " WHERE status <> 'ended'"
    )
    if op.get_bind().dialect.name == "postgresql":
        _secure()


def _secure() -> None:
    """Row-level security as on every tenant table (revision 0003), and the functions
    through which work across organizations is found."""
    for table in TABLES:
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY tenant_isolation ON {table}"
            " USING (org_id = rapport_org()) WITH CHECK (org_id = rapport_org())"
        )
    op.execute(
        """
        CREATE FUNCTION rapport_claim_deliveries(
            at timestamptz, lease timestamptz, most integer, batch integer)
        RETURNS TABLE(id uuid, org_id uuid, endpoint_id uuid, seq bigint)
        LANGUAGE sql SECURITY DEFINER SET search_path = public AS $$
            WITH heads AS (
                SELECT c.endpoint_id FROM webhook_deliveries AS c
                WHERE c.state = 'pending' AND c.next_attempt_at <= at
                  AND (c.leased_until IS NULL OR c.leased_until <= at)
                  AND EXISTS (
                      SELECT 1 FROM webhook_endpoints AS p
                      WHERE p.id = c.endpoint_id AND p.enabled)
                  AND NOT EXISTS (
                      SELECT 1 FROM webhook_deliveries AS e
                      WHERE e.endpoint_id = c.endpoint_id AND e.state = 'pending'
                        AND (e.seq, e.id) < (c.seq, c.id))
                ORDER BY c.next_attempt_at
                LIMIT most
                FOR UPDATE OF c SKIP LOCKED
            ), queued AS (
                SELECT d.id,
                       row_number() OVER (PARTITION BY d.endpoint_id ORDER BY d.seq, d.id)
                           AS place
                FROM webhook_deliveries AS d
                WHERE d.endpoint_id IN (SELECT h.endpoint_id FROM heads AS h)
                  AND d.state = 'pending'
            )
            UPDATE webhook_deliveries AS u SET leased_until = lease
            FROM queued AS q WHERE u.id = q.id AND q.place <= batch
            RETURNING u.id, u.org_id, u.endpoint_id, u.seq
        $$
        """
    )
    op.execute(
        """
        CREATE FUNCTION rapport_due_pair_watches(at timestamptz, most integer)
        RETURNS TABLE(pair_id uuid, org_id uuid)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
            SELECT w.pair_id, w.org_id FROM pair_watches AS w
            WHERE w.check_at <= at ORDER BY w.check_at LIMIT most
        $$
        """
    )
    op.execute(
        """
        CREATE FUNCTION rapport_delivery_backlog()
        RETURNS TABLE(pending bigint, oldest timestamptz)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
            SELECT count(*), min(created_at) FROM webhook_deliveries WHERE state = 'pending'
        $$
        """
    )
    op.execute(
        """
        CREATE FUNCTION rapport_purge_events(before timestamptz) RETURNS bigint
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
        DECLARE
            purged bigint;
        BEGIN
            DELETE FROM webhook_deliveries WHERE created_at < before AND state <> 'pending';
            DELETE FROM events AS e WHERE e.occurred_at < before
                AND NOT EXISTS (SELECT 1 FROM webhook_deliveries AS d WHERE d.event_id = e.id);
            GET DIAGNOSTICS purged = ROW_COUNT;
            RETURN purged;
        END
        $$
        """
    )
    op.execute(
        f"""
        DO $$ BEGIN
            IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rapport_app') THEN
                GRANT SELECT, INSERT, UPDATE, DELETE ON {", ".join(TABLES)} TO rapport_app;
                GRANT USAGE ON SEQUENCE events_seq_seq TO rapport_app;
                GRANT EXECUTE ON FUNCTION
                    rapport_claim_deliveries(timestamptz, timestamptz, integer, integer),
                    rapport_due_pair_watches(timestamptz, integer),
                    rapport_delivery_backlog(),
                    rapport_purge_events(timestamptz)
                TO rapport_app;
            END IF;
        END $$
        """
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION rapport_purge_events(timestamptz)")
        op.execute("DROP FUNCTION rapport_delivery_backlog()")
        op.execute("DROP FUNCTION rapport_due_pair_watches(timestamptz, integer)")
        op.execute(
            "DROP FUNCTION rapport_claim_deliveries(timestamptz, timestamptz, integer, integer)"
        )
    for table in reversed(TABLES):
        op.drop_table(table)
