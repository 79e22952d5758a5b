"""Provisioning: login names, optional emails, pending manager references, people removed
from an identity provider's view, and groups.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NEW_TENANT_TABLES = ("groups", "group_members")


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    if not postgresql:
        # SQLite rebuilds `people` to relax NOT NULL; references to it are checked at commit.
        op.execute("PRAGMA defer_foreign_keys = ON")
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(sa.Column("username", sa.String(length=320), nullable=True))
        batch_op.add_column(sa.Column("username_key", sa.String(length=320), nullable=True))
        batch_op.add_column(sa.Column("manager_ref", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("given_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("family_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("scim_deleted_at", sa.DateTime(timezone=True), nullable=True))
    # People created before login names existed sign in with their email.
    op.execute("UPDATE people SET username = email, username_key = email_key")
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.alter_column("username", existing_type=sa.String(length=320), nullable=False)
        batch_op.alter_column("username_key", existing_type=sa.String(length=320), nullable=False)
        batch_op.alter_column("email", existing_type=sa.String(length=320), nullable=True)
        batch_op.alter_column("email_key", existing_type=sa.String(length=320), nullable=True)
        batch_op.create_unique_constraint("uq_people_org_username", ["org_id", "username_key"])
        batch_op.create_index("ix_people_org_manager_ref", ["org_id", "manager_ref"], unique=False)

    op.create_table(
        "groups",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("display_name_key", sa.String(length=200), nullable=False),
        sa.Column("external_id", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organizations.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("org_id", "external_id", name="uq_groups_org_external_id"),
    )
    with op.batch_alter_table("groups", schema=None) as batch_op:
        batch_op.create_index("ix_groups_org_created", ["org_id", "created_at", "id"], unique=False)
        batch_op.create_index("ix_groups_org_name", ["org_id", "display_name_key"], unique=False)
    op.create_table(
        "group_members",
        sa.Column("group_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["group_id"], ["groups.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["org_id"], ["organizations.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"]),
        sa.PrimaryKeyConstraint("group_id", "person_id"),
    )
    with op.batch_alter_table("group_members", schema=None) as batch_op:
        batch_op.create_index("ix_group_members_org_person", ["org_id", "person_id"], unique=False)
    if postgresql:
        # The same row-level security as every tenant table (revision 0003).
        for table in NEW_TENANT_TABLES:
            op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
            op.execute(
                f"CREATE POLICY tenant_isolation ON {table}"
                " USING (org_id = rapport_org()) WITH CHECK (org_id = rapport_org())"
            )
        op.execute(
            """
            DO $$ BEGIN
                IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rapport_app') THEN
                    GRANT SELECT, INSERT, UPDATE, DELETE ON groups, group_members
                        TO rapport_app;
                END IF;
            END $$
            """
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        op.execute("PRAGMA defer_foreign_keys = ON")
    op.drop_table("group_members")
    op.drop_table("groups")
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_index("ix_people_org_manager_ref")
        batch_op.drop_constraint("uq_people_org_username", type_="unique")
        batch_op.drop_column("scim_deleted_at")
        batch_op.drop_column("family_name")
        batch_op.drop_column("given_name")
        batch_op.drop_column("manager_ref")
        batch_op.drop_column("username_key")
        batch_op.drop_column("username")
