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
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from typing import Any, NamedTuple
from uuid import UUID

from app.domain.agenda import AgendaItem, AgendaItemKind, AgendaItemState
from app.domain.commitments import Commitment, CommitmentStatus
from app.domain.meetings import Meeting, MeetingEvent, MeetingEventKind, MeetingStatus, overlaps
from app.domain.notes import Note, NoteVisibility
from app.domain.pairs import Pair, PairKind
from app.domain.people import Person, Role
from app.persistence.unit_of_work import UnitOfWork
from app.services.context import Actor, UseCase, new_id
from app.services.demo_content import (
    AGENDA_TITLES,
    CEO_TIMEZONE,
    COMMITMENT_TITLES,
    DEPARTMENTS,
    FIRST_NAMES,
    ITEM_DETAILS,
    LAST_NAMES,
    NOTE_BODIES,
    OPERATIONS,
)
from app.services.organizations import create_organization
from app.services.pairs import create_pair
from app.services.people import create_person

SEED = 20240917
HEADCOUNT = 60
HISTORY_DAYS = 190
EMAIL_DOMAIN = "demo.rapport.example"
MANAGERS_PER_DIRECTOR = 3
FIRST_MANAGER = 1 + len(DEPARTMENTS)  # seat 0 is the CEO, then one director per department
FIRST_IC = FIRST_MANAGER + MANAGERS_PER_DIRECTOR * len(DEPARTMENTS)
DAY_OPENS = 9 * 60  # working hours in minutes after midnight UTC; meetings end by DAY_CLOSES
DAY_CLOSES = 17 * 60 + 30
SETTLE = timedelta(hours=2)  # a past meeting ended at least this long ago
CANCEL_REASONS = ("conflict", "illness", "out_of_office", "no_topics", "emergency", "other")
CANCEL_WEIGHTS = (35, 12, 20, 13, 7, 13)
KIND_WEIGHTS: dict[AgendaItemKind, int] = {
    AgendaItemKind.CHECK_IN: 12,
    AgendaItemKind.WIN: 12,
    AgendaItemKind.CHALLENGE: 14,
    AgendaItemKind.PRIORITY: 12,
    AgendaItemKind.GOAL: 10,
    AgendaItemKind.DEVELOPMENT: 12,
    AgendaItemKind.FEEDBACK: 12,
    AgendaItemKind.METRICS: 8,
    AgendaItemKind.OTHER: 4,
}


@dataclass(frozen=True, slots=True)
class Profile:
    """How a pair tends to behave; each problem profile trips a metric or signal on purpose."""

    name: str
    skip: float = 0.03  # odds that a slot silently did not happen (a gap)
    cancel: float = 0.08
    late: float = 0.25  # share of cancellations made within late_cancel_hours of the start
    lead_cancels: float = 0.5
    reschedule: float = 0.12
    shorten: float = 0.06
    unrecorded: float = 0.02
    member_share: float = 0.6
    status_share: float = 0.08
    done: float = 0.8
    dropped: float = 0.08
    stopped_days_ago: int | None = None  # neglected: one cancellation after this, then nothing
    next_meeting: str = "booked"  # booked | late (at_risk) | canceled (unbooked) | none
    started_days_ago: int = HISTORY_DAYS


PROBLEMS: tuple[Profile, ...] = (
    Profile("frequent_cancellations", cancel=0.45, late=0.45, lead_cancels=0.85),
    Profile("late_cancellations", cancel=0.35, late=0.8, lead_cancels=0.3),
    Profile("one_sided_agenda", member_share=0.04),
    Profile("status_heavy", status_share=0.75, member_share=0.75),
    Profile("low_follow_through", done=0.3, dropped=0.1),
    Profile("neglected", skip=0.2, cancel=0.2, stopped_days_ago=45, next_meeting="none"),
    Profile("neglected", skip=0.3, stopped_days_ago=80, next_meeting="none", done=0.5),
    Profile("unbooked", next_meeting="canceled"),
    Profile("at_risk", next_meeting="late"),
    Profile("shortened_meetings", shorten=0.7),
    Profile("irregular", skip=0.55, cancel=0.12),
    Profile("unrecorded", unrecorded=0.35),
    Profile("new_hire", started_days_ago=11),
)


