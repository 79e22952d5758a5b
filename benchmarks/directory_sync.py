"""The directory sync at scale, on PostgreSQL: POST /v1/directory/sync's service against a
floor of the same rows written by COPY.

    .venv/bin/python benchmarks/directory_sync.py                 # 10,000 people, 7 levels
    .venv/bin/python benchmarks/directory_sync.py --people 1000   # a quick check

Steps: a scratch database migrated, with an organization (harness.prepare, through the CLI);
a reporting tree of seven levels with the rows shuffled (managers come after their reports as
often as before). Then, each timed with the SQL statements it sends:

1. the first sync into the empty organization (every person and reporting pair created);
2. a re-sync with 5% of the people moved to another manager of the same level and 1% left
   out (`deactivate_missing`: they leave, their pairs end, their reports' pairs end);
3. the same directory again: a no-op.

The floor COPYs the first sync's rows (people, then reporting pairs) into a second
organization of the same database, with the same indexes and foreign keys. Goals: the first
sync under 30 s, the no-op under 3 s, and statements per person that shrink as the
directory grows (batches, never a statement per person). The scratch database is dropped
whatever happens (unless --keep).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from random import Random
from uuid import UUID

from harness import (
    CopyTable,
    Scratch,
    StatementCounter,
    Stopwatch,
    cli,
    connected,
    prepare,
    run_main,
    server_url,
    table,
)
from metrics_organization import new_id
from sqlalchemy.ext.asyncio import AsyncEngine

from app.domain.directory import DirectoryRow
from app.domain.people import email_key, username_key
from app.persistence.database import create_engine
from app.persistence.unit_of_work import unit_of_work
from app.services.context import Caller, ServiceContext
from app.services.directory import DirectorySync, sync_directory

LEVELS = 7
MOVED, REMOVED = 0.05, 0.01
GOAL_FIRST, GOAL_NOOP = 30.0, 3.0
PEOPLE = CopyTable.of("people")
PAIRS = CopyTable.of("pairs")


@dataclass(frozen=True, slots=True)
class Options:
    people: int
    seed: int
    server_url: str
    keep: bool


def parse_options(argv: Sequence[str]) -> Options:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--people", type=int, default=10_000, help="people (10,000)")
    parser.add_argument("--seed", type=int, default=1, help="of the generated directory")
    parser.add_argument(
        "--database-url",
        default=server_url(),
        help="PostgreSQL server; the scratch database is created beside the one named",
    )
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args(argv)
    return Options(max(LEVELS, args.people), args.seed, args.database_url, args.keep)


# --- the directory -----------------------------------------------------------------------


def directory(people: int, rng: Random) -> tuple[list[DirectoryRow], list[list[str]]]:
    """A tree of exactly seven levels (the last one fills up), and its rows shuffled; also
    the external ids of each level."""
    fanout = (people ** (1 / (LEVELS - 1))) * 0.8
    levels: list[list[str]] = [["e0"]]
    rows = [DirectoryRow(external_id="e0", name="Chief", email="e0@bench.example")]
    for depth in range(1, LEVELS):
        wanted = people - len(rows) if depth == LEVELS - 1 else round(fanout**depth)
        level = []
        for _ in range(min(wanted, people - len(rows) - (LEVELS - 1 - depth))):
            external_id = f"e{len(rows)}"
            manager = rng.choice(levels[depth - 1])
            rows.append(
                DirectoryRow(
                    external_id=external_id,
                    name=f"Person {len(rows)}",
                    email=f"{external_id}@bench.example",
                    manager_external_id=manager,
                )
            )
            level.append(external_id)
        levels.append(level)
    rng.shuffle(rows)
    return rows, levels


def reorganized(
    rows: list[DirectoryRow], levels: list[list[str]], rng: Random
) -> tuple[list[DirectoryRow], int, int]:
    """5% move to another manager of the same level, 1% leave (with none of those who
    manage someone, so nobody is left with an unknown manager)."""
    level_of = {eid: depth for depth, level in enumerate(levels) for eid in level}
    managers = {row.manager_external_id for row in rows if row.manager_external_id}
    movable = [row for row in rows if row.manager_external_id is not None]
    leaving = [row for row in movable if row.external_id not in managers]
    leavers = {row.external_id for row in rng.sample(leaving, round(len(rows) * REMOVED))}
    staying = [row for row in movable if row.external_id not in leavers]
    moving = rng.sample(staying, round(len(rows) * MOVED))
    moved: dict[str, str] = {}
    for row in moving:
        choices = levels[level_of[row.external_id] - 1]
        moved[row.external_id] = rng.choice([m for m in choices if m != row.manager_external_id])
    changed = [
        replace(row, manager_external_id=moved.get(row.external_id, row.manager_external_id))
        for row in rows
        if row.external_id not in leavers
    ]
    return changed, len(moving), len(leavers)


# --- timing ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Run:
    label: str
    seconds: float
    statements: int
    sync: DirectorySync


async def timed_sync(
    engine: AsyncEngine,
    statements: StatementCounter,
    org_id: UUID,
    label: str,
    rows: list[DirectoryRow],
    *,
    deactivate_missing: bool,
) -> Run:
    statements.count = 0
    with Stopwatch() as watch:
        async with unit_of_work(engine, write=True) as uow:
            await uow.enter_organization(org_id)
            service_context = ServiceContext(uow, Caller(org_id=org_id), datetime.now(UTC))
            done = await sync_directory(
                service_context, rows, deactivate_missing=deactivate_missing, dry_run=False
            )
    return Run(label, watch.seconds, statements.count, done)


async def copy_floor(db_url: str, org_id: UUID, first: DirectorySync) -> float:
    """The rows the first sync wrote, under new ids in another organization, by COPY."""
    ids: dict[UUID, UUID] = {}
    now = datetime.now(UTC)
    people = []
    for person in first.plan.inserts:  # managers first, as the sync writes them
        ids[person.id] = new_id(Random(person.id.int))
        people.append(
            PEOPLE.row(
                id=ids[person.id], org_id=org_id, email=person.email,
                email_key=email_key(person.email or ""), name=person.name,
                timezone=person.timezone,
                manager_id=ids.get(person.manager_id) if person.manager_id else None,
                external_id=person.external_id, role=person.role.value, active=True,
                created_at=now, updated_at=now, version=1, username=person.username,
                username_key=username_key(person.username),
            )
        )  # fmt: skip
    pairs = [
        PAIRS.row(
            id=new_id(Random(pair.id.int)), org_id=org_id, lead_id=ids[pair.lead_id],
            member_id=ids[pair.member_id], kind=pair.kind.value, cadence_days=pair.cadence_days,
            duration_minutes=pair.duration_minutes, status=pair.status.value,
            source=pair.source.value, started_at=now, created_at=now, updated_at=now, version=1,
        )
        for pair in first.pairs.started
    ]  # fmt: skip
    async with connected(db_url) as connection:
        with Stopwatch() as watch:
            async with connection.transaction():
                await PEOPLE.copy(connection, people)
                await PAIRS.copy(connection, pairs)
    return watch.seconds


async def measure(scratch: Scratch, floor_org: UUID, options: Options) -> list[str]:
    """The sync as the app runs it (as `rapport_app`, row-level security on); the floor's
    COPY as the tables' owner."""
    org_id = UUID(scratch.org_id)
    rng = Random(options.seed)
    rows, levels = directory(options.people, rng)
    changed, moved, removed = reorganized(rows, levels, rng)
    engine = create_engine(scratch.app_url, pool_size=1)
    counter = StatementCounter(engine)
    try:
        first = await timed_sync(
            engine, counter, org_id, "first sync (empty organization)", rows,
            deactivate_missing=False,
        )  # fmt: skip
        second = await timed_sync(
            engine, counter, org_id, f"re-sync: {moved:,} moved, {removed:,} left", changed,
            deactivate_missing=True,
        )  # fmt: skip
        noop = await timed_sync(
            engine, counter, org_id, "no-op re-sync", changed, deactivate_missing=True
        )
    finally:
        await engine.dispose()
    floor = await copy_floor(scratch.db_url, floor_org, first.sync)
    return report(options.people, [first, second, noop], floor)


