"""Meeting-health metrics on a large organization, on PostgreSQL: the production path against
the reference implementation and a hand-written SQL floor.

    .venv/bin/python benchmarks/metrics.py               # 10,000 people, 1,000,000 meetings
    .venv/bin/python benchmarks/metrics.py --scale 0.01  # a quick check: 100 and 10,000

Steps: create a scratch database (`rapport_bench_metrics_<random>`), migrate it, create an
organization and a `metrics:read` key with the CLI, then bulk-load by COPY a reporting tree of
people (spans of 5 to 10, seven levels below the chief executive at full size), one pair per
reporting line (then skip-level pairs), and 100 weekly or fortnightly meetings per pair with
agenda items, ratings and commitments; VACUUM ANALYZE. Then, over the default window (the 90
days before now), time

- the floor: one hand-written SQL statement of every pair's counts, run with raw asyncpg;
- the production statement, `MetricsRepository.pair_counts`, for the organization and for a
  team of about a fifth of the people;
- the reference implementation: the organization's raw rows loaded (timed apart), every pair
  counted in Python by app.domain.metrics, then rolled up;
- over HTTP (`rapport serve`, one worker): the organization's and the team's summary, a page of
  `/metrics/pairs`, the full CSV export and one pair's metrics; and the server's peak RSS
  during a page, the team's CSV export and the organization's, and its RSS as the
  organization's export streams.

The three computations must agree on every pair's counts before anything is printed. The
scratch database is dropped whatever happens (unless --keep). `--no-jit` turns PostgreSQL's JIT
off for the scratch database (the server's too); `--help` lists the other options.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import signal
import statistics
import sys
import tempfile
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from random import Random
from typing import Any, TypeVar
from uuid import UUID

import asyncpg
import httpx
from rest_api import (
    DEFAULT_SERVER_URL,
    MEETING_COLUMNS,
    BenchError,
    Server,
    cli,
    database_url,
    exit_on_signal,
    log,
    rapport_cli,
    serve,
)

from app.domain.agenda import AgendaItemKind
from app.domain.cadence import cadence_of
from app.domain.commitments import CommitmentStatus
from app.domain.meeting_lifecycle import CancelReason, SystemCancelReason
from app.domain.meetings import MeetingStatus
from app.domain.metric_figures import PairCounts, PairStanding, metrics_from_counts
from app.domain.metric_rollups import PairFigures, Rollup, roll_up
from app.domain.metric_windows import DEFAULT_WINDOW, Window
from app.domain.metrics import (
    CommitmentFacts,
    ItemFacts,
    MeetingFacts,
    PairRecords,
    RatingFacts,
    count_pair,
)
from app.domain.pairs import Pair, PairKind, PairSource, PairStatus
from app.domain.people import email_key
from app.domain.policy import Policy
from app.domain.queries import MetricsFilter
from app.persistence.database import create_engine
from app.persistence.repositories.metric_aggregates import COUNT_COLUMNS
from app.persistence.repositories.metrics import MetricsQuery, MetricsRepository, PairCountsRow
from app.services.metrics import MetricsBasis, report

T = TypeVar("T")
Row = tuple[object, ...]  # one row to COPY

FULL_PEOPLE = 10_000
FULL_PAIRS = 10_000
FULL_MEETINGS = 1_000_000
SPAN = (5, 10)  # direct reports of a manager
MANAGER_SHARE = 0.4  # of the reports of a manager, those who manage people themselves
TEAM_SHARE = 0.2  # the team summary is timed for the manager with about this share below them
PAIRS_PER_COPY = 250  # pairs whose history is generated and copied at a time
PAGE_SIZE = 50
DAY = timedelta(days=1)
HOUR = timedelta(hours=1)

PEOPLE_COLUMNS = (
    "id", "org_id", "email", "email_key", "name", "timezone", "manager_id", "external_id",
    "role", "active", "created_at", "updated_at",
)  # fmt: skip
PAIR_COLUMNS = (
    "id", "org_id", "lead_id", "member_id", "kind", "cadence_days", "duration_minutes",
    "status", "source", "started_at", "ended_at", "ended_reason", "created_at", "updated_at",
)  # fmt: skip
ITEM_COLUMNS = (
    "id", "org_id", "meeting_id", "author_id", "title", "details", "kind", "position", "state",
    "carried_from_id", "created_at", "updated_at",
)  # fmt: skip
RATING_COLUMNS = (
    "id", "org_id", "meeting_id", "person_id", "score", "comment", "created_at", "updated_at",
)  # fmt: skip
COMMITMENT_COLUMNS = (
    "id", "org_id", "pair_id", "meeting_id", "owner_id", "title", "due_on", "status",
    "completed_at", "created_at", "updated_at",
)  # fmt: skip

TIMEZONES = ("Europe/Berlin", "America/New_York", "Asia/Singapore", "UTC")
OTHER_KINDS = tuple(
    kind.value for kind in AgendaItemKind if kind is not AgendaItemKind.STATUS_UPDATE
)
CANCEL_REASONS = tuple(reason.value for reason in CancelReason)
SCORES = (1, 2, 3, 3, 4, 4, 4, 4, 5, 5)
TITLES = ("Check-in", "Wins this week", "Blocked on review", "Quarter priorities", "Feedback")


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


def parse_options(argv: Sequence[str]) -> Options:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--scale", type=float, default=1.0, help="of the full size (1.0)")
    parser.add_argument("--people", type=int, help=f"people ({FULL_PEOPLE:,} x scale)")
    parser.add_argument("--pairs", type=int, help=f"pairs ({FULL_PAIRS:,} x scale)")
    parser.add_argument("--meetings", type=int, help=f"meetings ({FULL_MEETINGS:,} x scale)")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs of each step (5)")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("RAPPORT_BENCH_DATABASE_URL", DEFAULT_SERVER_URL),
        help="PostgreSQL server; the scratch database is created beside the one named",
    )
    parser.add_argument("--seed", type=int, default=1, help="of the generated organization")
    parser.add_argument(
        "--no-jit", action="store_true", help="SET jit = off for the scratch database"
    )
    parser.add_argument("--no-http", action="store_true", help="skip the HTTP measurements")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
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
    )


# --- the organization --------------------------------------------------------------------------


def new_id(rng: Random) -> UUID:
    return UUID(int=rng.getrandbits(128), version=4)


@dataclass(frozen=True, slots=True)
class Person:
    id: UUID
    manager_id: UUID | None
    depth: int  # 0 for the chief executive


def reporting_tree(count: int, rng: Random) -> list[Person]:
    """Breadth first: every manager gets 5 to 10 reports, some of whom manage in turn."""
    chief = Person(new_id(rng), None, 0)
    people, managers = [chief], deque([chief])
    while len(people) < count:
        manager = managers.popleft()
        for _ in range(min(rng.randint(*SPAN), count - len(people))):
            report = Person(new_id(rng), manager.id, manager.depth + 1)
            people.append(report)
            if not managers or rng.random() < MANAGER_SHARE:
                managers.append(report)
    return people


def people_below(people: Sequence[Person]) -> dict[UUID, int]:
    """How many people report to each person, directly or not."""
    below: dict[UUID, int] = defaultdict(int)
    for person in reversed(people):  # breadth-first order: reports come after their manager
        if person.manager_id is not None:
            below[person.manager_id] += below[person.id] + 1
    return below


@dataclass(frozen=True, slots=True)
class Team:
    manager_id: UUID
    people: int  # the manager and everyone below them


def team_to_time(people: Sequence[Person]) -> Team:
    below = people_below(people)
    target = TEAM_SHARE * len(people)
    manager = min(people[1:], key=lambda person: abs(below[person.id] - target))
    return Team(manager.id, below[manager.id] + 1)


@dataclass(frozen=True, slots=True)
class PairPlan:
    id: UUID
    lead_id: UUID
    member_id: UUID
    kind: PairKind
    cadence_days: int
    duration_minutes: int
    status: PairStatus
    meetings: int
    last_start: datetime  # the pair's latest meeting (in the future when one is booked)

    @property
    def first_start(self) -> datetime:
        return self.last_start - (self.meetings - 1) * self.cadence_days * DAY

    def ended_at(self) -> datetime | None:
        return self.last_start + DAY if self.status is PairStatus.ENDED else None


def pairings(people: Sequence[Person], count: int) -> list[tuple[UUID, UUID, PairKind]]:
    """One pair per reporting line, then skip-level pairs (the manager's manager)."""
    manager_of = {person.id: person.manager_id for person in people}
    lines = [(p.manager_id, p.id, PairKind.MANAGER_REPORT) for p in people if p.manager_id]
    skips = [
        (grand, p.id, PairKind.SKIP_LEVEL)
        for p in people
        if p.manager_id and (grand := manager_of[p.manager_id]) is not None
    ]
    return [*lines, *skips][:count]


def pair_status(rng: Random) -> PairStatus:
    roll = rng.random()
    if roll < 0.05:
        return PairStatus.ENDED
    return PairStatus.PAUSED if roll < 0.08 else PairStatus.ACTIVE


def last_meeting(status: PairStatus, cadence: int, anchor: datetime, rng: Random) -> datetime:
    """Most active pairs have their next meeting booked; the others met last some time ago."""
    if status is PairStatus.ACTIVE and rng.random() < 0.9:
        return anchor + rng.randint(1, cadence * 24 - 1) * HOUR
    if status is PairStatus.ACTIVE:
        return anchor - rng.randint(1, 2 * cadence) * DAY
    return anchor - rng.randint(14, 400) * DAY


def plan_pairs(
    people: Sequence[Person], count: int, meetings: int, now: datetime, rng: Random
) -> list[PairPlan]:
    """Weekly or fortnightly pairs (within the default policy), the meetings shared out
    evenly; most pairs active, a few paused or ended."""
    plans = []
    anchor = now.replace(minute=0, second=0, microsecond=0)
    chosen = pairings(people, count)
    for index, (lead, member, kind) in enumerate(chosen):
        cadence = 7 if rng.random() < 0.6 else 14
        status = pair_status(rng)
        last = last_meeting(status, cadence, anchor, rng)
        plans.append(
            PairPlan(
                id=new_id(rng),
                lead_id=lead,
                member_id=member,
                kind=kind,
                cadence_days=cadence,
                duration_minutes=30 if rng.random() < 0.8 else 45,
                status=status,
                meetings=meetings // len(chosen) + (index < meetings % len(chosen)),
                last_start=last,
            )
        )
    return plans


@dataclass(frozen=True, slots=True)
class Habits:
    """How one pair tends to behave, so the organization has healthy and unhealthy pairs."""

    cancel: float
    unrecorded: float
    late: float
    member_share: float
    status_share: float
    rating: float
    commitment: float
    done: float

    @classmethod
    def draw(cls, rng: Random) -> Habits:
        return cls(
            cancel=rng.uniform(0.02, 0.18),
            unrecorded=rng.uniform(0.0, 0.06),
            late=rng.uniform(0.1, 0.5),
            member_share=rng.uniform(0.15, 0.85),
            status_share=rng.uniform(0.05, 0.6),
            rating=rng.uniform(0.2, 0.8),
            commitment=rng.uniform(0.3, 0.8),
            done=rng.uniform(0.4, 0.95),
        )


@dataclass(slots=True)
class Batch:
    """Rows of some pairs' histories, by table, waiting to be copied."""

    meetings: list[Row] = field(default_factory=list)
    items: list[Row] = field(default_factory=list)
    ratings: list[Row] = field(default_factory=list)
    commitments: list[Row] = field(default_factory=list)

    def tables(self) -> Iterator[tuple[str, Sequence[str], list[Row]]]:
        yield "meetings", MEETING_COLUMNS, self.meetings
        yield "agenda_items", ITEM_COLUMNS, self.items
        yield "ratings", RATING_COLUMNS, self.ratings
        yield "commitments", COMMITMENT_COLUMNS, self.commitments


@dataclass(frozen=True, slots=True)
class History:
    """Writes one pair's meetings and what hangs off them into a batch."""

    org_id: UUID
    pair: PairPlan
    habits: Habits
    now: datetime
    rng: Random
    batch: Batch

    def write(self) -> None:
        spacing = self.pair.cadence_days * DAY
        for index in range(self.pair.meetings):
            starts_at = self.pair.first_start + index * spacing
            if index < self.pair.meetings - 1 and self.rng.random() < 0.2:  # moved a little
                starts_at += self.rng.randint(-2, 2) * DAY
            self.meeting(starts_at)

    def meeting(self, starts_at: datetime) -> None:
        rng, pair, habits = self.rng, self.pair, self.habits
        meeting_id = new_id(rng)
        created_at = starts_at - rng.randint(3, 21) * DAY
        status, canceled_at, canceled_by, reason = MeetingStatus.SCHEDULED, None, None, None
        completed_at, actual = None, None
        if starts_at + pair.duration_minutes * timedelta(minutes=1) < self.now:
            roll = rng.random()
            if roll < habits.cancel:
                status, canceled_at = MeetingStatus.CANCELED, self.canceled_at(starts_at)
                canceled_by, reason = self.canceled_by()
            elif roll >= habits.cancel + habits.unrecorded:
                status, actual = MeetingStatus.COMPLETED, self.actual_minutes()
                completed_at = starts_at + (actual or pair.duration_minutes) * timedelta(minutes=1)
        reschedules = 0 if rng.random() < 0.9 else rng.randint(1, 2)
        original = starts_at - rng.randint(1, 3) * DAY if reschedules else starts_at
        self.batch.meetings.append(
            (
                meeting_id, self.org_id, pair.id, starts_at, pair.duration_minutes, status.value,
                reschedules, original, canceled_at, canceled_by, reason, completed_at, actual,
                created_at, completed_at or canceled_at or created_at,
            )
        )  # fmt: skip
        if completed_at is not None:
            self.agenda(meeting_id, created_at)
            self.rate(meeting_id, completed_at)
            if rng.random() < habits.commitment:
                self.commit(meeting_id, starts_at, completed_at)

    def canceled_at(self, starts_at: datetime) -> datetime:
        if self.rng.random() < self.habits.late:
            return starts_at - self.rng.uniform(0.5, 23.5) * HOUR
        return starts_at - self.rng.uniform(25, 24 * 7) * HOUR

    def canceled_by(self) -> tuple[UUID | None, str]:
        roll = self.rng.random()
        if roll < 0.08:  # by the system: not a cancellation in the metrics
            return None, SystemCancelReason.PAIR_PAUSED.value
        person = self.pair.lead_id if roll < 0.6 else self.pair.member_id
        return person, CANCEL_REASONS[self.rng.randrange(len(CANCEL_REASONS))]

    def actual_minutes(self) -> int | None:
        duration = self.pair.duration_minutes
        roll = self.rng.random()
        if roll < 0.2:
            return None
        if roll < 0.3:  # cut short
            return self.rng.randint(duration // 3, duration * 2 // 3)
        return duration + self.rng.randint(-5, 5)

    def agenda(self, meeting_id: UUID, created_at: datetime) -> None:
        rng, pair, habits = self.rng, self.pair, self.habits
        for position in range(rng.randint(2, 4)):
            author = pair.member_id if rng.random() < habits.member_share else pair.lead_id
            kind = (
                AgendaItemKind.STATUS_UPDATE.value
                if rng.random() < habits.status_share
                else OTHER_KINDS[rng.randrange(len(OTHER_KINDS))]
            )
            self.batch.items.append(
                (
                    new_id(rng), self.org_id, meeting_id, author, TITLES[position], None, kind,
                    position, "discussed", None, created_at, created_at,
                )
            )  # fmt: skip

    def rate(self, meeting_id: UUID, completed_at: datetime) -> None:
        rng = self.rng
        raters = [self.pair.member_id] if rng.random() < self.habits.rating else []
        if rng.random() < self.habits.rating / 3:
            raters.append(self.pair.lead_id)
        for person in raters:
            score = SCORES[rng.randrange(len(SCORES))]
            self.batch.ratings.append(
                (new_id(rng), self.org_id, meeting_id, person, score, None, completed_at,
                 completed_at)
            )  # fmt: skip

    def commit(self, meeting_id: UUID, starts_at: datetime, completed_at: datetime) -> None:
        rng, pair = self.rng, self.pair
        owner = pair.member_id if rng.random() < 0.6 else pair.lead_id
        due = starts_at.date() + rng.randint(3, 14) * DAY if rng.random() < 0.95 else None
        status = self.commitment_status(due)
        done_at = None
        if status is CommitmentStatus.DONE:
            target = datetime.combine(due or starts_at.date(), datetime.min.time(), UTC) + 12 * HOUR
            late = rng.random() < 0.25
            target += rng.randint(1, 10) * DAY if late else -rng.randint(0, 5) * DAY
            done_at = min(max(target, completed_at), self.now)
        self.batch.commitments.append(
            (
                new_id(rng), self.org_id, pair.id, meeting_id, owner, "Follow up", due,
                status.value, done_at, completed_at, done_at or completed_at,
            )
        )  # fmt: skip

    def commitment_status(self, due: date | None) -> CommitmentStatus:
        roll = self.rng.random()
        if due is not None and due < self.now.date():
            if roll < self.habits.done:
                return CommitmentStatus.DONE
            return (
                CommitmentStatus.DROPPED
                if roll < self.habits.done + 0.05
                else CommitmentStatus.OPEN
            )
        return CommitmentStatus.DONE if roll < 0.2 else CommitmentStatus.OPEN


def people_rows(org_id: UUID, people: Sequence[Person], now: datetime) -> list[Row]:
    rows: list[Row] = []
    for number, person in enumerate(people):
        email = f"person{number}@bench.example"
        joined = now - timedelta(days=900 + number % 300)
        rows.append(
            (
                person.id, org_id, email, email_key(email), f"Person {number}",
                TIMEZONES[number % len(TIMEZONES)], person.manager_id, None,
                "admin" if number == 0 else "member", True, joined, joined,
            )
        )  # fmt: skip
    return rows


def pair_rows(org_id: UUID, plans: Sequence[PairPlan]) -> list[Row]:
    rows: list[Row] = []
    for plan in plans:
        started_at = plan.first_start - 3 * DAY
        ended_at = plan.ended_at()
        source = (
            PairSource.REPORTING_LINE if plan.kind is PairKind.MANAGER_REPORT else PairSource.MANUAL
        )
        rows.append(
            (
                plan.id, org_id, plan.lead_id, plan.member_id, plan.kind.value, plan.cadence_days,
                plan.duration_minutes, plan.status.value, source.value, started_at, ended_at,
                "reporting line changed" if ended_at else None, started_at,
                ended_at or started_at,
            )
        )  # fmt: skip
    return rows


# --- loading -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Organization:
    org_id: UUID
    people: list[Person]
    pairs: list[PairPlan]
    team: Team


@dataclass(slots=True)
class Loaded:
    rows: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    seconds: float = 0.0
    vacuum_seconds: float = 0.0


async def copy(
    connection: asyncpg.Connection, table: str, columns: Sequence[str], rows: list[Any]
) -> int:
    await connection.copy_records_to_table(table, records=rows, columns=list(columns))
    return len(rows)


async def bulk_load(db_url: str, organization: Organization, now: datetime, seed: int) -> Loaded:
    """COPY into the migrated tables (their indexes in place); foreign keys are not checked
    row by row (session_replication_role = replica): the generator keeps them consistent."""
    loaded, org_id, rng = Loaded(), organization.org_id, Random(seed + 1)
    started = time.perf_counter()
    connection = await asyncpg.connect(db_url)
    try:
        await connection.execute("SET session_replication_role = replica")
        people = people_rows(org_id, organization.people, now)
        loaded.rows["people"] = await copy(connection, "people", PEOPLE_COLUMNS, people)
        pairs = pair_rows(org_id, organization.pairs)
        loaded.rows["pairs"] = await copy(connection, "pairs", PAIR_COLUMNS, pairs)
        for first in range(0, len(organization.pairs), PAIRS_PER_COPY):
            batch = Batch()
            for plan in organization.pairs[first : first + PAIRS_PER_COPY]:
                History(org_id, plan, Habits.draw(rng), now, rng, batch).write()
            for table, columns, rows in batch.tables():
                loaded.rows[table] += await copy(connection, table, columns, rows)
            done = min(first + PAIRS_PER_COPY, len(organization.pairs))
            log(f"copied the histories of {done:,} pairs")
        loaded.seconds = time.perf_counter() - started
        started = time.perf_counter()
        await connection.execute("VACUUM (ANALYZE)")
        loaded.vacuum_seconds = time.perf_counter() - started
    finally:
        await connection.close()
    return loaded


# --- the scratch database and the application's setup ------------------------------------------


async def _run(server_url: str, statement: str) -> None:
    connection = await asyncpg.connect(server_url)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@contextmanager
def scratch_database(options: Options) -> Iterator[str]:
    name = f"rapport_bench_metrics_{secrets.token_hex(4)}"
    asyncio.run(_run(options.server_url, f'CREATE DATABASE "{name}"'))
    url = database_url(options.server_url, name)
    log(f"created database {name}")
    try:
        if not options.jit:
            asyncio.run(_run(options.server_url, f'ALTER DATABASE "{name}" SET jit = off'))
        yield url
    finally:
        if options.keep:
            log(f"kept database {url}")
        else:
            asyncio.run(_run(options.server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            log(f"dropped database {name}")


@dataclass(frozen=True, slots=True)
class Scratch:
    db_url: str
    env: dict[str, str]
    org_id: UUID
    key: str


def prepare(options: Options, stack: ExitStack) -> Scratch:
    """Migrated, with an organization (default policy) and a `metrics:read` key."""
    db_url = stack.enter_context(scratch_database(options))
    env = {
        **os.environ,
        "RAPPORT_DATABASE_URL": db_url,
        "RAPPORT_LOG_LEVEL": "warning",
        "PYTHONUNBUFFERED": "1",
    }
    cli(["migrate"], env)
    org_id = cli(["orgs", "create", "Metrics benchmark"], env)
    key = cli(
        ["keys", "create", "--org", org_id, "--scope", "metrics:read", "--name", "bench"], env
    )
    return Scratch(db_url, env, UUID(org_id), key)


async def read_policy(db_url: str, org_id: UUID) -> Policy:
    connection = await asyncpg.connect(db_url)
    try:
        row = await connection.fetchrow("SELECT * FROM policies WHERE org_id = $1", org_id)
    finally:
        await connection.close()
    if row is None:
        raise BenchError("the organization has no policy")
    return Policy(**{name: row[name] for name in Policy.__dataclass_fields__})


# --- timing ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Timing:
    label: str
    seconds: list[float]

    @property
    def best(self) -> float:
        return min(self.seconds)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


async def timed(repeats: int, step: Callable[[], Awaitable[T]]) -> tuple[list[float], T]:
    """Run `step` once to warm up, then `repeats` times; the seconds and the last result."""
    result = await step()
    seconds = []
    for _ in range(repeats):
        started = time.perf_counter()
        result = await step()
        seconds.append(time.perf_counter() - started)
    return seconds, result


# --- the floor: every pair's counts in one hand-written statement ------------------------------

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


def floor_arguments(query: MetricsQuery) -> tuple[object, ...]:
    window, upper = query.window, query.upper
    return (
        query.org_id, window.start, upper, query.now, query.grace_days, query.late_cancel_hours,
        window.start.date(), upper.date(), query.now.date(),
    )  # fmt: skip


async def floor_counts(connection: asyncpg.Connection, query: MetricsQuery) -> list[Any]:
    return list(await connection.fetch(FLOOR_SQL, *floor_arguments(query)))


# --- the reference implementation: raw rows, counted in Python ---------------------------------

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


async def load_records(connection: asyncpg.Connection, query: MetricsQuery) -> list[PairRecords]:
    """Every pair of the organization with its raw rows, as the reference takes them."""
    org_id, start, upper = query.org_id, query.window.start, query.upper
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


def reference_figures(records: PairRecords, query: MetricsQuery, policy: Policy) -> PairFigures:
    """One pair's counts, metrics and cadence state, as app.domain.metrics computes them."""
    pair, now = records.pair, query.now
    held = [m.starts_at for m in records.meetings if m.status is MeetingStatus.COMPLETED]
    ahead = [
        m.starts_at
        for m in records.meetings
        if m.status is MeetingStatus.SCHEDULED and m.starts_at > now
    ]
    state = cadence_of(
        pair, max(held, default=None), min(ahead, default=None), now, policy.grace_days
    ).state
    counts = count_pair(records, query.window, now, policy)
    standing = PairStanding(pair.status is PairStatus.ACTIVE, state, policy.target_cadence_days)
    return PairFigures(counts, metrics_from_counts(counts, query.window, standing), state)


def reference_rollup(
    every_pair: Sequence[PairRecords], query: MetricsQuery, policy: Policy
) -> tuple[Rollup, dict[UUID, PairCounts]]:
    figures = {records.pair.id: reference_figures(records, query, policy) for records in every_pair}
    counts = {pair_id: found.counts for pair_id, found in figures.items()}
    return roll_up(figures.values()), counts


# --- the production path, in-process ------------------------------------------------------------


async def production_summary(
    repository: MetricsRepository, query: MetricsQuery, policy: Policy, filters: MetricsFilter
) -> tuple[list[PairCountsRow], Rollup]:
    """What the summary endpoint computes: every pair's counts in one statement, each pair's
    figures, the rollup."""
    rows = await repository.pair_counts(query, filters)
    basis = MetricsBasis(query.window, policy, query.now)
    figures = []
    for row in rows:
        found = report(row, basis)
        figures.append(PairFigures(row.counts, found.metrics, found.cadence_state))
    return rows, roll_up(figures)


# --- agreement -----------------------------------------------------------------------------------


def check_agreement(
    production: Sequence[PairCountsRow],
    floor: Sequence[Mapping[str, Any]],
    reference: Mapping[UUID, PairCounts],
) -> None:
    """The three computations give every pair the same counts (and the same cadence facts)."""
    if not len(production) == len(floor) == len(reference):
        raise BenchError(
            f"pairs counted: production {len(production)}, floor {len(floor)},"
            f" reference {len(reference)}"
        )
    for row, floor_row in zip(production, floor, strict=True):
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


# --- the database measurements ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DatabaseResults:
    floor: Timing
    statement: Timing
    org_summary: Timing
    team_summary: Timing
    team_pairs: int
    reference_load: Timing
    reference_compute: Timing


async def measure_database(
    db_url: str, query: MetricsQuery, policy: Policy, team: Team, repeats: int
) -> DatabaseResults:
    connection = await asyncpg.connect(db_url)
    engine = create_engine(db_url)
    try:
        floor_seconds, floor = await timed(repeats, lambda: floor_counts(connection, query))
        log("timed the floor")
        async with engine.connect() as production:
            repository = MetricsRepository(production)
            statement, _ = await timed(
                repeats, lambda: repository.pair_counts(query, MetricsFilter())
            )
            org_seconds, (rows, rollup) = await timed(
                repeats, lambda: production_summary(repository, query, policy, MetricsFilter())
            )
            team_filter = MetricsFilter(team_of=team.manager_id)
            team_seconds, (team_rows, _) = await timed(
                repeats, lambda: production_summary(repository, query, policy, team_filter)
            )
        log("timed the production statement and summaries")
        load_seconds, records = await timed(1, lambda: load_records(connection, query))

        async def compute() -> tuple[Rollup, dict[UUID, PairCounts]]:
            return reference_rollup(records, query, policy)

        compute_seconds, (reference, reference_counts) = await timed(1, compute)
        log("timed the reference implementation")
    finally:
        await connection.close()
        await engine.dispose()
    check_agreement(rows, floor, reference_counts)
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
    )


# --- over HTTP -----------------------------------------------------------------------------------


def status_kib(pid: int, name: str) -> int:
    """A figure of /proc/<pid>/status, such as VmRSS or VmHWM (peak RSS), in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{name}:"):
            return int(line.split()[1])
    raise BenchError(f"no {name} in /proc/{pid}/status")


def reset_peak_rss(pid: int) -> None:
    """Make the process's peak RSS (VmHWM) its current RSS."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")


async def peak_during(
    client: httpx.AsyncClient,
    pid: int,
    name: str,
    path: str,
    progress: Callable[[int], None] | None = None,
) -> Peak:
    """The server's peak RSS while it answers one request."""
    reset_peak_rss(pid)
    lines = await fetch(client, path, progress)
    rows = f" ({lines - 1:,} rows)" if "format=csv" in path else ""  # CSV: and a header
    return Peak(name + rows, status_kib(pid, "VmHWM"))


async def fetch(
    client: httpx.AsyncClient, path: str, progress: Callable[[int], None] | None = None
) -> int:
    """GET a path, reading the body as it streams; the number of lines received (also told
    to `progress` after each chunk)."""
    lines = 0
    async with client.stream("GET", path) as response:
        if response.status_code != 200:
            await response.aread()
            raise BenchError(f"GET {path} answered {response.status_code}: {response.text[:500]}")
        async for chunk in response.aiter_bytes():
            lines += chunk.count(b"\n")
            if progress is not None:
                progress(lines)
    return lines


@dataclass(slots=True)
class RssSamples:
    """The server's RSS each time another `every` lines of a response have arrived."""

    pid: int
    every: int
    taken: list[tuple[int, int]] = field(default_factory=list)  # (lines, KiB)

    def __call__(self, lines: int) -> None:
        if lines // self.every > len(self.taken):
            self.taken.append((lines, status_kib(self.pid, "VmRSS")))


@dataclass(frozen=True, slots=True)
class Peak:
    """The server's peak RSS during one request."""

    label: str
    kib: int


@dataclass(frozen=True, slots=True)
class HttpResults:
    timings: list[Timing]
    rss_at_start_kib: int
    peaks: list[Peak]
    export_rss: list[tuple[int, int]]  # (lines received, KiB) as the organization's export streams


ORG_SUMMARY = "GET /v1/metrics/summary?scope=org"
PAGE = f"GET /v1/metrics/pairs?limit={PAGE_SIZE}"
EXPORT = "GET /v1/metrics/pairs?format=csv"


def http_requests(team: Team, pair_id: UUID) -> dict[str, str]:
    """The timed requests' paths, by the label they are printed with."""
    return {
        ORG_SUMMARY: "/v1/metrics/summary?scope=org",
        "GET /v1/metrics/summary?scope=team&person_id=…": (
            f"/v1/metrics/summary?scope=team&person_id={team.manager_id}"
        ),
        PAGE: f"/v1/metrics/pairs?limit={PAGE_SIZE}",
        EXPORT: "/v1/metrics/pairs?format=csv",
        "GET /v1/pairs/{id}/metrics": f"/v1/pairs/{pair_id}/metrics",
    }


async def measure_http(
    server: Server, key: str, team: Team, pairs: Sequence[PairPlan], repeats: int
) -> HttpResults:
    pid, paths = server.process.pid, http_requests(team, pairs[0].id)
    team_csv = f"/v1/metrics/pairs?format=csv&team_of={team.manager_id}"
    headers = {"Authorization": f"Bearer {key}"}
    async with httpx.AsyncClient(base_url=server.url, headers=headers, timeout=600) as client:
        await fetch(client, paths[PAGE])
        rss_at_start = status_kib(pid, "VmRSS")
        # Peaks before any request that holds every pair at once (the summaries), so memory
        # the allocator kept from those cannot hide growth.
        samples = RssSamples(pid, every=max(1, len(pairs) // 10))
        peaks = [
            await peak_during(client, pid, "a page of pairs", paths[PAGE]),
            await peak_during(client, pid, "the team's CSV export", team_csv),
            await peak_during(client, pid, "the organization's CSV export", paths[EXPORT], samples),
        ]
        timings = [
            Timing(label, await time_get(client, path, repeats)) for label, path in paths.items()
        ]
    return HttpResults(timings, rss_at_start, peaks, samples.taken)


async def time_get(client: httpx.AsyncClient, path: str, repeats: int) -> list[float]:
    seconds, _ = await timed(repeats, lambda: fetch(client, path))
    log(f"timed GET {path}")
    return seconds


# --- report --------------------------------------------------------------------------------------


def timing_table(timings: Sequence[Timing], floor: Timing) -> str:
    header = ("step", "best", "median", "median / floor")
    lines = [
        (t.label, f"{t.best:.3f} s", f"{t.median:.3f} s", f"{t.median / floor.median:.2f}")
        for t in timings
    ]
    widths = [max(len(line[i]) for line in [header, *lines]) for i in range(len(header))]

    def render(cells: Sequence[str]) -> str:
        rest = (cell.rjust(width) for cell, width in zip(cells[1:], widths[1:], strict=True))
        return "  ".join([cells[0].ljust(widths[0]), *rest])

    return "\n".join([render(header), "  ".join("-" * w for w in widths), *map(render, lines)])


def organization_lines(organization: Organization, loaded: Loaded, team_pairs: int) -> list[str]:
    depth = max(person.depth for person in organization.people)
    rows = loaded.rows
    return [
        f"Organization: {rows['people']:,} people ({depth} levels below the chief executive),"
        f" {rows['pairs']:,} pairs, {rows['meetings']:,} meetings, {rows['agenda_items']:,}"
        f" agenda items, {rows['ratings']:,} ratings, {rows['commitments']:,} commitments",
        f"Loaded by COPY in {loaded.seconds:.1f} s, then VACUUM ANALYZE in"
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
        f"Goal: org summary under 1 s: {'met' if summary.median < 1 else 'missed'}"
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


# --- the run -------------------------------------------------------------------------------------


def build_organization(org_id: UUID, options: Options, now: datetime) -> Organization:
    rng = Random(options.seed)
    people = reporting_tree(options.people, rng)
    pairs = plan_pairs(people, options.pairs, options.meetings, now, rng)
    return Organization(org_id, people, pairs, team_to_time(people))


def run(options: Options) -> str:
    with ExitStack() as stack:
        scratch = prepare(options, stack)
        organization = build_organization(scratch.org_id, options, datetime.now(UTC))
        log(
            f"loading {len(organization.people):,} people, {len(organization.pairs):,} pairs"
            f" and {options.meetings:,} meetings"
        )
        loaded = asyncio.run(
            bulk_load(scratch.db_url, organization, datetime.now(UTC), options.seed)
        )
        policy = asyncio.run(read_policy(scratch.db_url, scratch.org_id))
        now = datetime.now(UTC)
        query = MetricsQuery(
            scratch.org_id, Window(now - DEFAULT_WINDOW, now), now, policy.grace_days,
            policy.late_cancel_hours,
        )  # fmt: skip
        database = asyncio.run(
            measure_database(scratch.db_url, query, policy, organization.team, options.repeats)
        )
        http = None
        if options.http:
            logs = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="rapport-bench-")))
            server = stack.enter_context(
                serve("rapport", [rapport_cli(), "serve", "--workers", "1"], scratch.env, logs)
            )
            http = asyncio.run(
                measure_http(
                    server, scratch.key, organization.team, organization.pairs, options.repeats
                )
            )
    timings = [
        database.floor, database.statement, database.org_summary, database.team_summary,
        database.reference_compute, database.reference_load, *(http.timings if http else []),
    ]  # fmt: skip
    return "\n".join(
        [
            *organization_lines(organization, loaded, database.team_pairs),
            f"PostgreSQL's JIT: {'as configured on the server' if options.jit else 'off'};"
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
    signal.signal(signal.SIGTERM, exit_on_signal)  # so the scratch database is dropped
    options = parse_options(argv)
    try:
        print(run(options))
    except BenchError as error:
        log(f"failed: {error}")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
