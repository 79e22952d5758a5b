"""The meetings of the metrics benchmark's pairs and what hangs off them (agenda items,
ratings, commitments), generated pair by pair as rows to COPY."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from operator import itemgetter
from random import Random
from typing import Any
from uuid import UUID

from harness import CopyTable
from metrics_organization import DAY, HOUR, PairPlan, new_id

from app.domain.agenda import AgendaItemKind
from app.domain.commitments import CommitmentStatus
from app.domain.meeting_lifecycle import CancelReason, SystemCancelReason
from app.domain.meetings import MeetingStatus
from app.persistence.tables import MEETING_CONTENT_COUNTS

Row = tuple[object, ...]  # one row to COPY
MEETINGS = CopyTable.of("meetings")
AGENDA_ITEMS = CopyTable.of("agenda_items")
RATINGS = CopyTable.of("ratings")
COMMITMENTS = CopyTable.of("commitments")

OTHER_KINDS = tuple(
    kind.value for kind in AgendaItemKind if kind is not AgendaItemKind.STATUS_UPDATE
)
CANCEL_REASONS = tuple(reason.value for reason in CancelReason)
SCORES = (1, 2, 3, 3, 4, 4, 4, 4, 5, 5)
TITLES = ("Check-in", "Wins this week", "Blocked on review", "Quarter priorities", "Feedback")


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
class ContentCounts:
    """The counts a meeting carries of its agenda items and ratings (written by the database's
    triggers in the app; here, where COPY runs with triggers off, by the generator)."""

    agenda_item_count: int = 0
    member_item_count: int = 0
    status_item_count: int = 0
    rating_count: int = 0
    rating_total: int = 0

    def __add__(self, other: ContentCounts) -> ContentCounts:
        theirs = other.columns()
        return ContentCounts(**{name: mine + theirs[name] for name, mine in self.columns().items()})

    def columns(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in MEETING_CONTENT_COUNTS}


@dataclass(slots=True)
class Batch:
    """Rows of some pairs' histories, by table, waiting to be copied."""

    meetings: list[Row] = field(default_factory=list)
    items: list[Row] = field(default_factory=list)
    ratings: list[Row] = field(default_factory=list)
    commitments: list[Row] = field(default_factory=list)

    def tables(self) -> Iterator[tuple[CopyTable, list[Row]]]:
        yield MEETINGS, self.meetings
        yield AGENDA_ITEMS, self.items
        yield RATINGS, self.ratings
        yield COMMITMENTS, self.commitments


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
        meetings: list[dict[str, Any]] = []
        for index in range(self.pair.meetings):
            starts_at = self.pair.first_start + index * spacing
            if index < self.pair.meetings - 1 and self.rng.random() < 0.2:  # moved a little
                starts_at += self.rng.randint(-2, 2) * DAY
            meetings.append(self.meeting(starts_at))
        # What the triggers of revision 0017 keep: each held meeting's previous held start,
        # in (start, id) order, and the microseconds from it.
        held = [m for m in meetings if m["status"] == MeetingStatus.COMPLETED.value]
        previous_held_at = None
        for values in sorted(held, key=itemgetter("starts_at", "id")):
            if previous_held_at is not None:
                values["previous_held_at"] = previous_held_at
                gap = values["starts_at"] - previous_held_at
                values["held_gap_microseconds"] = gap // timedelta(microseconds=1)
            previous_held_at = values["starts_at"]
        self.batch.meetings.extend(MEETINGS.row(**values) for values in meetings)

    def meeting(self, starts_at: datetime) -> dict[str, Any]:
        """A meeting's column values; its agenda, ratings and commitments go into the batch."""
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
        counts = ContentCounts()
        if completed_at is not None:
            counts = self.agenda(meeting_id, created_at) + self.rate(meeting_id, completed_at)
            if rng.random() < habits.commitment:
                self.commit(meeting_id, starts_at, completed_at)
        return dict(
            id=meeting_id, org_id=self.org_id, pair_id=pair.id, starts_at=starts_at,
            duration_minutes=pair.duration_minutes, status=status.value,
            reschedule_count=reschedules, original_starts_at=original,
            canceled_at=canceled_at, canceled_by_id=canceled_by, cancel_reason=reason,
            completed_at=completed_at, actual_minutes=actual, created_at=created_at,
            updated_at=completed_at or canceled_at or created_at, version=1,
            **counts.columns(),
        )  # fmt: skip

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

    def agenda(self, meeting_id: UUID, created_at: datetime) -> ContentCounts:
        rng, pair, habits = self.rng, self.pair, self.habits
        counts = ContentCounts()
        for position in range(rng.randint(2, 4)):
            author = pair.member_id if rng.random() < habits.member_share else pair.lead_id
            kind = (
                AgendaItemKind.STATUS_UPDATE.value
                if rng.random() < habits.status_share
                else OTHER_KINDS[rng.randrange(len(OTHER_KINDS))]
            )
            self.batch.items.append(
                AGENDA_ITEMS.row(
                    id=new_id(rng), org_id=self.org_id, meeting_id=meeting_id, author_id=author,
                    title=TITLES[position], details=None, kind=kind, position=position,
                    state="discussed", carried_from_id=None, created_at=created_at,
                    updated_at=created_at, version=1,
                )
            )  # fmt: skip
            counts.agenda_item_count += 1
            counts.member_item_count += author == pair.member_id
            counts.status_item_count += kind == AgendaItemKind.STATUS_UPDATE.value
        return counts

    def rate(self, meeting_id: UUID, completed_at: datetime) -> ContentCounts:
        rng = self.rng
        counts = ContentCounts()
        raters = [self.pair.member_id] if rng.random() < self.habits.rating else []
        if rng.random() < self.habits.rating / 3:
            raters.append(self.pair.lead_id)
        for person in raters:
            score = SCORES[rng.randrange(len(SCORES))]
            self.batch.ratings.append(
                RATINGS.row(
                    id=new_id(rng), org_id=self.org_id, meeting_id=meeting_id, person_id=person,
                    score=score, comment=None, created_at=completed_at, updated_at=completed_at,
                )
            )  # fmt: skip
            counts.rating_count += 1
            counts.rating_total += score
        return counts

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
            COMMITMENTS.row(
                id=new_id(rng), org_id=self.org_id, pair_id=pair.id, meeting_id=meeting_id,
                owner_id=owner, title="Follow up", due_on=due, status=status.value,
                completed_at=done_at, created_at=completed_at,
                updated_at=done_at or completed_at, version=1,
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
