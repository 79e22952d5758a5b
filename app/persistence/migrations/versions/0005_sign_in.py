"""Sign-in: an organization's OpenID Connect configuration, and the generations of the
person-token signing key.

An ID token is routed to its organization by its (issuer, audience) pair, before the
organization is known: on PostgreSQL a SECURITY DEFINER function finds it past row-level
security (like `rapport_authenticate` for service keys). The signing generations are not
tenant data; each holds a random salt that, with RAPPORT_TOKEN_SECRET, derives that
generation's key (the salt alone signs nothing).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sign_in_settings",
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("issuer", sa.String(length=300), nullable=True),
        sa.Column("audience", sa.String(length=255), nullable=True),
        sa.Column("jwks_url", sa.String(length=2000), nullable=True),
        sa.Column("person_claim", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organizations.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("org_id"),
    )
    with op.batch_alter_table("sign_in_settings", schema=None) as batch_op:
        batch_op.create_index(
            "uq_sign_in_oidc_issuer_audience",
            ["issuer", "audience"],
            unique=True,
            sqlite_where=sa.text("mode = 'oidc'"),
            postgresql_where=sa.text("mode = 'oidc'"),
        )
    generations = op.create_table(
        "token_signing_generations",
        sa.Column("generation", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("salt", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("generation"),
    )
    op.bulk_insert(
        generations,
        [{"generation": 1, "salt": secrets.token_hex(32), "created_at": datetime.now(UTC)}],
    )
    if op.get_bind().dialect.name != "postgresql":
        return
    # The same row-level security as every tenant table (revision 0003).
    op.execute("ALTER TABLE sign_in_settings ENABLE ROW LEVEL SECURITY")
    op.execute(
        "CREATE POLICY tenant_isolation ON sign_in_settings"
        " USING (org_id = rapport_org()) WITH CHECK (org_id = rapport_org())"
    )
    op.execute(
        """
        CREATE FUNCTION rapport_oidc_sign_in(token_issuer text, token_audiences text[])
        RETURNS SETOF sign_in_settings
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
            SELECT * FROM sign_in_settings
            WHERE mode = 'oidc' AND issuer = token_issuer AND audience = ANY(token_audiences)
        $$
        """
    )
    op.execute(
        """
        DO $$ BEGIN
            IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rapport_app') THEN
                GRANT SELECT, INSERT, UPDATE, DELETE ON sign_in_settings TO rapport_app;
                GRANT SELECT, INSERT, UPDATE ON token_signing_generations TO rapport_app;
                GRANT EXECUTE ON FUNCTION rapport_oidc_sign_in(text, text[]) TO rapport_app;
            END IF;
        END $$
        """
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION rapport_oidc_sign_in(text, text[])")
    op.drop_table("token_signing_generations")
    with op.batch_alter_table("sign_in_settings", schema=None) as batch_op:
        batch_op.drop_index("uq_sign_in_oidc_issuer_audience")
    op.drop_table("sign_in_settings")
