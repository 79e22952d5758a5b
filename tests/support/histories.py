"""Random histories of pairs (hypothesis strategies) and a loader that writes them straight
into the database, for holding the SQL metrics path to the reference implementation."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from hypothesis import strategies as st
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from app.domain.agenda import AgendaItemKind
from app.domain.commitments import CommitmentStatus
from app.domain.meetings import MeetingStatus
from app.domain.metrics_reference import (
    CommitmentFacts,
    ItemFacts,
    MeetingFacts,
    PairRecords,
    RatingFacts,
)
from app.domain.pairs import Pair, PairKind, PairSource, PairStatus
from app.persistence.tables import (
    AgendaItemRow,
    CommitmentRow,
    MeetingRow,
    PairRow,
    PersonRow,
    RatingRow,
)

NOW = datetime(2026, 6, 17, 10, 30, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
MICROSECOND = timedelta(microseconds=1)


@dataclass
class History:
    """One pair's records, as the reference implementation and the database both see them."""

    pair: Pair
    meetings: list[MeetingFacts] = field(default_factory=list)
    items: list[ItemFacts] = field(default_factory=list)
    commitments: list[CommitmentFacts] = field(default_factory=list)
    ratings: list[RatingFacts] = field(default_factory=list)

    def records(self) -> PairRecords:
        return PairRecords(self.pair, self.meetings, self.items, self.commitments, self.ratings)


# Instants on whole minutes or days hit the formulas' boundaries (a gap of exactly
# cadence + grace days, a cancellation exactly late_cancel_hours before the start); the
# occasional odd microsecond checks that nothing is truncated.
offsets = st.builds(
    lambda days, within_day: timedelta(days=days) + within_day,
    st.integers(-300, 20),
    st.one_of(
        st.just(timedelta(0)),
        st.integers(0, 1439).map(lambda minutes: minutes * MINUTE),
        st.integers(0, 86_400 * 10**6 - 1).map(lambda micro: timedelta(microseconds=micro)),
    ),
)


@st.composite
def histories(
    draw: st.DrawFn, org_id: UUID, grace_days: int, lead_id: UUID | None = None
) -> History:
    lead = lead_id or uuid4()
    member = uuid4()
    started = NOW + draw(offsets) - timedelta(days=draw(st.integers(0, 120)))
    status = draw(st.sampled_from([*PairStatus, PairStatus.ACTIVE]))  # half of them active
    ended_at = (
        started + timedelta(days=draw(st.integers(0, 200))) if status is PairStatus.ENDED else None
    )
    pair = Pair(
        id=uuid4(),
        org_id=org_id,
        lead_id=lead,
        member_id=member,
        kind=draw(st.sampled_from(PairKind)),
        cadence_days=draw(st.integers(7, 31)),
        duration_minutes=30,
        status=status,
        source=PairSource.MANUAL,
        started_at=started,
        ended_at=ended_at,
        ended_reason="ended" if ended_at else None,
        created_at=started,
        updated_at=started,
    )
    history = History(pair)
    for _ in range(draw(st.integers(0, 12))):
        history.meetings.append(_meeting(draw, pair, grace_days, history.meetings))
    if draw(st.integers(0, 3)) > 0:  # three in four at a boundary of the cadence state
        history = _due_around_now(draw, history, timedelta(days=grace_days))
    for meeting in history.meetings:
        for _ in range(draw(st.integers(0, 3))):
            history.items.append(
                ItemFacts(
                    meeting.id,
                    draw(st.sampled_from([lead, member])),
                    draw(st.sampled_from(AgendaItemKind)),
                )
            )
        for _ in range(draw(st.integers(0, 2))):  # at most one rating per participant
            history.ratings.append(RatingFacts(meeting.id, draw(st.integers(1, 5))))
    for _ in range(draw(st.integers(0, 6))):
        history.commitments.append(_commitment(draw, lead, member))
    return history


