"""Each held meeting keeps the start of its pair's previous held meeting and the gap to it: the
metrics' gaps between held meetings are then read from the rows in the window, instead of
sorting the window's meetings by pair for a window function and converting two instants to
microseconds per held meeting on every request (benchmarks/README.md, issue #15, sixth
step).

`meetings.previous_held_at` is, for a completed meeting, the latest start among the pair's
other completed meetings that come before it in (starts_at, id) order, and NULL for every
other meeting; `held_gap_microseconds` is the whole microseconds from that start to the
meeting's own. Two held meetings at the same instant are ordered by id, so one of them
carries a gap of zero, as consecutive starts do for the window function this replaces.

Kept current, like the pair's metric state (revision 0015), by triggers on `meetings` in the
writing transaction, on both engines with the same statement: a write that matters (a held
meeting added, removed, moved, given another status or pair) recounts the affected pair's
held meetings from the changed start on, and writes only the rows whose values changed. On
PostgreSQL the trigger first locks the pair's state row, as revision 0015's does, so that a
concurrent writer of the same pair recounts after this one commits (the app's writers lock
the pair before its meetings in any case). Bulk loads that turn triggers off
(`session_replication_role = replica`) must write the columns themselves.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAME = "held_chain_meetings"
COMPLETED = "completed"  # app.domain.meetings.MeetingStatus.COMPLETED
MATTERS = "{row}.status = '" + COMPLETED + "'"
CHANGED = "OLD.status <> NEW.status OR OLD.starts_at <> NEW.starts_at OR OLD.pair_id <> NEW.pair_id"


def _microseconds(instant: str, dialect: str) -> str:
    """Whole microseconds since the Unix epoch, as app.persistence.sql_time computes them
    (restated: a revision does not change with the app's code)."""
    if dialect == "postgresql":
        return f"CAST(extract(epoch from {instant}) * 1000000 AS BIGINT)"
    return (
        f"(CAST(strftime('%s', substr({instant}, 1, 19)) AS INTEGER) * 1000000"
        f" + CAST(substr({instant}, 21, 6) AS INTEGER))"
    )


def _recount(org: str, pair: str, since: str, dialect: str) -> str:
    """Recount the held meetings of one pair from `since` on (the rows before the start that
    changed keep their previous held meeting), writing only the rows whose values differ.
    The previous held start is read backwards from each meeting's start along
    ix_meetings_org_pair_starts."""
    differs = "IS DISTINCT FROM" if dialect == "postgresql" else "IS NOT"
    previous = "chained.previous_held_at"
    gap = f"{_microseconds('meetings.starts_at', dialect)} - {_microseconds(previous, dialect)}"
    return f"""
        UPDATE meetings SET previous_held_at = {previous}, held_gap_microseconds = {gap}
        FROM (SELECT o.id, CASE WHEN o.status = '{COMPLETED}' THEN (
                  SELECT max(h.starts_at) FROM meetings h
                  WHERE h.org_id = o.org_id AND h.pair_id = o.pair_id
                    AND h.status = '{COMPLETED}' AND h.starts_at <= o.starts_at
                    AND (h.starts_at < o.starts_at OR h.id < o.id)) END AS previous_held_at
              FROM meetings o
              WHERE o.org_id = {org} AND o.pair_id = {pair} AND o.starts_at >= {since}
                AND (o.status = '{COMPLETED}' OR o.previous_held_at IS NOT NULL)) chained
        WHERE meetings.org_id = {org} AND meetings.id = chained.id
          AND (meetings.previous_held_at {differs} {previous}
               OR meetings.held_gap_microseconds {differs} {gap})"""


def _recount_of(row: str, dialect: str) -> str:
    """Recount the pair of `row` (NEW or OLD) from its start on."""
    return _recount(f"{row}.org_id", f"{row}.pair_id", f"{row}.starts_at", dialect)


def _postgresql_triggers() -> None:
    lock = "PERFORM 1 FROM pair_metric_state WHERE pair_id = {}.pair_id FOR UPDATE"
    # A held meeting changed within its pair is recounted once, from the earlier of its
    # two starts.
    in_place = _recount(
        "NEW.org_id", "NEW.pair_id", "least(OLD.starts_at, NEW.starts_at)", "postgresql"
    )
    op.execute(
        f"""
        CREATE FUNCTION {NAME}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'UPDATE' AND OLD.pair_id = NEW.pair_id THEN
                {lock.format("NEW")};
                {in_place};
                RETURN NULL;
            END IF;
            IF TG_OP <> 'INSERT' THEN
                {lock.format("OLD")};
                {_recount_of("OLD", "postgresql")};
            END IF;
            IF TG_OP <> 'DELETE' THEN
                {lock.format("NEW")};
                {_recount_of("NEW", "postgresql")};
            END IF;
            RETURN NULL;
        END
        $$
        """
    )
    for event, row in (("inserted", "NEW"), ("deleted", "OLD")):
        op.execute(
            f"CREATE TRIGGER {NAME}_{event} AFTER {'INSERT' if row == 'NEW' else 'DELETE'}"
            f" ON meetings FOR EACH ROW WHEN ({MATTERS.format(row=row)})"
            f" EXECUTE FUNCTION {NAME}()"
        )
    op.execute(
        f"CREATE TRIGGER {NAME}_changed AFTER UPDATE ON meetings FOR EACH ROW"
        f" WHEN (({MATTERS.format(row='OLD')} OR {MATTERS.format(row='NEW')}) AND ({CHANGED}))"
        f" EXECUTE FUNCTION {NAME}()"
    )


def _sqlite_triggers() -> None:
    def recount(row: str) -> str:
        return _recount_of(row, "sqlite")

    op.execute(
        f"CREATE TRIGGER {NAME}_inserted AFTER INSERT ON meetings"
        f" WHEN {MATTERS.format(row='NEW')} BEGIN {recount('NEW')}; END"
    )
    op.execute(
        f"CREATE TRIGGER {NAME}_deleted AFTER DELETE ON meetings"
        f" WHEN {MATTERS.format(row='OLD')} BEGIN {recount('OLD')}; END"
    )
    op.execute(
        f"CREATE TRIGGER {NAME}_changed AFTER UPDATE ON meetings"
        f" WHEN ({MATTERS.format(row='OLD')} OR {MATTERS.format(row='NEW')}) AND ({CHANGED})"
        f" BEGIN {recount('OLD')}; {recount('NEW')}; END"
    )


def _backfill(dialect: str) -> str:
    previous = "chained.previous_held_at"
    gap = f"{_microseconds('meetings.starts_at', dialect)} - {_microseconds(previous, dialect)}"
    return f"""
        UPDATE meetings SET previous_held_at = {previous}, held_gap_microseconds = {gap}
        FROM (SELECT m.id, lag(m.starts_at) OVER (
                  PARTITION BY m.org_id, m.pair_id ORDER BY m.starts_at, m.id) AS previous_held_at
              FROM meetings m WHERE m.status = '{COMPLETED}') chained
        WHERE chained.id = meetings.id AND {previous} IS NOT NULL
    """


def upgrade() -> None:
    op.add_column("meetings", sa.Column("previous_held_at", sa.DateTime(timezone=True)))
    op.add_column("meetings", sa.Column("held_gap_microseconds", sa.BigInteger()))
    dialect = op.get_bind().dialect.name
    op.execute(_backfill(dialect))
    if dialect == "postgresql":
        _postgresql_triggers()
    else:
        _sqlite_triggers()


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for event in ("inserted", "deleted", "changed"):
        op.execute(f"DROP TRIGGER {NAME}_{event}" + (" ON meetings" if postgresql else ""))
    if postgresql:
        op.execute(f"DROP FUNCTION {NAME}()")
    # Dropped in place, as revision 0014's columns are.
    op.execute("ALTER TABLE meetings DROP COLUMN held_gap_microseconds")
    op.execute("ALTER TABLE meetings DROP COLUMN previous_held_at")
