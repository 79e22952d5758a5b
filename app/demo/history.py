"""How one pair's six months of 1:1s are generated for the demo organization."""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from typing import Any, TypeVar
from uuid import UUID

from app.demo.calendar import Calendar
from app.demo.content import (
    AGENDA_TITLES,
    CANCEL_REASONS,
    CANCEL_WEIGHTS,
    COMMITMENT_TITLES,
    HEALTHY_SCORES,
    ITEM_DETAILS,
    KIND_WEIGHTS,
    NOTE_BODIES,
    RATING_COMMENTS,
    STRAINED_SCORES,
    Profile,
)
from app.domain.agenda import AgendaItem, AgendaItemKind, AgendaItemState
from app.domain.commitments import Commitment, CommitmentStatus
from app.domain.meetings import Meeting, MeetingEvent, MeetingEventKind, MeetingStatus
from app.domain.notes import Note, NoteVisibility
from app.domain.pairs import Pair
from app.domain.ratings import Rating
from app.services.context import new_id

E = TypeVar("E")

SEED = 20240917
EMAIL_DOMAIN = "demo.rapport.example"
SETTLE = timedelta(hours=2)  # a past meeting ended at least this long before the import
LATE_CANCEL = timedelta(hours=24)  # the default policy's late_cancel_hours, which the demo keeps


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
    ratings: list[Rating] = field(default_factory=list)


class Quota:
    """Hits at a steady share from a random phase, so any stretch of slots shows the rate."""

    def __init__(self, rng: random.Random, share: float) -> None:
        self.share, self.level = share, rng.random()

    def hit(self) -> bool:
        self.level += self.share
        if self.level < 1:
            return False
        self.level -= 1
        return True


