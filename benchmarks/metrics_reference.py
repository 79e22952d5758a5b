"""The reference implementation in the metrics benchmark: the organization's raw rows loaded
into `PairRecords`, every pair counted in Python by app.domain.metrics_reference, then rolled
up."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any
from uuid import UUID

import asyncpg

from app.domain.agenda import AgendaItemKind
from app.domain.cadence import cadence_of
from app.domain.commitments import CommitmentStatus
from app.domain.meetings import MeetingStatus
from app.domain.metric_figures import PairCounts, PairStanding, metrics_from_counts
from app.domain.metric_rollups import PairFigures, Rollup, roll_up
from app.domain.metrics_reference import (
    CommitmentFacts,
    ItemFacts,
    MeetingFacts,
    PairRecords,
    RatingFacts,
    count_pair,
)
from app.domain.pairs import Pair, PairKind, PairSource, PairStatus
from app.domain.policy import Policy
from app.persistence.repositories.metrics import CountingTerms

MEETING_FACTS_SQL = """
SELECT id, pair_id, starts_at, duration_minutes, status, reschedule_count, canceled_at,
       canceled_by_id, actual_minutes
FROM meetings WHERE org_id = $1
"""
# Items and ratings of the window's meetings only: the others cannot count (the reference
# keeps those of held meetings in the window), and the whole history would not fit in memory
# comfortably at full size.
ITEM_FACTS_SQL = """
SELECT m.pair_id, i.meeting_id, i.author_id, i.kind
FROM agenda_items i JOIN meetings m ON m.org_id = $1 AND m.id = i.meeting_id
WHERE i.org_id = $1 AND m.starts_at >= $2 AND m.starts_at < $3
"""
RATING_FACTS_SQL = """
SELECT m.pair_id, r.meeting_id, r.score
FROM ratings r JOIN meetings m ON m.org_id = $1 AND m.id = r.meeting_id
WHERE r.org_id = $1 AND m.starts_at >= $2 AND m.starts_at < $3
"""
COMMITMENT_FACTS_SQL = """
SELECT pair_id, owner_id, due_on, status, completed_at FROM commitments WHERE org_id = $1
"""


def pair_of(row: Mapping[str, Any]) -> Pair:
    return Pair(
        id=row["id"],
        org_id=row["org_id"],
        lead_id=row["lead_id"],
        member_id=row["member_id"],
        kind=PairKind(row["kind"]),
        cadence_days=row["cadence_days"],
        duration_minutes=row["duration_minutes"],
        status=PairStatus(row["status"]),
        source=PairSource(row["source"]),
        started_at=row["started_at"],
        ended_at=row["ended_at"],
        ended_reason=row["ended_reason"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


async def load_records(connection: asyncpg.Connection, terms: CountingTerms) -> list[PairRecords]:
    """Every pair of the organization with its raw rows, as the reference takes them."""
    org_id, start, upper = terms.org_id, terms.window.start, terms.upper
    pairs = [pair_of(row) for row in await connection.fetch(
        "SELECT * FROM pairs WHERE org_id = $1 ORDER BY id", org_id
    )]  # fmt: skip
    meetings: dict[UUID, list[MeetingFacts]] = defaultdict(list)
    for row in await connection.fetch(MEETING_FACTS_SQL, org_id):
        meetings[row["pair_id"]].append(
            MeetingFacts(
                row["id"], row["starts_at"], row["duration_minutes"],
                MeetingStatus(row["status"]), row["reschedule_count"], row["canceled_at"],
                row["canceled_by_id"], row["actual_minutes"],
            )
        )  # fmt: skip
    items: dict[UUID, list[ItemFacts]] = defaultdict(list)
    for row in await connection.fetch(ITEM_FACTS_SQL, org_id, start, upper):
        items[row["pair_id"]].append(
            ItemFacts(row["meeting_id"], row["author_id"], AgendaItemKind(row["kind"]))
        )
    ratings: dict[UUID, list[RatingFacts]] = defaultdict(list)
    for row in await connection.fetch(RATING_FACTS_SQL, org_id, start, upper):
        ratings[row["pair_id"]].append(RatingFacts(row["meeting_id"], row["score"]))
    commitments: dict[UUID, list[CommitmentFacts]] = defaultdict(list)
    for row in await connection.fetch(COMMITMENT_FACTS_SQL, org_id):
        commitments[row["pair_id"]].append(
            CommitmentFacts(
                row["owner_id"], row["due_on"], CommitmentStatus(row["status"]),
                row["completed_at"],
            )
        )  # fmt: skip
    return [
        PairRecords(pair, meetings[pair.id], items[pair.id], commitments[pair.id], ratings[pair.id])
        for pair in pairs
    ]


def reference_figures(records: PairRecords, terms: CountingTerms, policy: Policy) -> PairFigures:
    """One pair's counts, metrics and cadence state, as app.domain.metrics_reference computes
    them."""
    pair, now = records.pair, terms.now
    held = [m.starts_at for m in records.meetings if m.status is MeetingStatus.COMPLETED]
    ahead = [
        m.starts_at
        for m in records.meetings
        if m.status is MeetingStatus.SCHEDULED and m.starts_at > now
    ]
    state = cadence_of(
        pair, max(held, default=None), min(ahead, default=None), now, policy.grace_days
    ).state
    counts = count_pair(records, terms.window, now, policy)
    standing = PairStanding(pair.status is PairStatus.ACTIVE, state, policy.target_cadence_days)
    metrics = metrics_from_counts(counts, terms.window, standing)
    return PairFigures(counts, metrics.health_score, [s.code for s in metrics.signals], state)


def reference_rollup(
    every_pair: Sequence[PairRecords], terms: CountingTerms, policy: Policy
) -> tuple[Rollup, dict[UUID, PairCounts]]:
    figures = {records.pair.id: reference_figures(records, terms, policy) for records in every_pair}
    counts = {pair_id: found.counts for pair_id, found in figures.items()}
    return roll_up(figures.values()), counts
