"""Sign-in bindings: each person pinned to the identity provider account `(issuer, subject)`
that first signed in as them, so that changing their email or external_id does not hand
their sign-in to another account.

Revision ID: 0008
Revises: 0006
Create Date: 2026-12-10
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sign_in_bindings",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("issuer", sa.String(length=300), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("bound_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organizations.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("org_id", "person_id", "issuer", name="uq_sign_in_bindings_person"),
        sa.UniqueConstraint("org_id", "issuer", "subject", name="uq_sign_in_bindings_account"),
    )
    with op.batch_alter_table("sign_in_bindings", schema=None) as batch_op:
        batch_op.create_index(
            "ix_sign_in_bindings_org_bound", ["org_id", "bound_at", "id"], unique=False
        )
    if op.get_bind().dialect.name != "postgresql":
        return
    # The same row-level security as every tenant table (revision 0003).
    op.execute("ALTER TABLE sign_in_bindings ENABLE ROW LEVEL SECURITY")
    op.execute(
        "CREATE POLICY tenant_isolation ON sign_in_bindings"
        " USING (org_id = rapport_org()) WITH CHECK (org_id = rapport_org())"
    )
    op.execute(
        """
        DO $$ BEGIN
            IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rapport_app') THEN
                GRANT SELECT, INSERT, UPDATE, DELETE ON sign_in_bindings TO rapport_app;
            END IF;
        END $$
        """
    )


def downgrade() -> None:
    with op.batch_alter_table("sign_in_bindings", schema=None) as batch_op:
        batch_op.drop_index("ix_sign_in_bindings_org_bound")
    op.drop_table("sign_in_bindings")