class Seat(NamedTuple):
    """A position in the reporting tree: the seat it reports to and its department."""

    manager: int | None
    department: int


@dataclass(slots=True)
class PairPlan:
    """A pair with its behaviour, its usual weekday and UTC minute, and its projects."""

    pair: Pair
    profile: Profile
    weekday: int
    minute: int
    projects: tuple[str, ...]


@dataclass(slots=True)
class Batch:
    """Everything generated for one pair, written parents first for the foreign keys."""

    meetings: list[Meeting] = field(default_factory=list)
    events: list[MeetingEvent] = field(default_factory=list)
    items: list[AgendaItem] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    commitments: list[Commitment] = field(default_factory=list)


class Calendar:
    """Every placed meeting per person, so nobody is ever in two meetings at once."""

    def __init__(self) -> None:
        self.busy: dict[UUID, list[tuple[datetime, int]]] = {}

    def is_free(self, people: tuple[UUID, UUID], start: datetime, minutes: int) -> bool:
        return not any(
            overlaps(start, minutes, other, other_minutes)
            for person in people
            for other, other_minutes in self.busy.get(person, [])
        )

    def first_free(self, people: tuple[UUID, UUID], start: datetime, minutes: int) -> datetime:
        """The first working slot at or after `start` that is free for both people."""
        candidate = _working_time(start, minutes)
        while not self.is_free(people, candidate, minutes):
            candidate = _working_time(candidate + timedelta(minutes=30), minutes)
        return candidate

    def book(self, people: tuple[UUID, UUID], start: datetime, minutes: int) -> None:
        for person in people:
            self.busy.setdefault(person, []).append((start, minutes))


async def load_demo(uow: UnitOfWork, org_name: str, now: datetime) -> UUID:
    """Create a demo organization with its people, pairs and six months of 1:1 history."""
    now = now.astimezone(UTC)
    rng = random.Random(SEED)
    org_id = await create_organization(uow, org_name, now)
    uc = UseCase(uow, Actor(org_id=org_id), now)
    seats = _org_chart(rng)
    people = await _hire_everyone(uc, rng, seats)
    plans = await _reporting_plans(uc, rng, people, seats)
    plans += await _manual_plans(uc, rng, people, seats)
    calendar = Calendar()
    for plan in plans:
        batch = Batch()
        _history(rng, plan, calendar, batch, now)
        batch.meetings.sort(key=lambda meeting: meeting.starts_at)
        _agenda(rng, plan, batch, now)
        _notes_and_commitments(rng, plan, batch, now)
        await _write(uow, batch)
    return org_id


def _org_chart(rng: random.Random) -> list[Seat]:
    """One CEO, a director per department, three managers each, then their ICs (3-4 each)."""
    seats = [Seat(None, 0)]
    seats += [Seat(0, department) for department in range(len(DEPARTMENTS))]
    seats += [
        Seat(1 + department, department)
        for department in range(len(DEPARTMENTS))
        for _ in range(MANAGERS_PER_DIRECTOR)
    ]
    managers = list(range(FIRST_MANAGER, FIRST_IC))
    bigger = rng.sample(managers, HEADCOUNT - FIRST_IC - 3 * len(managers))
    for manager in managers:
        seats += [Seat(manager, seats[manager].department)] * (3 + bigger.count(manager))
    return seats


def _email(first: str, last: str) -> str:
    """firstname.lastname at the demo domain, letters only (O'Connor becomes oconnor)."""
    return (
        f"{re.sub('[^a-z]', '', first.lower())}.{re.sub('[^a-z]', '', last.lower())}@{EMAIL_DOMAIN}"
    )


async def _hire_everyone(uc: UseCase, rng: random.Random, seats: list[Seat]) -> list[Person]:
    """Create people top down, so each manager exists first and auto_pairs pairs them up."""
    firsts = rng.sample(FIRST_NAMES, len(seats))
    lasts = rng.sample(LAST_NAMES, len(seats))
    analyst = next(i for i in range(FIRST_IC, len(seats)) if seats[i].department == OPERATIONS)
    admins = {1 + OPERATIONS, analyst}  # the head of operations and one people-ops analyst
    people: list[Person] = []
    for index, (seat, first, last) in enumerate(zip(seats, firsts, lasts, strict=True)):
        zones = DEPARTMENTS[seat.department][1]
        zone = zones[0] if rng.random() < 0.75 else rng.choice(zones)
        people.append(
            await create_person(
                uc,
                email=_email(first, last),
                name=f"{first} {last}",
                timezone=CEO_TIMEZONE if seat.manager is None else zone,
                manager_id=None if seat.manager is None else people[seat.manager].id,
                external_id=f"EMP-{1001 + index}",
                role=Role.ADMIN if index in admins else Role.MEMBER,
            )
        )
    return people


