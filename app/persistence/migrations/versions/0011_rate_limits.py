"""Rate limits: an organization's own request budgets, per credential and for the whole
organization (no row: the service's defaults).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rate_limit_settings",
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("per_key", sa.String(length=64), nullable=True),
        sa.Column("per_organization", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organizations.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("org_id"),
    )
    if op.get_bind().dialect.name != "postgresql":
        return
    # The same row-level security as every tenant table (revision 0003).
    op.execute("ALTER TABLE rate_limit_settings ENABLE ROW LEVEL SECURITY")
    op.execute(
        "CREATE POLICY tenant_isolation ON rate_limit_settings"
        " USING (org_id = rapport_org()) WITH CHECK (org_id = rapport_org())"
    )
    op.execute(
        """
        DO $$ BEGIN
            IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rapport_app') THEN
                GRANT SELECT, INSERT, UPDATE, DELETE ON rate_limit_settings TO rapport_app;
            END IF;
        END $$
        """
    )


def downgrade() -> None:
    op.drop_table("rate_limit_settings")
