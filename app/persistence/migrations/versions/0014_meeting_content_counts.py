"""Meeting content counts: each meeting carries the counts of its agenda items (all, those
by the pair's member, those of kind `status_update`) and of its ratings (how many, and the
sum of their scores), kept current by triggers on `agenda_items` and `ratings` in the
writing transaction, so the metrics read them instead of every item and rating. Existing
meetings are counted here.

The triggers are the one place the counts are maintained (docs/decisions.md, issue #15):
every write of an item or a rating passes through them, whichever service, import or bulk
load wrote it, and on both engines the same UPDATE statements run. Bulk loads that turn
triggers off (`session_replication_role = replica`) must write the counts themselves.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COUNTS = ("agenda_item_count", "member_item_count", "status_item_count", "rating_count")
STATUS_UPDATE = "status_update"  # app.domain.agenda.AgendaItemKind.STATUS_UPDATE


def _item_change(row: str, sign: str) -> str:
    """Add (sign '+') or take away (sign '-') the item `row` (NEW or OLD) on its meeting."""
    return f"""
        UPDATE meetings SET
            agenda_item_count = agenda_item_count {sign} 1,
            member_item_count = member_item_count {sign} CASE
                WHEN {row}.author_id = (SELECT p.member_id FROM pairs p
                                        WHERE p.id = meetings.pair_id) THEN 1 ELSE 0 END,
            status_item_count = status_item_count {sign} CASE
                WHEN {row}.kind = '{STATUS_UPDATE}' THEN 1 ELSE 0 END
        WHERE id = {row}.meeting_id"""


def _rating_change(row: str, sign: str) -> str:
    return f"""
        UPDATE meetings SET
            rating_count = rating_count {sign} 1,
            rating_total = rating_total {sign} {row}.score
        WHERE id = {row}.meeting_id"""


ITEM_CHANGED = (
    "OLD.meeting_id <> NEW.meeting_id OR OLD.author_id <> NEW.author_id OR OLD.kind <> NEW.kind"
)
RATING_CHANGED = "OLD.meeting_id <> NEW.meeting_id OR OLD.score <> NEW.score"
TRIGGERS = (  # name, table, the change that matters on update, what to run
    ("meeting_counts_items", "agenda_items", ITEM_CHANGED, _item_change),
    ("meeting_counts_ratings", "ratings", RATING_CHANGED, _rating_change),
)


def _postgresql_triggers() -> None:
    for name, table, changed, change in TRIGGERS:
        op.execute(
            f"""
            CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP <> 'INSERT' THEN {change("OLD", "-")}; END IF;
                IF TG_OP <> 'DELETE' THEN {change("NEW", "+")}; END IF;
                RETURN NULL;
            END
            $$
            """
        )
        op.execute(
            f"CREATE TRIGGER {name}_written AFTER INSERT OR DELETE ON {table}"
            f" FOR EACH ROW EXECUTE FUNCTION {name}()"
        )
        op.execute(
            f"CREATE TRIGGER {name}_changed AFTER UPDATE ON {table}"
            f" FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION {name}()"
        )


def _sqlite_triggers() -> None:
    for name, table, changed, change in TRIGGERS:
        op.execute(
            f"CREATE TRIGGER {name}_inserted AFTER INSERT ON {table}"
            f" BEGIN {change('NEW', '+')}; END"
        )
        op.execute(
            f"CREATE TRIGGER {name}_deleted AFTER DELETE ON {table} BEGIN {change('OLD', '-')}; END"
        )
        op.execute(
            f"CREATE TRIGGER {name}_changed AFTER UPDATE ON {table} WHEN {changed}"
            f" BEGIN {change('OLD', '-')}; {change('NEW', '+')}; END"
        )


BACKFILL = f"""
    UPDATE meetings SET
        agenda_item_count = (SELECT count(*) FROM agenda_items i
                             WHERE i.org_id = meetings.org_id AND i.meeting_id = meetings.id),
        member_item_count = (SELECT count(*) FROM agenda_items i JOIN pairs p
                                 ON p.id = meetings.pair_id AND i.author_id = p.member_id
                             WHERE i.org_id = meetings.org_id AND i.meeting_id = meetings.id),
        status_item_count = (SELECT count(*) FROM agenda_items i
                             WHERE i.org_id = meetings.org_id AND i.meeting_id = meetings.id
                               AND i.kind = '{STATUS_UPDATE}'),
        rating_count = (SELECT count(*) FROM ratings r
                        WHERE r.org_id = meetings.org_id AND r.meeting_id = meetings.id),
        rating_total = (SELECT coalesce(sum(r.score), 0) FROM ratings r
                        WHERE r.org_id = meetings.org_id AND r.meeting_id = meetings.id)
    WHERE EXISTS (SELECT 1 FROM agenda_items i
                  WHERE i.org_id = meetings.org_id AND i.meeting_id = meetings.id)
       OR EXISTS (SELECT 1 FROM ratings r
                  WHERE r.org_id = meetings.org_id AND r.meeting_id = meetings.id)
"""


def upgrade() -> None:
    for name in (*COUNTS, "rating_total"):
        op.add_column(
            "meetings",
            sa.Column(name, sa.Integer(), nullable=False, server_default=sa.text("0")),
        )
    op.execute(BACKFILL)
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_triggers()
    else:
        _sqlite_triggers()


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for name, table, _, _ in TRIGGERS:
        if postgresql:
            op.execute(f"DROP TRIGGER {name}_written ON {table}")
            op.execute(f"DROP TRIGGER {name}_changed ON {table}")
            op.execute(f"DROP FUNCTION {name}()")
        else:
            for event in ("inserted", "deleted", "changed"):
                op.execute(f"DROP TRIGGER {name}_{event}")
    # Dropped in place (SQLite 3.35+ too): a batch copy of `meetings` would trip the foreign
    # keys that point at it once it holds rows.
    for name in (*COUNTS, "rating_total"):
        op.execute(f"ALTER TABLE meetings DROP COLUMN {name}")
