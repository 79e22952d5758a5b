"""The floor of the metrics benchmark: every pair's counts in one hand-written SQL statement,
run with raw asyncpg on a connection that plans like the app's metrics statements."""

from __future__ import annotations

from typing import Any

import asyncpg
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from app.persistence.repositories.metrics import CountingTerms

FLOOR_SQL = """
WITH scoped AS (
    SELECT id, lead_id, member_id, cadence_days FROM pairs WHERE org_id = $1
),
slots AS NOT MATERIALIZED (
    SELECT m.id, m.pair_id, m.status, m.starts_at, m.duration_minutes, m.actual_minutes,
           m.reschedule_count, m.canceled_at, m.canceled_by_id,
           CAST(extract(epoch FROM m.starts_at) * 1000000 AS bigint) AS at
    FROM meetings m
    WHERE m.org_id = $1 AND m.starts_at >= $2 AND m.starts_at < $3
      AND (m.status = 'completed'
           OR (m.status = 'canceled' AND m.canceled_by_id IS NOT NULL)
           OR (m.status = 'scheduled'
               AND m.starts_at + m.duration_minutes * interval '1 minute' < $4))
),
slot_counts AS (
    SELECT s.pair_id,
           count(*) FILTER (WHERE s.status = 'completed') AS held,
           count(*) FILTER (WHERE s.status = 'canceled') AS canceled,
           count(*) FILTER (WHERE s.status = 'scheduled') AS unrecorded,
           count(*) FILTER (WHERE s.status = 'canceled'
                            AND s.canceled_at > s.starts_at - $6 * interval '1 hour')
               AS late_canceled,
           count(*) FILTER (WHERE s.reschedule_count >= 1) AS rescheduled,
           count(*) FILTER (WHERE s.status = 'canceled' AND s.canceled_by_id = p.lead_id)
               AS canceled_by_lead,
           count(*) FILTER (WHERE s.status = 'completed' AND s.actual_minutes IS NOT NULL)
               AS measured,
           count(*) FILTER (WHERE s.status = 'completed'
                            AND 4 * s.actual_minutes < 3 * s.duration_minutes) AS shortened
    FROM slots s JOIN scoped p ON p.id = s.pair_id
    GROUP BY s.pair_id
),
gaps AS (
    SELECT g.pair_id,
           count(g.gap) AS gap_count,
           count(*) FILTER (WHERE g.gap <= (p.cadence_days + $5) * 86400000000::bigint)
               AS gaps_within_cadence,
           max(g.gap) AS max_gap_microseconds,
           CAST(sum(g.gap) AS bigint) AS total_gap_microseconds
    FROM (
        SELECT pair_id, at - lag(at) OVER (PARTITION BY pair_id ORDER BY starts_at) AS gap
        FROM slots WHERE status = 'completed'
    ) g JOIN scoped p ON p.id = g.pair_id
    GROUP BY g.pair_id
),
items AS (
    SELECT s.pair_id,
           count(*) AS agenda_items,
           count(*) FILTER (WHERE i.author_id = p.member_id) AS member_items,
           count(*) FILTER (WHERE i.kind = 'status_update') AS status_items
    FROM slots s
    JOIN agenda_items i ON i.org_id = $1 AND i.meeting_id = s.id
    JOIN scoped p ON p.id = s.pair_id
    WHERE s.status = 'completed'
    GROUP BY s.pair_id
),
ratings AS (
    SELECT s.pair_id, sum(r.score) AS rating_total, count(*) AS rating_count
    FROM slots s JOIN ratings r ON r.org_id = $1 AND r.meeting_id = s.id
    WHERE s.status = 'completed'
    GROUP BY s.pair_id
),
commitments AS (
    SELECT c.pair_id,
           count(*) FILTER (WHERE c.due) AS commitments_due,
           count(*) FILTER (WHERE c.due AND c.done) AS commitments_done,
           count(*) FILTER (WHERE c.due AND c.done AND c.completed_at IS NOT NULL
                            AND CAST(c.completed_at AT TIME ZONE 'UTC' AS date) <= c.due_on)
               AS commitments_on_time,
           count(*) FILTER (WHERE c.due AND c.owner_id = p.lead_id) AS lead_due,
           count(*) FILTER (WHERE c.due AND c.done AND c.owner_id = p.lead_id) AS lead_done,
           count(*) FILTER (WHERE c.due AND c.owner_id = p.member_id) AS member_due,
           count(*) FILTER (WHERE c.due AND c.done AND c.owner_id = p.member_id) AS member_done,
           count(*) FILTER (WHERE c.status = 'open' AND c.due_on < $9) AS overdue_open
    FROM (
        SELECT pair_id, owner_id, status, due_on, completed_at,
               due_on >= $7 AND due_on < $8 AS due, status = 'done' AS done
        FROM commitments
        WHERE org_id = $1
          AND ((due_on >= $7 AND due_on < $8) OR (status = 'open' AND due_on < $9))
    ) c JOIN scoped p ON p.id = c.pair_id
    GROUP BY c.pair_id
),
booked AS (
    SELECT pair_id, min(starts_at) AS next_at
    FROM meetings WHERE org_id = $1 AND status = 'scheduled' AND starts_at > $4
    GROUP BY pair_id
)
SELECT p.id AS pair_id,
       coalesce(sc.held, 0) AS held, coalesce(sc.canceled, 0) AS canceled,
       coalesce(sc.unrecorded, 0) AS unrecorded, coalesce(sc.late_canceled, 0) AS late_canceled,
       coalesce(sc.rescheduled, 0) AS rescheduled,
       coalesce(sc.canceled_by_lead, 0) AS canceled_by_lead,
       coalesce(g.gap_count, 0) AS gap_count,
       coalesce(g.gaps_within_cadence, 0) AS gaps_within_cadence,
       g.max_gap_microseconds,
       coalesce(g.total_gap_microseconds, 0) AS total_gap_microseconds,
       coalesce(i.agenda_items, 0) AS agenda_items, coalesce(i.member_items, 0) AS member_items,
       coalesce(i.status_items, 0) AS status_items,
       coalesce(c.commitments_due, 0) AS commitments_due,
       coalesce(c.commitments_done, 0) AS commitments_done,
       coalesce(c.commitments_on_time, 0) AS commitments_on_time,
       coalesce(c.lead_due, 0) AS lead_due, coalesce(c.lead_done, 0) AS lead_done,
       coalesce(c.member_due, 0) AS member_due, coalesce(c.member_done, 0) AS member_done,
       coalesce(c.overdue_open, 0) AS overdue_open,
       coalesce(sc.measured, 0) AS measured, coalesce(sc.shortened, 0) AS shortened,
       coalesce(r.rating_total, 0) AS rating_total, coalesce(r.rating_count, 0) AS rating_count,
       last_held.starts_at AS last_held_at, b.next_at
FROM scoped p
LEFT JOIN slot_counts sc ON sc.pair_id = p.id
LEFT JOIN gaps g ON g.pair_id = p.id
LEFT JOIN items i ON i.pair_id = p.id
LEFT JOIN ratings r ON r.pair_id = p.id
LEFT JOIN commitments c ON c.pair_id = p.id
LEFT JOIN booked b ON b.pair_id = p.id
LEFT JOIN LATERAL (
    SELECT m.starts_at FROM meetings m
    WHERE m.org_id = $1 AND m.pair_id = p.id AND m.status = 'completed'
    ORDER BY m.starts_at DESC LIMIT 1
) last_held ON true
ORDER BY p.id
"""


def floor_arguments(terms: CountingTerms) -> tuple[object, ...]:
    window, upper = terms.window, terms.upper
    return (
        terms.org_id, window.start, upper, terms.now, terms.grace_days, terms.late_cancel_hours,
        window.start.date(), upper.date(), terms.now.date(),
    )  # fmt: skip


async def floor_counts(connection: asyncpg.Connection, terms: CountingTerms) -> list[Any]:
    return list(await connection.fetch(FLOOR_SQL, *floor_arguments(terms)))


async def app_jit(engine: AsyncEngine) -> str:
    """PostgreSQL's jit setting on the app's connections (the app chooses its own)."""
    async with engine.connect() as connection:
        return str(await connection.scalar(text("SHOW jit")))


def floor_settings(jit: str, org_id: str) -> dict[str, str]:
    """The floor's connection: the app's jit setting, every statement planned for its own
    parameters as `MetricsRepository` has PostgreSQL do for the metrics statements, inside
    the organization for row-level security (set once, for the whole session)."""
    return {"jit": jit, "plan_cache_mode": "force_custom_plan", "rapport.org_id": org_id}