def _healthy(rng: random.Random) -> Profile:
    """Healthy pairs still differ a little, so rollups show a spread rather than one value."""
    return Profile(
        "healthy",
        cancel=rng.uniform(0.03, 0.14),
        reschedule=rng.uniform(0.05, 0.2),
        member_share=rng.uniform(0.45, 0.7),
        status_share=rng.choice((0.05, 0.1, 0.2, 0.3)),
        done=rng.uniform(0.7, 0.92),
    )


def _behaviours(rng: random.Random, seats: list[Seat]) -> dict[int, tuple[Profile, int]]:
    """Profile and cadence per reporting seat: problem pairs, one weekly team, a few slow."""
    members = range(FIRST_MANAGER, len(seats))
    problems = dict(zip(rng.sample(members, len(PROBLEMS)), PROBLEMS, strict=True))
    weekly_lead = rng.randrange(FIRST_MANAGER, FIRST_IC)
    steady = [i for i in members if i not in problems and seats[i].manager != weekly_lead]
    slow = dict(zip(rng.sample(steady, 3), (21, 21, 28), strict=True))
    behaviours: dict[int, tuple[Profile, int]] = {}
    for index in range(1, len(seats)):
        profile = problems[index] if index in problems else _healthy(rng)
        weekly = seats[index].manager == weekly_lead and profile.name != "new_hire"
        behaviours[index] = (profile, slow.get(index, 7 if weekly else 14))
    return behaviours


def _plan(rng: random.Random, pair: Pair, profile: Profile, department: int) -> PairPlan:
    """Give the pair its usual weekday and UTC start, fitted inside working hours."""
    latest = DAY_CLOSES - pair.duration_minutes
    minute = rng.choice(range(DAY_OPENS, latest + 1, 30))
    return PairPlan(pair, profile, rng.randrange(5), minute, DEPARTMENTS[department][2])


async def _backdate(
    uc: UseCase, pair: Pair, days_ago: int, cadence_days: int, duration_minutes: int
) -> None:
    """Move the pair's start back so cadence metrics have history (an import, not a rule)."""
    start = uc.now.replace(second=0, microsecond=0) - timedelta(days=days_ago)
    pair.started_at = pair.created_at = pair.updated_at = start
    pair.cadence_days = cadence_days
    pair.duration_minutes = duration_minutes
    await uc.uow.pairs.save(pair)


async def _reporting_plans(
    uc: UseCase, rng: random.Random, people: list[Person], seats: list[Seat]
) -> list[PairPlan]:
    """The manager_report pairs auto_pairs created, each given a behaviour and backdated."""
    behaviours = _behaviours(rng, seats)
    plans: list[PairPlan] = []
    for index, person in enumerate(people):
        if person.manager_id is None:
            continue
        pair = await uc.uow.pairs.find_live(
            uc.org_id, person.manager_id, person.id, PairKind.MANAGER_REPORT
        )
        if pair is None:
            raise RuntimeError("auto_pairs should have paired every person with their manager")
        profile, cadence = behaviours[index]
        duration = 45 if index < FIRST_MANAGER else rng.choice((30, 30, 30, 30, 45))
        await _backdate(uc, pair, profile.started_days_ago, cadence, duration)
        plans.append(_plan(rng, pair, profile, seats[index].department))
    return plans


