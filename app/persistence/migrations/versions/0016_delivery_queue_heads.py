"""Webhook claims touch only the head of each endpoint's queue.

rapport_claim_deliveries (revision 0009) looked at every pending, unleased delivery and
asked of each whether an earlier one of its endpoint was pending: a claim cost grew with
the backlog (82 ms at 700 pending). It now walks the enabled endpoints and, for each, reads
its oldest pending delivery from a partial index in the claim's order (endpoint, seq, id,
pending deliveries only), and takes the next `batch` of a claimed endpoint from the same
index: the cost follows the number of endpoints, not the backlog. The heads are locked with
`FOR UPDATE ... SKIP LOCKED` as before, so two workers never claim one endpoint at once.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_webhook_deliveries_pending_queue"
PENDING = "state = 'pending'"  # app.domain.webhooks.DeliveryState.PENDING

HEAD_BY_HEAD = """
    WITH heads AS (
        SELECT c.endpoint_id FROM webhook_endpoints AS p
        CROSS JOIN LATERAL (
            SELECT d.id FROM webhook_deliveries AS d
            WHERE d.endpoint_id = p.id AND d.state = 'pending'
            ORDER BY d.seq, d.id LIMIT 1
        ) AS head
        JOIN webhook_deliveries AS c ON c.id = head.id
        WHERE p.enabled AND c.state = 'pending' AND c.next_attempt_at <= at
          AND (c.leased_until IS NULL OR c.leased_until <= at)
        ORDER BY c.next_attempt_at
        LIMIT most
        FOR UPDATE OF c SKIP LOCKED
    ), queued AS (
        SELECT q.id FROM heads AS h
        CROSS JOIN LATERAL (
            SELECT d.id FROM webhook_deliveries AS d
            WHERE d.endpoint_id = h.endpoint_id AND d.state = 'pending'
            ORDER BY d.seq, d.id LIMIT batch
        ) AS q
    )
    UPDATE webhook_deliveries AS u SET leased_until = lease
    FROM queued AS q WHERE u.id = q.id
    RETURNING u.id, u.org_id, u.endpoint_id, u.seq
"""

EVERY_PENDING = """
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
"""


def _claim_function(body: str) -> str:
    return f"""
        CREATE OR REPLACE FUNCTION rapport_claim_deliveries(
            at timestamptz, lease timestamptz, most integer, batch integer)
        RETURNS TABLE(id uuid, org_id uuid, endpoint_id uuid, seq bigint)
        LANGUAGE sql SECURITY DEFINER SET search_path = public AS $$ {body} $$
    """


def upgrade() -> None:
    op.create_index(
        INDEX,
        "webhook_deliveries",
        ["endpoint_id", "seq", "id"],
        postgresql_where=sa.text(PENDING),
        sqlite_where=sa.text(PENDING),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_claim_function(HEAD_BY_HEAD))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_claim_function(EVERY_PENDING))
    op.drop_index(INDEX, table_name="webhook_deliveries")
