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