async def _manual_plans(
    uc: UseCase, rng: random.Random, people: list[Person], seats: list[Seat]
) -> list[PairPlan]:
    """Skip-level, mentorship and peer pairs, created as an admin would, then backdated."""
    first, second = rng.sample(range(len(DEPARTMENTS)), 2)

    def ic_in(department: int) -> int:
        return rng.choice(
            [i for i in range(FIRST_IC, len(seats)) if seats[i].department == department]
        )

    def manager_in(department: int) -> int:
        return (
            FIRST_MANAGER
            + MANAGERS_PER_DIRECTOR * department
            + rng.randrange(MANAGERS_PER_DIRECTOR)
        )

    peer = FIRST_MANAGER + MANAGERS_PER_DIRECTOR * second
    specs = (  # lead seat, member seat, kind, cadence, minutes, started days ago
        (0, manager_in(first), PairKind.SKIP_LEVEL, 28, 45, 150),
        (1 + first, ic_in(first), PairKind.SKIP_LEVEL, 21, 45, HISTORY_DAYS),
        (1 + second, ic_in(second), PairKind.SKIP_LEVEL, 28, 45, HISTORY_DAYS),
        (manager_in(first), ic_in(second), PairKind.MENTORSHIP, 21, 60, 120),
        (peer, peer + 1, PairKind.PEER, 14, 30, HISTORY_DAYS),
    )
    plans: list[PairPlan] = []
    for lead, member, kind, cadence, minutes, days_ago in specs:
        pair = await create_pair(
            uc,
            lead_id=people[lead].id,
            member_id=people[member].id,
            kind=kind,
            cadence_days=cadence,
            duration_minutes=minutes,
        )
        await _backdate(uc, pair, days_ago, cadence, minutes)
        plans.append(_plan(rng, pair, _healthy(rng), seats[member].department))
    return plans


def _working_time(at: datetime, minutes: int) -> datetime:
    """The first start at or after `at` on a weekday, inside working hours (UTC)."""
    day, minute = at.date(), at.hour * 60 + at.minute + (at.second > 0 or at.microsecond > 0)
    minute = max(minute, DAY_OPENS)
    if minute + minutes > DAY_CLOSES:
        day, minute = day + timedelta(days=1), DAY_OPENS
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime.combine(day, time(), UTC) + timedelta(minutes=minute)


