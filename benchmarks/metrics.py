"""Meeting-health metrics on a large organization, on PostgreSQL: the production path against
the reference implementation and a hand-written SQL floor.

    .venv/bin/python benchmarks/metrics.py               # 10,000 people, 1,000,000 meetings
    .venv/bin/python benchmarks/metrics.py --scale 0.01  # a quick check: 100 and 10,000

Steps: create a scratch database (`rapport_bench_metrics_<random>`), migrate it, create an
organization and a `metrics:read` key with the CLI, then bulk-load by COPY a reporting tree of
people (spans of 5 to 10, seven levels below the chief executive at full size), one pair per
reporting line (then skip-level pairs), and 100 weekly or fortnightly meetings per pair with
agenda items, ratings and commitments; the meetings and commitments rewritten in the order
they were created, as a table filled over time holds them (`--pair-by-pair` leaves them one
pair's history after another, as runs before this option measured); VACUUM ANALYZE. Then,
over the default window (the 90 days before now), time

- the floor: one hand-written SQL statement of every pair's counts from the raw rows (the
  agenda items and ratings themselves, not the meetings' counts of them), run with raw asyncpg;
- the production statement, `MetricsRepository.pair_counts`, for the organization and for a
  team of about a fifth of the people;
- the reference implementation: the organization's raw rows loaded (timed apart), every pair
  counted in Python by app.domain.metrics_reference, then rolled up;
- over HTTP (`rapport serve`, one worker): the organization's and the team's summary, a page of
  `/metrics/pairs`, the full CSV export and one pair's metrics; and the server's peak RSS
  during a page, the team's CSV export and the organization's, and its RSS as the
  organization's export streams.

The three computations must agree on every pair's counts before anything is printed. The
scratch database is dropped whatever happens (unless --keep). The floor runs with the jit
setting of the app's connections (read from one), so the two are compared alike; `--no-jit`
turns PostgreSQL's JIT off for the whole scratch database, which now changes only the
connections that set it up and load it (the app's connections set their own). `--help`
lists the other options.

This file parses the options, runs the steps and prints the results; the steps live beside it
in metrics_organization, metrics_history, metrics_data (the organization and its bulk load),
metrics_floor, metrics_reference, metrics_database (the in-process measurements) and
metrics_http; the scratch database, the server and the timing come from harness/. The
server and the in-process measurements connect as `rapport_app` (row-level security on; the
floor too), the loading as the tables' owner.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from harness import BenchError, Timing, connected, log, prepare, run_main, server_url, table
from metrics_data import Loaded, bulk_load
from metrics_database import DatabaseResults, measure_database
from metrics_http import ORG_SUMMARY, HttpResults, measure_served
from metrics_organization import Organization, build_organization

from app.domain.metric_windows import DEFAULT_WINDOW, Window
from app.domain.policy import Policy
from app.persistence.repositories.metrics import CountingTerms

FULL_PEOPLE = 10_000
FULL_PAIRS = 10_000
FULL_MEETINGS = 1_000_000


# --- options -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Options:
    people: int
    pairs: int
    meetings: int
    repeats: int
    server_url: str
    seed: int
    jit: bool
    http: bool
    keep: bool
    time_ordered: bool


def parse_options(argv: Sequence[str]) -> Options:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--scale", type=float, default=1.0, help="of the full size (1.0)")
    parser.add_argument("--people", type=int, help=f"people ({FULL_PEOPLE:,} x scale)")
    parser.add_argument("--pairs", type=int, help=f"pairs ({FULL_PAIRS:,} x scale)")
    parser.add_argument("--meetings", type=int, help=f"meetings ({FULL_MEETINGS:,} x scale)")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs of each step (5)")
    parser.add_argument(
        "--database-url",
        default=server_url(),
        help="PostgreSQL server; the scratch database is created beside the one named",
    )
    parser.add_argument("--seed", type=int, default=1, help="of the generated organization")
    parser.add_argument(
        "--no-jit",
        action="store_true",
        help="SET jit = off for the scratch database (the app's connections set their own)",
    )
    parser.add_argument("--no-http", action="store_true", help="skip the HTTP measurements")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument(
        "--pair-by-pair",
        action="store_true",
        help="leave the histories where they were copied, one pair's after another (the"
        " layout of the runs before the tables were laid out in time order)",
    )
    args = parser.parse_args(argv)
    people = args.people or max(20, round(FULL_PEOPLE * args.scale))
    return Options(
        people=people,
        pairs=args.pairs or max(10, round(FULL_PAIRS * args.scale)),
        meetings=args.meetings or max(100, round(FULL_MEETINGS * args.scale)),
        repeats=max(1, args.repeats),
        server_url=args.database_url,
        seed=args.seed,
        jit=not args.no_jit,
        http=not args.no_http,
        keep=args.keep,
        time_ordered=not args.pair_by_pair,
    )


# --- report --------------------------------------------------------------------------------------


def timing_table(timings: Sequence[Timing], floor: Timing) -> str:
    header = ("step", "best", "median", "median / floor")
    lines = [
        (t.label, f"{t.best:.3f} s", f"{t.median:.3f} s", f"{t.median / floor.median:.2f}")
        for t in timings
    ]
    return table(header, lines)


def organization_lines(
    organization: Organization, loaded: Loaded, team_pairs: int, time_ordered: bool
) -> list[str]:
    depth = max(person.depth for person in organization.people)
    rows = loaded.rows
    return [
        f"Organization: {rows['people']:,} people ({depth} levels below the chief executive),"
        f" {rows['pairs']:,} pairs, {rows['meetings']:,} meetings, {rows['agenda_items']:,}"
        f" agenda items, {rows['ratings']:,} ratings, {rows['commitments']:,} commitments",
        f"Loaded by COPY in {loaded.seconds:.1f} s"
        + (" (meetings and commitments then laid out in time order)" if time_ordered else "")
        + f", then VACUUM ANALYZE in"
        f" {loaded.vacuum_seconds:.1f} s",
        f"Window: the 90 days before now. Team: a manager with {organization.team.people:,}"
        f" people (themself included), {team_pairs:,} pairs",
    ]


def mib(kib: int) -> str:
    return f"{kib / 1024:.0f} MiB"


def memory_lines(http: HttpResults) -> list[str]:
    return [
        f"Server RSS after a first page: {mib(http.rss_at_start_kib)}; peak RSS during",
        *(f"  {peak.label}: {mib(peak.kib)}" for peak in http.peaks),
        "RSS as the organization's export streams (lines received: RSS): "
        + ", ".join(f"{lines:,}: {mib(kib)}" for lines, kib in http.export_rss),
    ]


def goal_lines(database: DatabaseResults, http: HttpResults | None) -> list[str]:
    summary = database.org_summary
    if http is not None:
        summary = next(t for t in http.timings if t.label == ORG_SUMMARY)
    ratio = summary.median / database.floor.median
    lines = [
        f"Goal: org summary under 0.5 s: {'met' if summary.median < 0.5 else 'missed'}"
        f" ({summary.median:.3f} s median, {summary.label})",
        f"Goal: org summary within 2x the floor: {'met' if ratio <= 2 else 'missed'}"
        f" ({ratio:.2f}x)",
    ]
    if http is not None:
        page, team, org = http.peaks
        lines.append(
            f"Goal: CSV export in constant memory: peak RSS {(org.kib - page.kib) / 1024:+.1f} MiB"
            f" from a page to the organization's export, {(org.kib - team.kib) / 1024:+.1f} MiB"
            " from the team's export to the organization's"
        )
    return lines


async def read_policy(db_url: str, org_id: UUID) -> Policy:
    async with connected(db_url) as connection:
        row = await connection.fetchrow("SELECT * FROM policies WHERE org_id = $1", org_id)
    if row is None:
        raise BenchError("the organization has no policy")
    return Policy(**{name: row[name] for name in Policy.__dataclass_fields__})


# --- the run -------------------------------------------------------------------------------------


def run(options: Options) -> str:
    with ExitStack() as stack:
        scratch = prepare(
            stack, options.server_url, prefix="rapport_bench_metrics", scopes=("metrics:read",),
            keep=options.keep, jit=options.jit,
        )  # fmt: skip
        org_id = UUID(scratch.org_id)
        organization = build_organization(
            org_id, options.people, options.pairs, options.meetings, options.seed,
            datetime.now(UTC),
        )  # fmt: skip
        log(
            f"loading {len(organization.people):,} people, {len(organization.pairs):,} pairs"
            f" and {options.meetings:,} meetings"
        )
        loaded = asyncio.run(
            bulk_load(
                scratch.db_url,
                organization,
                datetime.now(UTC),
                options.seed,
                time_ordered=options.time_ordered,
            )
        )
        policy = asyncio.run(read_policy(scratch.db_url, org_id))
        now = datetime.now(UTC)
        terms = CountingTerms(
            org_id, Window(now - DEFAULT_WINDOW, now), now, policy.grace_days,
            policy.late_cancel_hours,
        )  # fmt: skip
        database = asyncio.run(
            measure_database(scratch.app_url, terms, policy, organization.team, options.repeats)
        )
        http = None
        if options.http:
            http = measure_served(scratch, organization.team, organization.pairs, options.repeats)
    timings = [
        database.floor, database.statement, database.org_summary, database.team_summary,
        database.reference_compute, database.reference_load, *(http.timings if http else []),
    ]  # fmt: skip
    return "\n".join(
        [
            *organization_lines(organization, loaded, database.team_pairs, options.time_ordered),
            f"PostgreSQL's JIT: {database.jit} on the app's and the floor's connections,"
            f" {'as configured on the server' if options.jit else 'off'} on the others;"
            f" {os.cpu_count()} CPUs shared by this script, PostgreSQL and the server;"
            f" {options.repeats} timed runs of each step after one untimed"
            " (the reference: 1 after 1)",
            "",
            timing_table(timings, database.floor),
            "",
            *(memory_lines(http) if http else []),
            *goal_lines(database, http),
        ]
    )


def main(argv: Sequence[str]) -> int:
    options = parse_options(argv)

    def body() -> int:
        print(run(options))
        return 0

    return run_main(body)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