def _due_around_now(draw: st.DrawFn, history: History, grace: timedelta) -> History:
    """The history moved so that the pair is due around NOW, and its next meeting (if any)
    booked around its due date: product.md's cadence state compares now and next_at with
    due_at + grace_days, so each state and each side of its boundaries is reached."""
    pair = history.pair
    due_at = NOW - draw(_after_due(grace, timedelta(0), grace))  # now is overdue after grace
    due_from = due_at - timedelta(days=pair.cadence_days)  # the last held meeting, or the start
    meetings = history.meetings
    held = [m.starts_at for m in meetings if m.status is MeetingStatus.COMPLETED]
    if held:
        meetings = [_moved(meeting, due_from - max(held)) for meeting in meetings]
    else:
        ended_at = None if pair.ended_at is None else due_from + (pair.ended_at - pair.started_at)
        pair = replace(
            pair, started_at=due_from, ended_at=ended_at, created_at=due_from, updated_at=due_from
        )
    booked = [
        m for m in meetings if not (m.status is MeetingStatus.SCHEDULED and m.starts_at > NOW)
    ]
    if draw(st.integers(0, 4)) > 0:  # booked (or, when that is past, unrecorded) or not
        next_at = due_at + draw(_after_due(grace, grace))  # at risk when booked after grace
        booked.append(_meeting_at(draw, pair, next_at, MeetingStatus.SCHEDULED))
    return History(pair, booked)