def report(people: int, runs: list[Run], floor: float) -> list[str]:
    first, second, noop = runs
    lines = [
        f"Directory: {people:,} people in {LEVELS} levels, rows shuffled",
        f"first sync wrote {len(first.sync.plan.inserts):,} people and"
        f" {len(first.sync.pairs.started):,} pairs; the re-sync moved"
        f" {len(second.sync.plan.moved):,}, deactivated {len(second.sync.plan.deactivated):,},"
        f" ended {len(second.sync.pairs.ended):,} and started"
        f" {len(second.sync.pairs.started):,} pairs",
        "",
        table(
            ("step", "seconds", "statements", "per person", "/ floor"),
            [
                *(
                    (
                        run.label,
                        f"{run.seconds:.2f}",
                        f"{run.statements:,}",
                        f"{run.statements / people:.4f}",
                        f"{run.seconds / floor:.1f}",
                    )
                    for run in runs
                ),
                ("floor: the first sync rows by COPY", f"{floor:.2f}", "2", "", ""),
            ],
        ),
    ]
    first_goal = "met" if first.seconds < GOAL_FIRST else "MISSED"
    noop_goal = "met" if noop.seconds < GOAL_NOOP else "MISSED"
    lines += [
        "",
        "statements: as the database driver receives them; an executemany of a batch counts once",
        f"goals: first sync < {GOAL_FIRST:.0f} s: {first_goal}; no-op < {GOAL_NOOP:.0f} s:"
        f" {noop_goal}",
    ]
    return lines


def main(argv: Sequence[str]) -> int:
    options = parse_options(argv)

    def body() -> int:
        with ExitStack() as stack:
            scratch = prepare(
                stack, options.server_url, prefix="rapport_bench_directory",
                scopes=("metrics:read",), keep=options.keep, jit=False,
            )  # fmt: skip
            floor_org = UUID(cli(["orgs", "create", "Directory floor"], scratch.env))
            lines = asyncio.run(measure(scratch, floor_org, options))
        print("\n".join(lines))
        return 0

    return run_main(body)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
