"""Pair metric state: one row per pair with what the metrics would otherwise find by reading
the pair's history on every request — the start of its last held (completed) meeting and how
many of its open commitments have a due date — kept current by triggers on `pairs`,
`meetings` and `commitments` in the writing transaction. Two indexes let a request read only
the rows that depend on now: the scheduled meetings (partial, per pair) and commitments by
due date. Existing pairs are counted here.

As with the meetings' content counts (revision 0014), the triggers are the one place the
state is maintained, on both engines with the same statements: a write that matters
recounts the affected pair from its rows (a recount cannot drift). On PostgreSQL the
trigger first locks the pair's state row, so that a concurrent writer of the same pair
recounts after this one commits and sees its rows. Bulk loads that turn triggers off
(`session_replication_role = replica`) must write the state themselves.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "pair_metric_state"
COMPLETED = "completed"  # app.domain.meetings.MeetingStatus.COMPLETED
SCHEDULED = "scheduled"  # app.domain.meetings.MeetingStatus.SCHEDULED
OPEN = "open"  # app.domain.commitments.CommitmentStatus.OPEN


def _last_held(pair: str) -> str:
    return f"""
        UPDATE {TABLE} SET last_held_at = (
            SELECT max(m.starts_at) FROM meetings m
            WHERE m.org_id = {TABLE}.org_id AND m.pair_id = {pair} AND m.status = '{COMPLETED}')
        WHERE pair_id = {pair}"""


def _open_dated(pair: str) -> str:
    return f"""
        UPDATE {TABLE} SET open_dated_commitments = (
            SELECT count(*) FROM commitments c
            WHERE c.org_id = {TABLE}.org_id AND c.pair_id = {pair} AND c.status = '{OPEN}'
              AND c.due_on IS NOT NULL)
        WHERE pair_id = {pair}"""


# name, table, which rows matter (written or removed), the change that matters on update,
# the recount of one pair
TRIGGERS = (
    (
        "pair_state_meetings",
        "meetings",
        "{row}.status = '" + COMPLETED + "'",
        "OLD.status <> NEW.status OR OLD.starts_at <> NEW.starts_at OR OLD.pair_id <> NEW.pair_id",
        _last_held,
    ),
    (
        "pair_state_commitments",
        "commitments",
        "{row}.status = '" + OPEN + "' AND {row}.due_on IS NOT NULL",
        "OLD.status <> NEW.status OR OLD.pair_id <> NEW.pair_id"
        " OR (OLD.due_on IS NULL) <> (NEW.due_on IS NULL)",
        _open_dated,
    ),
)
PAIR_ADDED = f"INSERT INTO {TABLE} (pair_id, org_id) VALUES (NEW.id, NEW.org_id)"


def _postgresql_triggers() -> None:
    op.execute(
        f"""
        CREATE FUNCTION pair_state_pairs() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            {PAIR_ADDED};
            RETURN NULL;
        END
        $$
        """
    )
    op.execute(
        "CREATE TRIGGER pair_state_pairs_inserted AFTER INSERT ON pairs"
        " FOR EACH ROW EXECUTE FUNCTION pair_state_pairs()"
    )
    for name, table, matters, changed, recount in TRIGGERS:
        lock = f"PERFORM 1 FROM {TABLE} WHERE pair_id = {{}}.pair_id FOR UPDATE"
        op.execute(
            f"""
            CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP <> 'INSERT' THEN
                    {lock.format("OLD")};
                    {recount("OLD.pair_id")};
                END IF;
                IF TG_OP <> 'DELETE' THEN
                    {lock.format("NEW")};
                    {recount("NEW.pair_id")};
                END IF;
                RETURN NULL;
            END
            $$
            """
        )
        op.execute(
            f"CREATE TRIGGER {name}_inserted AFTER INSERT ON {table} FOR EACH ROW"
            f" WHEN ({matters.format(row='NEW')}) EXECUTE FUNCTION {name}()"
        )
        op.execute(
            f"CREATE TRIGGER {name}_deleted AFTER DELETE ON {table} FOR EACH ROW"
            f" WHEN ({matters.format(row='OLD')}) EXECUTE FUNCTION {name}()"
        )
        op.execute(
            f"CREATE TRIGGER {name}_changed AFTER UPDATE ON {table} FOR EACH ROW"
            f" WHEN (({matters.format(row='OLD')} OR {matters.format(row='NEW')})"
            f" AND ({changed})) EXECUTE FUNCTION {name}()"
        )


def _sqlite_triggers() -> None:
    op.execute(
        f"CREATE TRIGGER pair_state_pairs_inserted AFTER INSERT ON pairs BEGIN {PAIR_ADDED}; END"
    )
    for name, table, matters, changed, recount in TRIGGERS:
        op.execute(
            f"CREATE TRIGGER {name}_inserted AFTER INSERT ON {table}"
            f" WHEN {matters.format(row='NEW')} BEGIN {recount('NEW.pair_id')}; END"
        )
        op.execute(
            f"CREATE TRIGGER {name}_deleted AFTER DELETE ON {table}"
            f" WHEN {matters.format(row='OLD')} BEGIN {recount('OLD.pair_id')}; END"
        )
        op.execute(
            f"CREATE TRIGGER {name}_changed AFTER UPDATE ON {table}"
            f" WHEN ({matters.format(row='OLD')} OR {matters.format(row='NEW')}) AND ({changed})"
            f" BEGIN {recount('OLD.pair_id')}; {recount('NEW.pair_id')}; END"
        )


BACKFILL = f"""
    INSERT INTO {TABLE} (pair_id, org_id, last_held_at, open_dated_commitments)
    SELECT p.id, p.org_id,
           (SELECT max(m.starts_at) FROM meetings m
            WHERE m.org_id = p.org_id AND m.pair_id = p.id AND m.status = '{COMPLETED}'),
           (SELECT count(*) FROM commitments c
            WHERE c.org_id = p.org_id AND c.pair_id = p.id AND c.status = '{OPEN}'
              AND c.due_on IS NOT NULL)
    FROM pairs p