class PairHistory:
    """One pair's meetings and their content, drawn from the shared seed and calendar."""

    def __init__(self, rng: random.Random, now: datetime, calendar: Calendar, plan: PairPlan):
        self.rng, self.now, self.calendar, self.plan = rng, now, calendar, plan
        self.pair, self.profile = plan.pair, plan.profile
        self.people = (plan.pair.lead_id, plan.pair.member_id)
        self.batch = Batch()
        self.completions: dict[UUID, dict[str, Any]] = {}  # history data of each completion
        p = plan.profile  # each rate is a Quota, so every window of the history shows it
        self.skips, self.cancels = Quota(rng, p.skip), Quota(rng, p.cancel)
        self.unrecorded, self.lates = Quota(rng, p.unrecorded), Quota(rng, p.late)
        self.shortened, self.kept = Quota(rng, p.shorten), Quota(rng, p.done)
        self.promises, self.by_member = Quota(rng, p.promises), Quota(rng, p.member_share)
        self.scores = HEALTHY_SCORES if p.name == "healthy" else STRAINED_SCORES

    def build(self) -> Batch:
        """Meetings first (sorted by start), then what was said and promised in them."""
        self.meetings()
        self.batch.meetings.sort(key=lambda meeting: meeting.starts_at)
        self.agenda()
        for meeting in self.batch.meetings:
            if meeting.completed_at is not None:
                self.follow_up(meeting, meeting.completed_at)
        return self.batch

    def between(self, start: datetime, end: datetime) -> datetime:
        """A whole-minute offset into [start, end]; `start` itself when the range is empty."""
        if end <= start:
            return start
        return start + timedelta(
            minutes=self.rng.randint(0, int((end - start).total_seconds() // 60))
        )

    def slots(self) -> tuple[list[datetime], datetime]:
        """The pair's usual slot every cadence_days: those already over, and the next one."""
        day = self.pair.started_at.date() + timedelta(days=4)
        day += timedelta(days=(self.plan.weekday - day.weekday()) % 7)
        start = datetime.combine(day, time(), UTC) + timedelta(minutes=self.plan.minute)
        step = timedelta(days=self.pair.cadence_days)
        length = timedelta(minutes=self.pair.duration_minutes)
        past: list[datetime] = []
        while start + length + SETTLE <= self.now:
            past.append(start)
            start += step
        while start <= self.now + SETTLE:
            start += step
        return past, start

    def outcome(self) -> MeetingStatus | None:
        """What became of a past slot: skipped (None), canceled, never recorded, or held."""
        skip, cancel, unrecorded = self.skips.hit(), self.cancels.hit(), self.unrecorded.hit()
        if cancel:
            return MeetingStatus.CANCELED
        if skip:
            return None
        return MeetingStatus.SCHEDULED if unrecorded else MeetingStatus.COMPLETED

    def meetings(self) -> None:
        """Past meetings as the profile has them, then the next one (or, on purpose, none)."""
        p = self.profile
        past, ahead = self.slots()
        stop = self.now - timedelta(days=p.stopped_days_ago or 0)
        hold_last = p.next_meeting != "none"  # only the neglected pairs end up overdue
        called_off = False
        for index, start in enumerate(past):
            status = self.outcome()
            if hold_last and index == len(past) - 1:
                status = MeetingStatus.COMPLETED
            if p.stopped_days_ago is not None and start >= stop:
                status, called_off = (None if called_off else MeetingStatus.CANCELED), True
            if status is not None:
                self.meeting(start, status)
        if p.next_meeting == "late":
            ahead += timedelta(days=self.pair.cadence_days)
        if p.next_meeting != "none":
            canceled = p.next_meeting == "canceled"
            status = MeetingStatus.CANCELED if canceled else MeetingStatus.SCHEDULED
            self.meeting(ahead, status, future=True)

    def moved(self, start: datetime, *, forward: bool) -> datetime:
        """A reschedule: a day or a few later (or one earlier), sometimes at another hour."""
        days = self.rng.choice((1, 1, 2, -1, -2))
        moved = start + timedelta(days=abs(days) if forward else days)
        if self.rng.random() < 0.4:
            moved = moved.replace(hour=self.rng.randint(9, 15), minute=self.rng.choice((0, 30)))
        return moved

    def meeting(self, planned: datetime, status: MeetingStatus, *, future: bool = False) -> None:
        """One meeting and its history: booked, maybe moved, then held, canceled or left open."""
        rng, minutes = self.rng, self.pair.duration_minutes
        stops = [planned]
        if rng.random() < self.profile.reschedule / (2 if future else 1):
            for _ in range(rng.choice((1, 1, 1, 2))):
                stops.append(self.moved(stops[-1], forward=future))
        stops[-1] = self.calendar.first_free(self.people, stops[-1], minutes)
        while len(stops) > 1 and stops[-1] == stops[-2]:
            stops.pop()  # the move came back to where it was: no move at all
        if not future and stops[-1] + timedelta(minutes=minutes) + SETTLE > self.now:
            return  # moved into the present: leave it out of the history
        self.calendar.book(self.people, stops[-1], minutes)
        ahead = timedelta(
            days=rng.randint(3, max(3, self.pair.cadence_days)), hours=rng.randint(0, 9)
        )
        booked = max(self.pair.started_at, min(min(stops) - ahead, self.now - timedelta(hours=1)))
        meeting = Meeting(
            id=new_id(),
            org_id=self.pair.org_id,
            pair_id=self.pair.id,
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
        self.batch.meetings.append(meeting)
        self.log(meeting, MeetingEventKind.SCHEDULED, booked, {"starts_at": stops[0].isoformat()})
        for before, after in pairwise(stops):
            at = self.between(meeting.updated_at, min(before, after, self.now) - timedelta(days=1))
            move: dict[str, Any] = {"from": before.isoformat(), "to": after.isoformat()}
            move |= {"from_duration_minutes": minutes, "to_duration_minutes": minutes}
            self.log(meeting, MeetingEventKind.RESCHEDULED, at, move)
            meeting.updated_at = at
        if status is MeetingStatus.CANCELED:
            self.cancel(meeting)
        elif status is MeetingStatus.COMPLETED:
            self.complete(meeting)

    def log(
        self, meeting: Meeting, kind: MeetingEventKind, at: datetime, data: dict[str, Any]
    ) -> None:
        """Append a line to the meeting's history, in the shape the lifecycle services write."""
        event = MeetingEvent(new_id(), meeting.org_id, meeting.id, kind, at, None, None, data)
        self.batch.events.append(event)

    def cancel(self, meeting: Meeting) -> None:
        """Called off by one of the two, days ahead or, for late ones, within 24 hours."""
        rng = self.rng
        if self.lates.hit():
            ahead = timedelta(minutes=rng.randint(30, 20 * 60))  # well inside LATE_CANCEL
        else:
            ahead = timedelta(minutes=rng.randint(26 * 60, 6 * 24 * 60))
        latest = self.now - timedelta(minutes=rng.randint(30, 48 * 60))
        at = max(meeting.updated_at + timedelta(minutes=5), min(meeting.starts_at - ahead, latest))
        by = self.people[0] if rng.random() < self.profile.lead_cancels else self.people[1]
        reason = rng.choices(CANCEL_REASONS, CANCEL_WEIGHTS)[0]
        meeting.status = MeetingStatus.CANCELED
        meeting.canceled_at = meeting.updated_at = at
        meeting.canceled_by_id, meeting.cancel_reason = by, reason
        late = at > meeting.starts_at - LATE_CANCEL
        data = {"reason": reason, "canceled_by_id": str(by), "late": late}
        self.log(meeting, MeetingEventKind.CANCELED, at, data)

    def complete(self, meeting: Meeting) -> None:
        """Held and marked so soon after; usually full length, now and then cut short."""
        rng, minutes, roll = self.rng, meeting.duration_minutes, self.rng.random()
        actual: int | None = minutes
        if self.shortened.hit():
            actual = round(minutes * rng.uniform(0.5, 0.7))
        elif roll < 0.05:
            actual = None  # nobody recorded how long it took
        elif roll < 0.15:
            actual = min(120, minutes + rng.choice((5, 10, 15)))
        lag = timedelta(hours=rng.randint(1, 20) if rng.random() < 0.15 else 0)
        lag += timedelta(minutes=rng.randint(0, 15))
        at = min(self.now, meeting.starts_at + timedelta(minutes=actual or minutes) + lag)
        meeting.status = MeetingStatus.COMPLETED
        meeting.completed_at = meeting.updated_at = at
        meeting.actual_minutes = actual
        self.completions[meeting.id] = {"actual_minutes": actual, "discussed_item_ids": []}
        self.log(meeting, MeetingEventKind.COMPLETED, at, self.completions[meeting.id])

    def agenda(self) -> None:
        """Items on held and upcoming meetings; deferred ones carry to the next one (rule 4)."""
        live = [m for m in self.batch.meetings if m.status is not MeetingStatus.CANCELED]
        carried: list[AgendaItem] = []
        for index, meeting in enumerate(live):
            items = carried + (self.fresh_items(meeting) if self.rng.random() < 0.85 else [])
            for position, item in enumerate(items):
                item.position = position
                self.settle(item, meeting)
            self.batch.items += items
            if meeting.id in self.completions:  # the completion named what was discussed
                discussed = [i for i in items if i.state is AgendaItemState.DISCUSSED]
                self.completions[meeting.id]["discussed_item_ids"] = [str(i.id) for i in discussed]
            carried = []
            deferred_items = [item for item in items if item.state is AgendaItemState.DEFERRED]
            if deferred_items and index + 1 < len(live) and meeting.completed_at is not None:
                following = live[index + 1]
                at = max(meeting.completed_at, following.created_at)
                carried = [_carry(item, following, at) for item in deferred_items]
                data = {"items": len(carried), "from_meeting_ids": [str(meeting.id)]}
                self.log(following, MeetingEventKind.ITEMS_CARRIED_OVER, at, data)

    def settle(self, item: AgendaItem, meeting: Meeting) -> None:
        """Held meetings discussed most items and deferred a few; a past meeting nobody
        recorded has a mix (items change while it is still scheduled); upcoming ones are open."""
        if meeting.starts_at > self.now:
            return
        odds = (85, 15) if item.carried_from_id is None else (95, 5)
        if meeting.completed_at is None:
            odds = (55, 20)  # the rest stay open
        states = (AgendaItemState.DISCUSSED, AgendaItemState.DEFERRED, AgendaItemState.OPEN)
        item.state = self.rng.choices(states, (*odds, 100 - sum(odds)))[0]
        if item.state is not AgendaItemState.OPEN:
            item.updated_at = meeting.completed_at or meeting.ends_at

    def fresh_items(self, meeting: Meeting) -> list[AgendaItem]:
        """Two to five talking points (one to three ahead), added in the days before."""
        rng, p = self.rng, self.profile
        count = (
            rng.randint(2, 5) if meeting.status is MeetingStatus.COMPLETED else rng.randint(1, 3)
        )
        latest = min(meeting.starts_at - timedelta(minutes=10), self.now)
        items: list[AgendaItem] = []
        for _ in range(count):
            kind = AgendaItemKind.STATUS_UPDATE
            if rng.random() >= p.status_share:
                kind = rng.choices(list(KIND_WEIGHTS), list(KIND_WEIGHTS.values()))[0]
            at = self.between(meeting.created_at, latest)
            items.append(
                AgendaItem(
                    id=new_id(),
                    org_id=self.pair.org_id,
                    meeting_id=meeting.id,
                    author_id=self.people[1] if self.by_member.hit() else self.people[0],
                    title=self.fill(AGENDA_TITLES[kind]),
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

    def fill(self, texts: tuple[str, ...]) -> str:
        """One of the texts, naming one of the pair's department projects where it has a slot."""
        return self.rng.choice(texts).format(project=self.rng.choice(self.plan.projects))

    def follow_up(self, meeting: Meeting, held_at: datetime) -> None:
        """After a held meeting: a shared note about half the time, a rating now and then,
        and action items from most of them."""
        rng, org_id = self.rng, self.pair.org_id
        if rng.random() < 0.5:
            at = min(self.now, held_at + timedelta(minutes=rng.randint(2, 180)))
            body, author = self.fill(NOTE_BODIES), rng.choice(self.people)
            note = Note(new_id(), org_id, meeting.id, author, body, NoteVisibility.SHARED, at, at)
            self.batch.notes.append(note)
        for person in self.people:
            if rng.random() < 0.3:
                at = min(self.now, held_at + timedelta(minutes=rng.randint(5, 600)))
                score = rng.choices((1, 2, 3, 4, 5), self.scores)[0]
                comment = rng.choice(RATING_COMMENTS[score]) if rng.random() < 0.4 else None
                rating = Rating(new_id(), org_id, meeting.id, person, score, comment, at, at)
                self.batch.ratings.append(rating)
        for _ in range(self.promises.hit() + self.promises.hit()):
            created = min(self.now, held_at + timedelta(minutes=rng.randint(1, 30)))
            due = meeting.starts_at.date() + timedelta(days=rng.choice((7, 7, 10, 14, 14)))
            status, done_at, updated = self.follow_through(created, due)
            commitment = Commitment(
                id=new_id(),
                org_id=org_id,
                pair_id=self.pair.id,
                meeting_id=meeting.id,
                owner_id=self.people[1] if rng.random() < 0.6 else self.people[0],
                title=self.fill(COMMITMENT_TITLES),
                due_on=due,
                status=status,
                completed_at=done_at,
                created_at=created,
                updated_at=updated,
            )
            self.batch.commitments.append(commitment)

    def follow_through(
        self, created: datetime, due: date
    ) -> tuple[CommitmentStatus, datetime | None, datetime]:
        """Done (mostly on time), dropped, or still open; only a past due date is overdue."""
        deadline, roll = datetime.combine(due, time(17), UTC), self.rng.random()
        if due >= self.now.date():
            if roll < 0.25:
                at = self.between(created, self.now)
                return CommitmentStatus.DONE, at, at
            return CommitmentStatus.OPEN, None, created
        if self.kept.hit():
            at = self.between(created, min(deadline, self.now))
            if roll < 0.25:
                at = min(self.now, deadline + timedelta(days=self.rng.randint(1, 6)))
            return CommitmentStatus.DONE, at, at
        if roll < 0.4:  # of those not done, some were dropped and the rest are overdue
            at = self.between(created, min(self.now, deadline + timedelta(days=5)))
            return CommitmentStatus.DROPPED, None, at
        return CommitmentStatus.OPEN, None, created


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
