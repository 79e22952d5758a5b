"""Row-level security on PostgreSQL: every tenant row is visible only inside its
organization, set per transaction with set_config('rapport.org_id', …, true).

The application connects as the role `rapport_app` (not the tables' owner), so the policies
apply to it even if a query forgets its organization filter. Service keys are looked up,
before the organization is known, through a SECURITY DEFINER function that also enters the
key's organization. SQLite has no row-level security; there the application's own scoping
is the only guard.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APP_ROLE = "rapport_app"
TENANT_TABLES = (
    "people",
    "pairs",
    "meetings",
    "meeting_events",
    "agenda_items",
    "notes",
    "commitments",
    "templates",
    "policies",
    "service_keys",
    "ratings",
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        """
        CREATE FUNCTION rapport_org() RETURNS uuid LANGUAGE sql STABLE AS $$
            SELECT NULLIF(current_setting('rapport.org_id', true), '')::uuid
        $$
        """
    )
    op.execute("ALTER TABLE organizations ENABLE ROW LEVEL SECURITY")
    op.execute(
        "CREATE POLICY tenant_isolation ON organizations"
        " USING (id = rapport_org()) WITH CHECK (id = rapport_org())"
    )
    for table in TENANT_TABLES:
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY tenant_isolation ON {table}"
            " USING (org_id = rapport_org()) WITH CHECK (org_id = rapport_org())"
        )
    op.execute(
        """
        CREATE FUNCTION rapport_authenticate(key_digest text) RETURNS SETOF service_keys
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
        DECLARE
            matched service_keys;
        BEGIN
            SELECT * INTO matched FROM service_keys
            WHERE digest = key_digest AND revoked_at IS NULL;
            IF FOUND THEN
                PERFORM set_config('rapport.org_id', matched.org_id::text, true);
                RETURN NEXT matched;
            END IF;
        END
        $$
        """
    )
    op.execute(
        f"""
        DO $$ BEGIN
            IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN
                GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public
                    TO {APP_ROLE};
                GRANT EXECUTE ON FUNCTION rapport_org(), rapport_authenticate(text)
                    TO {APP_ROLE};
            END IF;
        END $$
        """
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP FUNCTION rapport_authenticate(text)")
    for table in (*TENANT_TABLES, "organizations"):
        op.execute(f"DROP POLICY tenant_isolation ON {table}")
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    op.execute("DROP FUNCTION rapport_org()")
