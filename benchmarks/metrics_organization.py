"""The generated organization of the metrics benchmark: a reporting tree of people, the pairs
planned on it (how often they meet, how many meetings, their latest) and the team whose summary
is timed. Deterministic for a seed."""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from random import Random
from uuid import UUID

from app.domain.pairs import PairKind, PairStatus

SPAN = (5, 10)  # direct reports of a manager
MANAGER_SHARE = 0.4  # of the reports of a manager, those who manage people themselves
TEAM_SHARE = 0.2  # the team summary is timed for the manager with about this share below them
DAY = timedelta(days=1)
HOUR = timedelta(hours=1)


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
class Organization:
    org_id: UUID
    people: list[Person]
    pairs: list[PairPlan]
    team: Team


def build_organization(
    org_id: UUID, people_count: int, pair_count: int, meetings: int, seed: int, now: datetime
) -> Organization:
    rng = Random(seed)
    people = reporting_tree(people_count, rng)
    pairs = plan_pairs(people, pair_count, meetings, now, rng)
    return Organization(org_id, people, pairs, team_to_time(people))