def _between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    """A whole-minute offset into [start, end]; `start` itself when the range is empty."""
    if end <= start:
        return start
    return start + timedelta(minutes=rng.randint(0, int((end - start).total_seconds() // 60)))


def _slots(plan: PairPlan, now: datetime) -> tuple[list[datetime], datetime]:
    """The pair's usual slot every cadence_days: those already over, and the next one ahead."""
    day = plan.pair.started_at.date() + timedelta(days=4)
    day += timedelta(days=(plan.weekday - day.weekday()) % 7)
    start = datetime.combine(day, time(), UTC) + timedelta(minutes=plan.minute)
    step, length = (
        timedelta(days=plan.pair.cadence_days),
        timedelta(minutes=plan.pair.duration_minutes),
    )
    past: list[datetime] = []
    while start + length + SETTLE <= now:
        past.append(start)
        start += step
    while start <= now + SETTLE:
        start += step
    return past, start


def _outcome(rng: random.Random, profile: Profile) -> MeetingStatus | None:
    """What became of a past slot: skipped (None), canceled, never recorded, or held."""
    roll = rng.random()
    if roll < profile.skip:
        return None
    if roll < profile.skip + profile.cancel:
        return MeetingStatus.CANCELED
    if roll < profile.skip + profile.cancel + profile.unrecorded:
        return MeetingStatus.SCHEDULED
    return MeetingStatus.COMPLETED


def _history(
    rng: random.Random, plan: PairPlan, calendar: Calendar, batch: Batch, now: datetime
) -> None:
    """Past meetings as the profile has them, then the next one (or, on purpose, none)."""
    profile = plan.profile
    past, ahead = _slots(plan, now)
    stop = now - timedelta(days=profile.stopped_days_ago or 0)
    hold_last = profile.next_meeting in ("late", "canceled")  # so the pair is not overdue
    called_off = False
    for index, start in enumerate(past):
        status = _outcome(rng, profile)
        if hold_last and index == len(past) - 1:
            status = MeetingStatus.COMPLETED
        if profile.stopped_days_ago is not None and start >= stop:
            status = None if called_off else MeetingStatus.CANCELED
            called_off = True
        if status is not None:
            _draft(rng, plan, start, status, calendar, batch, now)
    if profile.next_meeting == "none":
        return
    if profile.next_meeting == "late":
        ahead += timedelta(days=plan.pair.cadence_days)
    status = MeetingStatus.CANCELED if profile.next_meeting == "canceled" else None
    _draft(rng, plan, ahead, status or MeetingStatus.SCHEDULED, calendar, batch, now, future=True)


def _moved(rng: random.Random, start: datetime, *, forward: bool) -> datetime:
    """A reschedule: a day or a few later (or one earlier), sometimes at another hour."""
    days = rng.choice((1, 1, 2, 3, -1))
    moved = start + timedelta(days=abs(days) if forward else days)
    if rng.random() < 0.4:
        moved = moved.replace(hour=rng.randint(9, 15), minute=rng.choice((0, 30)))
    return moved


def _draft(
    rng: random.Random,
    plan: PairPlan,
    planned: datetime,
    status: MeetingStatus,
    calendar: Calendar,
    batch: Batch,
    now: datetime,
    *,
    future: bool = False,
) -> None:
    """One meeting and its history: booked, maybe moved, then held, canceled or left open."""
    pair = plan.pair
    people, minutes = (pair.lead_id, pair.member_id), pair.duration_minutes
    odds = plan.profile.reschedule / (2 if future else 1)
    stops = [planned]
    for _ in range(rng.choice((1, 1, 1, 2)) if rng.random() < odds else 0):
        stops.append(_moved(rng, stops[-1], forward=future))
    stops[-1] = calendar.first_free(people, stops[-1], minutes)
    if not future and stops[-1] + timedelta(minutes=minutes) + SETTLE > now:
        return  # moved into the present: leave it out of the history
    calendar.book(people, stops[-1], minutes)
    ahead = timedelta(days=rng.randint(3, max(3, pair.cadence_days)), minutes=rng.randint(0, 600))
    booked = max(pair.started_at, min(min(stops) - ahead, now - timedelta(hours=1)))
    meeting = Meeting(
        id=new_id(),
        org_id=pair.org_id,
        pair_id=pair.id,
        starts_at=stops[-1],
        duration_minutes=minutes,
        status=MeetingStatus.SCHEDULED,
        reschedule_count=len(stops) - 1,
        original_starts_at=stops[0],
        canceled_at=None,
        canceled_by_id=None,
        cancel_reason=None,
        completed_at=None,
        actual_minutes=None,
        created_at=booked,
        updated_at=booked,
    )
    batch.meetings.append(meeting)
    _log(batch, meeting, MeetingEventKind.SCHEDULED, booked, pair.lead_id, starts_at=stops[0])
    for before, after in pairwise(stops):
        at = _between(rng, meeting.updated_at, min(before, after, now) - timedelta(days=1))
        _log(
            batch,
            meeting,
            MeetingEventKind.RESCHEDULED,
            at,
            rng.choice(people),
            **{"from": before, "to": after},
        )
        meeting.updated_at = at
    if status is MeetingStatus.CANCELED:
        _cancel(rng, plan.profile, meeting, batch, people, now)
    elif status is MeetingStatus.COMPLETED:
        _complete(rng, plan.profile, meeting, batch, people, now)


def _log(
    batch: Batch,
    meeting: Meeting,
    kind: MeetingEventKind,
    at: datetime,
    actor: UUID | None,
    **data: Any,
) -> None:
    """Append a line to the meeting's history (instants as RFC 3339 text, like the services)."""
    payload = {k: v.isoformat() if isinstance(v, datetime) else v for k, v in data.items()}
    batch.events.append(
        MeetingEvent(new_id(), meeting.org_id, meeting.id, kind, at, actor, None, payload)
    )


def _cancel(
    rng: random.Random,
    profile: Profile,
    meeting: Meeting,
    batch: Batch,
    people: tuple[UUID, UUID],
    now: datetime,
) -> None:
    """Called off by one of the two, a few days ahead or, for late ones, within 24 hours."""
    if rng.random() < profile.late:
        ahead = timedelta(minutes=rng.randint(30, 20 * 60))
    else:
        ahead = timedelta(minutes=rng.randint(26 * 60, 6 * 24 * 60))
    latest = now - timedelta(minutes=rng.randint(30, 48 * 60))
    at = max(meeting.updated_at + timedelta(minutes=5), min(meeting.starts_at - ahead, latest))
    by = people[0] if rng.random() < profile.lead_cancels else people[1]
    reason = rng.choices(CANCEL_REASONS, CANCEL_WEIGHTS)[0]
    meeting.status = MeetingStatus.CANCELED
    meeting.canceled_at = meeting.updated_at = at
    meeting.canceled_by_id = by
    meeting.cancel_reason = reason
    _log(batch, meeting, MeetingEventKind.CANCELED, at, by, reason=reason, by_system=False)


def _complete(
    rng: random.Random,
    profile: Profile,
    meeting: Meeting,
    batch: Batch,
    people: tuple[UUID, UUID],
    now: datetime,
) -> None:
    """Held, and marked so shortly after its end; usually full length, sometimes cut short."""
    minutes, roll = meeting.duration_minutes, rng.random()
    actual: int | None = minutes
    if roll < profile.shorten:
        actual = round(minutes * rng.uniform(0.5, 0.7))
    elif roll < profile.shorten + 0.05:
        actual = None  # nobody recorded how long it took
    elif roll < profile.shorten + 0.17:
        actual = min(120, minutes + rng.choice((5, 10, 15)))
    lag = timedelta(minutes=rng.randint(0, 15))
    if rng.random() < 0.15:
        lag = timedelta(hours=rng.randint(1, 20))
    at = min(now, meeting.starts_at + timedelta(minutes=actual or minutes) + lag)
    meeting.status = MeetingStatus.COMPLETED
    meeting.completed_at = meeting.updated_at = at
    meeting.actual_minutes = actual
    _log(batch, meeting, MeetingEventKind.COMPLETED, at, rng.choice(people), actual_minutes=actual)


def _agenda(rng: random.Random, plan: PairPlan, batch: Batch, now: datetime) -> None:
    """Items on held and upcoming meetings; deferred ones carry to the next meeting (rule 4)."""
    live = [m for m in batch.meetings if m.status is not MeetingStatus.CANCELED]
    carried: list[AgendaItem] = []
    for index, meeting in enumerate(live):
        fresh = _fresh_items(rng, plan, meeting, now) if rng.random() < 0.85 else []
        items = carried + fresh
        for position, item in enumerate(items):
            item.position = position
            if meeting.completed_at is not None:
                odds = 0.05 if item.carried_from_id else 0.12
                item.state = (
                    AgendaItemState.DEFERRED if rng.random() < odds else (AgendaItemState.DISCUSSED)
                )
                item.updated_at = meeting.completed_at
        batch.items += items
        deferred = [item for item in items if item.state is AgendaItemState.DEFERRED]
        following = live[index + 1] if index + 1 < len(live) else None
        carried = []
        if deferred and following is not None and meeting.completed_at is not None:
            at = max(meeting.completed_at, following.created_at)
            carried = [_carry(item, following, at) for item in deferred]
            _log(
                batch,
                meeting,
                MeetingEventKind.ITEMS_CARRIED_OVER,
                at,
                None,
                count=len(carried),
                to_meeting_id=str(following.id),
            )


def _fresh_items(
    rng: random.Random, plan: PairPlan, meeting: Meeting, now: datetime
) -> list[AgendaItem]:
    """Two to five talking points (one to three ahead), added in the days before the meeting."""
    pair, profile = plan.pair, plan.profile
    count = rng.randint(2, 5) if meeting.status is MeetingStatus.COMPLETED else rng.randint(1, 3)
    latest = min(meeting.starts_at - timedelta(minutes=10), now)
    items: list[AgendaItem] = []
    for _ in range(count):
        kind = AgendaItemKind.STATUS_UPDATE
        if rng.random() >= profile.status_share:
            kind = rng.choices(list(KIND_WEIGHTS), list(KIND_WEIGHTS.values()))[0]
        at = _between(rng, meeting.created_at, latest)
        items.append(
            AgendaItem(
                id=new_id(),
                org_id=pair.org_id,
                meeting_id=meeting.id,
                author_id=pair.member_id if rng.random() < profile.member_share else pair.lead_id,
                title=_fill(rng, rng.choice(AGENDA_TITLES[kind]), plan),
                details=rng.choice(ITEM_DETAILS) if rng.random() < 0.2 else None,
                kind=kind,
                position=0,
                state=AgendaItemState.OPEN,
                carried_from_id=None,
                created_at=at,
                updated_at=at,
            )
        )
    return items


def _carry(item: AgendaItem, to: Meeting, at: datetime) -> AgendaItem:
    """Rule 4: a deferred item goes on as a new item of the next meeting; it is carried_over."""
    item.state = AgendaItemState.CARRIED_OVER
    return replace(
        item,
        id=new_id(),
        meeting_id=to.id,
        state=AgendaItemState.OPEN,
        carried_from_id=item.id,
        created_at=at,
        updated_at=at,
    )


def _fill(rng: random.Random, template: str, plan: PairPlan) -> str:
    """Name one of the pair's department projects where the text has a slot for it."""
    return template.format(project=rng.choice(plan.projects))


def _notes_and_commitments(rng: random.Random, plan: PairPlan, batch: Batch, now: datetime) -> None:
    """A shared note on about half of the held meetings; action items from most of them."""
    pair = plan.pair
    for meeting in batch.meetings:
        if meeting.completed_at is None:
            continue
        if rng.random() < 0.5:
            at = min(now, meeting.completed_at + timedelta(minutes=rng.randint(2, 180)))
            body = _fill(rng, rng.choice(NOTE_BODIES), plan)
            author = rng.choice((pair.lead_id, pair.member_id))
            batch.notes.append(
                Note(new_id(), pair.org_id, meeting.id, author, body, NoteVisibility.SHARED, at, at)
            )
        for _ in range(rng.choices((0, 1, 2), (35, 45, 20))[0]):
            batch.commitments.append(_commitment(rng, plan, meeting, meeting.completed_at, now))


def _commitment(
    rng: random.Random, plan: PairPlan, meeting: Meeting, held_at: datetime, now: datetime
) -> Commitment:
    """An action item due a week or two after the meeting, owned by either person."""
    pair = plan.pair
    created = min(now, held_at + timedelta(minutes=rng.randint(1, 30)))
    due = meeting.starts_at.date() + timedelta(days=rng.choice((7, 7, 10, 14, 14)))
    status, done_at, updated = _follow_through(rng, plan.profile, created, due, now)
    return Commitment(
        id=new_id(),
        org_id=pair.org_id,
        pair_id=pair.id,
        meeting_id=meeting.id,
        owner_id=pair.member_id if rng.random() < 0.6 else pair.lead_id,
        title=_fill(rng, rng.choice(COMMITMENT_TITLES), plan),
        due_on=due,
        status=status,
        completed_at=done_at,
        created_at=created,
        updated_at=updated,
    )


def _follow_through(
    rng: random.Random, profile: Profile, created: datetime, due: date, now: datetime
) -> tuple[CommitmentStatus, datetime | None, datetime]:
    """Done (mostly on time), dropped, or still open; only a past due date can be overdue."""
    deadline = datetime.combine(due, time(17), UTC)
    roll = rng.random()
    if due >= now.date():
        if roll < 0.25:
            at = _between(rng, created, now)
            return CommitmentStatus.DONE, at, at
        return CommitmentStatus.OPEN, None, created
    if roll < profile.done:
        at = _between(rng, created, min(deadline, now))
        if rng.random() < 0.25:
            at = min(now, deadline + timedelta(days=rng.randint(1, 6)))
        return CommitmentStatus.DONE, at, at
    if roll < profile.done + profile.dropped:
        at = _between(rng, created, min(now, deadline + timedelta(days=5)))
        return CommitmentStatus.DROPPED, None, at
    return CommitmentStatus.OPEN, None, created


async def _write(uow: UnitOfWork, batch: Batch) -> None:
    """Insert parents before children: meetings, their history, then their content."""
    for meeting in batch.meetings:
        await uow.meetings.add(meeting)
    for event in batch.events:
        await uow.meeting_events.add(event)
    for item in batch.items:  # an item precedes any copy carried from it
        await uow.agenda_items.add(item)
    for note in batch.notes:
        await uow.notes.add(note)
    for commitment in batch.commitments:
        await uow.commitments.add(commitment)
