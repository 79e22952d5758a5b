"""Demo data: one organization of about 60 people with six months of plausible 1:1s.

This is an explicit admin-style import: past meetings and their content are written straight
through the repositories (scheduling refuses past starts by design), all inside the caller's
unit of work. A fixed seed makes the shape reproducible; ids are fresh, so loading the demo
again creates another, independent organization. A few pairs misbehave on purpose (PROBLEMS)
so that every cadence state, metric and signal of the handbook has something to show.
"""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime, timedelta
from uuid import UUID

from app.demo.calendar import DAY_CLOSES, DAY_OPENS, Calendar
from app.demo.content import (
    CEO_TIMEZONE,
    DEPARTMENTS,
    FIRST_IC,
    FIRST_MANAGER,
    FIRST_NAMES,
    HISTORY_DAYS,
    LAST_NAMES,
    MANAGERS_PER_DIRECTOR,
    OPERATIONS,
    Profile,
    Seat,
    healthy,
    org_chart,
    pair_behaviours,
)
from app.demo.history import Batch, PairHistory, PairPlan
from app.domain.pairs import Pair, PairKind
from app.domain.people import Person, Role
from app.persistence.unit_of_work import UnitOfWork
from app.services.context import Caller, ServiceContext
from app.services.organizations import create_organization
from app.services.pairs import create_pair
from app.services.people import create_person

SEED = 20240917
EMAIL_DOMAIN = "demo.rapport.example"


async def load_demo(uow: UnitOfWork, org_name: str, now: datetime) -> UUID:
    """Create a demo organization with its people, pairs and six months of 1:1 history."""
    now = now.astimezone(UTC)
    rng = random.Random(SEED)
    org_id = await create_organization(uow, org_name, now)
    ctx = ServiceContext(uow, Caller(org_id=org_id), now)
    seats = org_chart(rng)
    people = await _hire_everyone(ctx, rng, seats)
    plans = await _reporting_plans(ctx, rng, people, seats)
    plans += await _manual_plans(ctx, rng, people, seats)
    calendar = Calendar()
    for plan in plans:
        await _write(uow, PairHistory(rng, now, calendar, plan).build())
    return org_id


async def _hire_everyone(
    ctx: ServiceContext, rng: random.Random, seats: list[Seat]
) -> list[Person]:
    """Create people top down, so each manager exists first and auto_pairs pairs them up."""
    names = zip(
        rng.sample(FIRST_NAMES, len(seats)), rng.sample(LAST_NAMES, len(seats)), strict=True
    )
    analyst = next(i for i in range(FIRST_IC, len(seats)) if seats[i].department == OPERATIONS)
    admins = {1 + OPERATIONS, analyst}  # the head of operations and one people-ops analyst
    people: list[Person] = []
    for index, (seat, (first, last)) in enumerate(zip(seats, names, strict=True)):
        zones = DEPARTMENTS[seat.department][1]
        zone = zones[0] if rng.random() < 0.75 else rng.choice(zones)
        local = ".".join(re.sub("[^a-z]", "", part.lower()) for part in (first, last))
        person = await create_person(
            ctx,
            email=f"{local}@{EMAIL_DOMAIN}",
            name=f"{first} {last}",
            timezone=CEO_TIMEZONE if seat.manager is None else zone,
            manager_id=None if seat.manager is None else people[seat.manager].id,
            external_id=f"EMP-{1001 + index}",
            role=Role.ADMIN if index in admins else Role.MEMBER,
        )
        people.append(person)
    return people


async def _backdate(
    ctx: ServiceContext, pair: Pair, days_ago: int, cadence: int, minutes: int
) -> None:
    """Move the pair's start back so cadence metrics have history (an import, not a rule)."""
    start = ctx.now.replace(second=0, microsecond=0) - timedelta(days=days_ago)
    pair.started_at = pair.created_at = pair.updated_at = start
    pair.cadence_days, pair.duration_minutes = cadence, minutes
    await ctx.uow.pairs.save(pair)


def _plan(rng: random.Random, pair: Pair, profile: Profile, department: int) -> PairPlan:
    """Give the pair its usual weekday and UTC start, fitted inside working hours."""
    minute = rng.choice(range(DAY_OPENS, DAY_CLOSES - pair.duration_minutes + 1, 30))
    return PairPlan(pair, profile, rng.randrange(5), minute, DEPARTMENTS[department][2])


async def _reporting_plans(
    ctx: ServiceContext, rng: random.Random, people: list[Person], seats: list[Seat]
) -> list[PairPlan]:
    """The manager_report pairs auto_pairs created, each given a behaviour and backdated."""
    behaviours = pair_behaviours(rng, seats)
    plans: list[PairPlan] = []
    for index, person in enumerate(people):
        if person.manager_id is None:
            continue
        kind = PairKind.MANAGER_REPORT
        pair = await ctx.uow.pairs.find_live(ctx.org_id, person.manager_id, person.id, kind)
        if pair is None:
            raise RuntimeError("auto_pairs should have paired every person with their manager")
        profile, cadence = behaviours[index]
        minutes = 45 if index < FIRST_MANAGER else rng.choice((30, 30, 30, 30, 45))
        await _backdate(ctx, pair, profile.started_days_ago, cadence, minutes)
        plans.append(_plan(rng, pair, profile, seats[index].department))
    return plans


async def _manual_plans(
    ctx: ServiceContext, rng: random.Random, people: list[Person], seats: list[Seat]
) -> list[PairPlan]:
    """Skip-level, mentorship and peer pairs, created as an admin would, then backdated."""
    first, second = rng.sample(range(len(DEPARTMENTS)), 2)
    ics = {
        d: [i for i in range(FIRST_IC, len(seats)) if seats[i].department == d]
        for d in range(len(DEPARTMENTS))
    }
    managers = {d: FIRST_MANAGER + MANAGERS_PER_DIRECTOR * d for d in (first, second)}
    specs = (  # lead seat, member seat, kind, cadence, minutes, started days ago
        (0, managers[first] + 1, PairKind.SKIP_LEVEL, 28, 45, 150),
        (1 + first, rng.choice(ics[first]), PairKind.SKIP_LEVEL, 21, 45, HISTORY_DAYS),
        (1 + second, rng.choice(ics[second]), PairKind.SKIP_LEVEL, 28, 45, HISTORY_DAYS),
        (managers[first], rng.choice(ics[second]), PairKind.MENTORSHIP, 21, 60, 120),
        (managers[second], managers[second] + 1, PairKind.PEER, 14, 30, HISTORY_DAYS),
    )
    plans: list[PairPlan] = []
    for lead, member, kind, cadence, minutes, days_ago in specs:
        pair = await create_pair(
            ctx,
            lead_id=people[lead].id,
            member_id=people[member].id,
            kind=kind,
            cadence_days=cadence,
            duration_minutes=minutes,
        )
        await _backdate(ctx, pair, days_ago, cadence, minutes)
        plans.append(_plan(rng, pair, healthy(rng), seats[member].department))
    return plans


async def _write(uow: UnitOfWork, batch: Batch) -> None:
    """Insert parents before children: meetings, their history, then their content."""
    await uow.meetings.add_many(batch.meetings)
    await uow.meeting_events.add_many(batch.events)
    await uow.agenda_items.add_many(batch.items)  # an item precedes any copy carried from it
    await uow.notes.add_many(batch.notes)
    await uow.commitments.add_many(batch.commitments)
    await uow.ratings.add_many(batch.ratings)
