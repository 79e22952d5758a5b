"""Calendar tokens: one secret per person that a calendar application subscribes with
(`GET /v1/calendar/{token}.ics`). Only the SHA-256 digest is stored, like service keys.
A token records who minted it: the service key behind that credential (the token stops
working when the key is revoked, like person tokens) and the person, when a person minted
their own (otherwise its reads are a key's reads of content, and audited).

The feed's request carries no other credential, so the organization is found from the
token: on PostgreSQL a SECURITY DEFINER function finds the digest past row-level security
and enters its organization for the rest of the transaction (like `rapport_authenticate`).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "calendar_tokens",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("minted_by_key_id", sa.Uuid(), nullable=True),
        sa.Column("minted_by_person_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organizations.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"]),
        sa.ForeignKeyConstraint(["minted_by_key_id"], ["service_keys.id"]),
        sa.ForeignKeyConstraint(["minted_by_person_id"], ["people.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("digest", name="uq_calendar_tokens_digest"),
        sa.UniqueConstraint("org_id", "person_id", name="uq_calendar_tokens_person"),
    )
    if op.get_bind().dialect.name != "postgresql":
        return
    # The same row-level security as every tenant table (revision 0003).
    op.execute("ALTER TABLE calendar_tokens ENABLE ROW LEVEL SECURITY")
    op.execute(
        "CREATE POLICY tenant_isolation ON calendar_tokens"
        " USING (org_id = rapport_org()) WITH CHECK (org_id = rapport_org())"
    )
    op.execute(
        """
        CREATE FUNCTION rapport_calendar_token(token_digest text)
        RETURNS SETOF calendar_tokens
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
        DECLARE
            matched calendar_tokens;
        BEGIN
            -- A token dies with the service key behind the credential that minted it.
            SELECT calendar_tokens.* INTO matched FROM calendar_tokens
            LEFT JOIN service_keys ON service_keys.id = calendar_tokens.minted_by_key_id
            WHERE calendar_tokens.digest = token_digest
              AND (calendar_tokens.minted_by_key_id IS NULL OR service_keys.revoked_at IS NULL);
            IF FOUND THEN
                PERFORM set_config('rapport.org_id', matched.org_id::text, true);
                RETURN NEXT matched;
            END IF;
        END
        $$
        """
    )
    op.execute(
        """
        DO $$ BEGIN
            IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rapport_app') THEN
                GRANT SELECT, INSERT, UPDATE, DELETE ON calendar_tokens TO rapport_app;
                GRANT EXECUTE ON FUNCTION rapport_calendar_token(text) TO rapport_app;
            END IF;
        END $$
        """
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION rapport_calendar_token(text)")
    op.drop_table("calendar_tokens")
