"""The in-process measurements of the metrics benchmark: the floor, the production statement
and summaries, and the reference implementation, which must agree on every pair's counts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from harness import BenchError, Timing, connected, log, timed
from metrics_floor import app_jit, floor_counts, floor_settings
from metrics_organization import Team
from metrics_reference import load_records, reference_rollup
from sqlalchemy import text

from app.domain.metric_figures import PairCounts
from app.domain.metric_rollups import Rollup
from app.domain.policy import Policy
from app.domain.queries import MetricsFilter
from app.persistence.database import create_engine
from app.persistence.repositories.metric_aggregates import COUNT_COLUMNS
from app.persistence.repositories.metrics import (
    CountingTerms,
    MetricsRepository,
    PairCountsRow,
    PairTally,
)
from app.services.metric_rollups import rolled_up
from app.services.metrics import MetricsBasis


async def production_summary(
    repository: MetricsRepository, terms: CountingTerms, policy: Policy, filters: MetricsFilter
) -> tuple[list[PairTally], Rollup]:
    """What the summary endpoint computes: every pair's counts in one statement, each pair's
    figures, the rollup."""
    tallies = await repository.pair_tallies(terms, filters)
    return tallies, rolled_up(tallies, MetricsBasis(terms.window, policy, terms.now))


def check_agreement(
    production: Sequence[PairCountsRow],
    tallies: Sequence[PairTally],
    floor: Sequence[Mapping[str, Any]],
    reference: Mapping[UUID, PairCounts],
) -> None:
    """The three computations give every pair the same counts (and the same cadence facts)."""
    if not len(production) == len(floor) == len(reference):
        raise BenchError(
            f"pairs counted: production {len(production)}, floor {len(floor)},"
            f" reference {len(reference)}"
        )
    for row, floor_row, tally in zip(production, floor, tallies, strict=True):
        if (tally.pair_id, tally.counts, tally.last_held_at, tally.next_at) != (
            row.pair.id, row.counts, row.last_held_at, row.next_at,
        ):  # fmt: skip
            raise BenchError(f"the summary's counts of pair {row.pair.id} differ: {tally}")
        ours = {name: getattr(row.counts, name) for name in COUNT_COLUMNS}
        ours |= {"pair_id": row.pair.id, "last_held_at": row.last_held_at, "next_at": row.next_at}
        theirs = {name: floor_row[name] for name in ours}
        if ours != theirs:
            differences = {
                name: (ours[name], theirs[name]) for name in ours if ours[name] != theirs[name]
            }
            raise BenchError(f"the floor disagrees on pair {row.pair.id}: {differences}")
        if reference[row.pair.id] != row.counts:
            raise BenchError(
                f"the reference disagrees on pair {row.pair.id}:\n"
                f" reference  {reference[row.pair.id]}\n production {row.counts}"
            )


ENTER_ORGANIZATION = text("SELECT set_config('rapport.org_id', :org, false)")


@dataclass(frozen=True, slots=True)
class DatabaseResults:
    floor: Timing
    statement: Timing
    org_summary: Timing
    team_summary: Timing
    team_pairs: int
    reference_load: Timing
    reference_compute: Timing
    jit: str  # PostgreSQL's jit setting on the app's connections and the floor's


async def measure_database(
    app_url: str, terms: CountingTerms, policy: Policy, team: Team, repeats: int
) -> DatabaseResults:
    """Every connection as the serving role, inside the organization (row-level security)."""
    org = str(terms.org_id)
    async with AsyncExitStack() as stack:
        engine = create_engine(app_url)
        stack.push_async_callback(engine.dispose)
        jit = await app_jit(engine)
        connection = await stack.enter_async_context(connected(app_url, floor_settings(jit, org)))
        floor_seconds, floor = await timed(repeats, lambda: floor_counts(connection, terms))
        log("timed the floor")
        async with engine.connect() as production:
            await production.execute(ENTER_ORGANIZATION, {"org": org})
            repository = MetricsRepository(production)
            statement, rows = await timed(
                repeats, lambda: repository.pair_counts(terms, MetricsFilter())
            )
            org_seconds, (tallies, rollup) = await timed(
                repeats, lambda: production_summary(repository, terms, policy, MetricsFilter())
            )
            team_filter = MetricsFilter(team_of=team.manager_id)
            team_seconds, (team_rows, _) = await timed(
                repeats, lambda: production_summary(repository, terms, policy, team_filter)
            )
        log("timed the production statement and summaries")
        load_seconds, records = await timed(1, lambda: load_records(connection, terms))

        async def compute() -> tuple[Rollup, dict[UUID, PairCounts]]:
            return reference_rollup(records, terms, policy)

        compute_seconds, (reference, reference_counts) = await timed(1, compute)
        log("timed the reference implementation")
    check_agreement(rows, tallies, floor, reference_counts)
    if reference != rollup:
        raise BenchError(f"the rollups differ:\n reference  {reference}\n production {rollup}")
    log(f"production, floor and reference agree on the counts of all {len(rows):,} pairs")
    return DatabaseResults(
        floor=Timing("floor: one hand-written SQL statement (asyncpg)", floor_seconds),
        statement=Timing("production statement (MetricsRepository.pair_counts)", statement),
        org_summary=Timing("production org summary (statement, figures, roll_up)", org_seconds),
        team_summary=Timing("production team summary", team_seconds),
        team_pairs=len(team_rows),
        reference_load=Timing("reference: load the raw rows", load_seconds),
        reference_compute=Timing("reference: count every pair in Python, roll up", compute_seconds),
        jit=jit,
    )