"""


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("pair_id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("last_held_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "open_dated_commitments", sa.Integer(), nullable=False, server_default=sa.text("0")
        ),
        sa.ForeignKeyConstraint(["org_id"], ["organizations.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["pair_id"], ["pairs.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("pair_id"),
    )
    op.create_index(
        "ix_meetings_org_pair_scheduled",
        "meetings",
        ["org_id", "pair_id", "starts_at"],
        sqlite_where=sa.text(f"status = '{SCHEDULED}'"),
        postgresql_where=sa.text(f"status = '{SCHEDULED}'"),
    )
    op.create_index("ix_commitments_org_due", "commitments", ["org_id", "due_on"])
    op.execute(BACKFILL)
    if op.get_bind().dialect.name == "postgresql":
        # The same row-level security as every tenant table (revision 0003).
        op.execute(f"ALTER TABLE {TABLE} ENABLE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY tenant_isolation ON {TABLE}"
            " USING (org_id = rapport_org()) WITH CHECK (org_id = rapport_org())"
        )
        op.execute(
            f"""
            DO $$ BEGIN
                IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rapport_app') THEN
                    GRANT SELECT, INSERT, UPDATE, DELETE ON {TABLE} TO rapport_app;
                END IF;
            END $$
            """
        )
        _postgresql_triggers()
    else:
        _sqlite_triggers()


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        op.execute("DROP TRIGGER pair_state_pairs_inserted ON pairs")
        op.execute("DROP FUNCTION pair_state_pairs()")
    else:
        op.execute("DROP TRIGGER pair_state_pairs_inserted")
    for name, table, *_ in TRIGGERS:
        for event in ("inserted", "deleted", "changed"):
            op.execute(f"DROP TRIGGER {name}_{event}" + (f" ON {table}" if postgresql else ""))
        if postgresql:
            op.execute(f"DROP FUNCTION {name}()")
    op.drop_index("ix_commitments_org_due", table_name="commitments")
    op.drop_index("ix_meetings_org_pair_scheduled", table_name="meetings")
    op.drop_table(TABLE)
