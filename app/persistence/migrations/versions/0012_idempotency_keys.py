"""Idempotency keys: the answer to a POST sent with an Idempotency-Key, per credential and
key, kept for a day.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "idempotency_keys",
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("credential", sa.String(length=64), nullable=False),
        sa.Column("idempotency_key", sa.String(length=255), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organizations.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("org_id", "credential", "idempotency_key"),
    )
    # The purge deletes expired answers of every organization at once.
    op.create_index("ix_idempotency_keys_expires", "idempotency_keys", ["expires_at"])
    if op.get_bind().dialect.name != "postgresql":
        return
    # The same row-level security as every tenant table (revision 0003).
    op.execute("ALTER TABLE idempotency_keys ENABLE ROW LEVEL SECURITY")
    op.execute(
        "CREATE POLICY tenant_isolation ON idempotency_keys"
        " USING (org_id = rapport_org()) WITH CHECK (org_id = rapport_org())"
    )
    # The scheduler purges every organization's expired answers as the app's role, which
    # row-level security confines to one organization: through this function only.
    op.execute(
        """
        CREATE FUNCTION rapport_purge_idempotency_keys(at timestamptz) RETURNS bigint
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
        DECLARE
            purged bigint;
        BEGIN
            DELETE FROM idempotency_keys WHERE expires_at <= at;
            GET DIAGNOSTICS purged = ROW_COUNT;
            RETURN purged;
        END
        $$
        """
    )
    op.execute(
        """
        DO $$ BEGIN
            IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rapport_app') THEN
                GRANT SELECT, INSERT, UPDATE, DELETE ON idempotency_keys TO rapport_app;
                GRANT EXECUTE ON FUNCTION rapport_purge_idempotency_keys(timestamptz)
                TO rapport_app;
            END IF;
        END $$
        """
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION rapport_purge_idempotency_keys(timestamptz)")
    op.drop_index("ix_idempotency_keys_expires", table_name="idempotency_keys")
    op.drop_table("idempotency_keys")