def _after_due(grace: timedelta, *edges: timedelta) -> st.SearchStrategy[timedelta]:
    """How long after a due date an instant is, each about as often: on one of `edges` or a
    microsecond before or after it, inside the grace window (just after the due date when
    there is no grace), or days away."""
    near = [edge + step for edge in edges for step in (timedelta(0), -MICROSECOND, MICROSECOND)]
    inside = st.integers(1, max(1, grace // MICROSECOND - 1)).map(lambda micro: micro * MICROSECOND)
    days_away = st.integers(-40, 40).map(lambda days: grace + timedelta(days=days))
    return st.one_of(*map(st.just, near), inside, days_away)


def _moved(meeting: MeetingFacts, by: timedelta) -> MeetingFacts:
    canceled_at = None if meeting.canceled_at is None else meeting.canceled_at + by
    return replace(meeting, starts_at=meeting.starts_at + by, canceled_at=canceled_at)


def _meeting(
    draw: st.DrawFn, pair: Pair, grace_days: int, earlier: list[MeetingFacts]
) -> MeetingFacts:
    if len(earlier) > 0 and draw(st.integers(0, 2)) > 0:  # two in three follow a cadence
        # A cadence away from the previous one, give or take: gaps of exactly cadence +
        # grace days are the boundary of cadence_adherence.
        within = pair.cadence_days + grace_days
        starts_at = earlier[-1].starts_at + timedelta(days=within + draw(st.integers(-1, 1)))
    else:
        starts_at = NOW + draw(offsets)
    status = draw(st.sampled_from([*MeetingStatus, MeetingStatus.COMPLETED]))
    return _meeting_at(draw, pair, starts_at, status)


def _meeting_at(
    draw: st.DrawFn, pair: Pair, starts_at: datetime, status: MeetingStatus
) -> MeetingFacts:
    duration = draw(st.sampled_from([15, 30, 45, 60, 120]))
    canceled_at = canceled_by = None
    actual = None
    if status is MeetingStatus.CANCELED:
        canceled_at = starts_at - draw(
            st.one_of(
                st.integers(0, 96).map(lambda hours: timedelta(hours=hours)),
                st.integers(0, 96 * 60).map(lambda minutes: minutes * MINUTE),
            )
        )
        canceled_by = draw(st.sampled_from([pair.lead_id, pair.member_id, None]))
    if status is MeetingStatus.COMPLETED:
        actual = draw(st.one_of(st.none(), st.integers(0, 150)))
    return MeetingFacts(
        id=uuid4(),
        starts_at=starts_at,
        duration_minutes=duration,
        status=status,
        reschedule_count=draw(st.integers(0, 2)),
        canceled_at=canceled_at,
        canceled_by_id=canceled_by,
        actual_minutes=actual,
    )


def _commitment(draw: st.DrawFn, lead: UUID, member: UUID) -> CommitmentFacts:
    due_on = draw(st.one_of(st.none(), st.integers(-200, 40).map(lambda d: NOW.date() + d * DAY)))
    status = draw(st.sampled_from(CommitmentStatus))
    completed_at = None
    if status is CommitmentStatus.DONE:
        completed_at = draw(st.one_of(st.none(), offsets.map(lambda offset: NOW + offset)))
    return CommitmentFacts(draw(st.sampled_from([lead, member])), due_on, status, completed_at)


DAY = timedelta(days=1)


def _person(org_id: UUID, person_id: UUID) -> dict[str, Any]:
    email = f"{person_id.hex}@example.com"
    return {
        "id": person_id,
        "org_id": org_id,
        "email": email,
        "email_key": email,
        "name": "Someone",
        "timezone": "UTC",
        "manager_id": None,
        "external_id": None,
        "role": "member",
        "active": True,
        "created_at": NOW,
        "updated_at": NOW,
        "username": email,
        "username_key": email,
    }


async def load(engine: AsyncEngine, histories: list[History], new_people: set[UUID]) -> None:
    """Write the histories' rows (and the people in `new_people`) in one transaction."""
    org_id = histories[0].pair.org_id
    rows: dict[Any, list[dict[str, Any]]] = {
        PersonRow: [_person(org_id, person) for person in sorted(new_people)],
        PairRow: [],
        MeetingRow: [],
        AgendaItemRow: [],
        RatingRow: [],
        CommitmentRow: [],
    }
    for history in histories:
        pair = history.pair
        rows[PairRow].append(
            {
                "id": pair.id,
                "org_id": org_id,
                "lead_id": pair.lead_id,
                "member_id": pair.member_id,
                "kind": pair.kind.value,
                "cadence_days": pair.cadence_days,
                "duration_minutes": pair.duration_minutes,
                "status": pair.status.value,
                "source": pair.source.value,
                "started_at": pair.started_at,
                "ended_at": pair.ended_at,
                "ended_reason": pair.ended_reason,
                "created_at": pair.created_at,
                "updated_at": pair.updated_at,
            }
        )
        rows[MeetingRow] += [_meeting_row(org_id, pair.id, m) for m in history.meetings]
        raters: dict[UUID, list[UUID]] = {}
        for position, item in enumerate(history.items):
            rows[AgendaItemRow].append(
                {
                    "id": uuid4(),
                    "org_id": org_id,
                    "meeting_id": item.meeting_id,
                    "author_id": item.author_id,
                    "title": "Topic",
                    "details": None,
                    "kind": item.kind.value,
                    "position": position,
                    "state": "open",
                    "carried_from_id": None,
                    "created_at": NOW,
                    "updated_at": NOW,
                }
            )
        for rating in history.ratings:
            taken = raters.setdefault(rating.meeting_id, [])
            person = pair.lead_id if not taken else pair.member_id
            taken.append(person)
            rows[RatingRow].append(
                {
                    "id": uuid4(),
                    "org_id": org_id,
                    "meeting_id": rating.meeting_id,
                    "person_id": person,
                    "score": rating.score,
                    "comment": None,
                    "created_at": NOW,
                    "updated_at": NOW,
                }
            )
        rows[CommitmentRow] += [
            {
                "id": uuid4(),
                "org_id": org_id,
                "pair_id": pair.id,
                "meeting_id": None,
                "owner_id": c.owner_id,
                "title": "Follow up",
                "due_on": c.due_on,
                "status": c.status.value,
                "completed_at": c.completed_at,
                "created_at": NOW,
                "updated_at": NOW,
            }
            for c in history.commitments
        ]
    async with engine.begin() as connection:
        for row_type, values in rows.items():
            if values:
                await connection.execute(insert(row_type.__table__), values)


def _meeting_row(org_id: UUID, pair_id: UUID, m: MeetingFacts) -> dict[str, Any]:
    return {
        "id": m.id,
        "org_id": org_id,
        "pair_id": pair_id,
        "starts_at": m.starts_at,
        "duration_minutes": m.duration_minutes,
        "status": m.status.value,
        "reschedule_count": m.reschedule_count,
        "original_starts_at": m.starts_at,
        "canceled_at": m.canceled_at,
        "canceled_by_id": m.canceled_by_id,
        "cancel_reason": "other" if m.status is MeetingStatus.CANCELED else None,
        "completed_at": m.starts_at if m.status is MeetingStatus.COMPLETED else None,
        "actual_minutes": m.actual_minutes,
        "created_at": NOW,
        "updated_at": NOW,
    }
