"""The database's triggers keep each pair's metric state (revision 0015: its last held
meeting, its open commitments with a due date) and each held meeting's previous held start
and gap (revision 0017) equal to a recount of its meetings and commitments through any
sequence of writes — meetings added, completed, canceled, moved in time or to another pair,
deleted, one at a time or several of a pair in one statement; commitments added, done,
dropped, reopened, given or stripped of a due date, moved, deleted; pairs added — on both
engines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert, update

from app.domain.commitments import CommitmentStatus
from app.domain.meetings import MeetingStatus
from tests.conftest import Live
from tests.support.histories import NOW
from tests.support.pair_state import (
    COMMITMENTS,
    MEETINGS,
    PAIRS,
    chains_stored_and_recounted,
    stored_and_recounted,
)

DAY = timedelta(days=1)
MEETING_STATUSES = [status.value for status in MeetingStatus]
COMMITMENT_STATUSES = [status.value for status in CommitmentStatus]


@dataclass(frozen=True, slots=True)
class World:
    org_id: UUID
    people: list[UUID]  # a lead and a member
    pairs: list[UUID]  # two pairs of the same two people


@pytest.fixture(scope="module")
def world(live: Live) -> World:
    tenant = live.tenant()
    live.clock.pinned = NOW
    first = tenant.pair()
    people = [first["lead_id"], first["member_id"]]
    second = tenant.pair(lead_id=people[0], member_id=people[1], kind="peer")
    return World(tenant.org_id, [UUID(p) for p in people], [UUID(first["id"]), UUID(second["id"])])


days = st.integers(-40, 40)
due_dates = st.one_of(st.none(), days)
# An operation on the n-th live meeting or commitment (modulo how many there are).
operations = st.lists(
    st.one_of(
        st.tuples(
            st.just("add_meeting"), st.integers(0, 9), days, st.sampled_from(MEETING_STATUSES)
        ),
        st.tuples(st.just("meeting_status"), st.integers(0, 50), st.sampled_from(MEETING_STATUSES)),
        st.tuples(st.just("meeting_moved"), st.integers(0, 50), days),
        st.tuples(st.just("meeting_pair"), st.integers(0, 50), st.integers(0, 9)),
        st.tuples(st.just("delete_meeting"), st.integers(0, 50)),
        # several meetings of one pair at once: those starting before a day
        st.tuples(
            st.just("pair_meetings_status"),
            st.integers(0, 9),
            days,
            st.sampled_from(MEETING_STATUSES),
        ),
        st.tuples(st.just("delete_pair_meetings"), st.integers(0, 9), days),
        st.tuples(
            st.just("add_commitment"),
            st.integers(0, 9),
            due_dates,
            st.sampled_from(COMMITMENT_STATUSES),
        ),
        st.tuples(
            st.just("commitment_status"), st.integers(0, 50), st.sampled_from(COMMITMENT_STATUSES)
        ),
        st.tuples(st.just("commitment_due"), st.integers(0, 50), due_dates),
        st.tuples(st.just("commitment_pair"), st.integers(0, 50), st.integers(0, 9)),
        st.tuples(st.just("delete_commitment"), st.integers(0, 50)),
        st.tuples(st.just("add_pair")),
    ),
    min_size=1,
    max_size=30,
)


CHANGED = {  # the column an update operation changes
    "meeting_status": "status",
    "meeting_moved": "starts_at",
    "meeting_pair": "pair_id",
    "commitment_status": "status",
    "commitment_due": "due_on",
    "commitment_pair": "pair_id",
}
# Rows of every kind on both pairs, for the operations to work on.
SEEDED = [
    *(("add_meeting", pair, day, status) for pair in (0, 1) for day, status in
      ((-9, "completed"), (-2, "completed"), (-5, "canceled"), (3, "scheduled"))),
    *(("add_commitment", pair, due, status) for pair in (0, 1) for due, status in
      ((-3, "open"), (None, "open"), (4, "open"), (-1, "done"))),
]  # fmt: skip


class Writes:
    """The statements of the operations, with the ids they created."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.pairs = list(world.pairs)
        self.meetings: list[UUID] = []
        self.commitments: list[UUID] = []

    def pair(self, index: int) -> UUID:
        return self.pairs[index % len(self.pairs)]

    def statement(self, operation: tuple[Any, ...]) -> Any:
        """The statement of one operation (None: nothing to do)."""
        name, *args = operation
        if name == "add_pair":
            return self._add_pair()
        if name == "add_meeting":
            return self._add_meeting(*args)
        if name == "add_commitment":
            return self._add_commitment(*args)
        if name in ("pair_meetings_status", "delete_pair_meetings"):
            return self._pair_meetings(name, *args)
        table, live = (
            (MEETINGS, self.meetings) if "meeting" in name else (COMMITMENTS, self.commitments)
        )
        if not live:
            return None
        chosen = live[args[0] % len(live)]
        if name.startswith("delete"):
            live.remove(chosen)
            return delete(table).where(table.c.id == chosen)
        column = CHANGED[name]
        return (
            update(table).where(table.c.id == chosen).values({column: self._value(column, args[1])})
        )

    def _value(self, column: str, value: Any) -> Any:
        if column == "starts_at":
            return NOW + value * DAY
        if column == "due_on":
            return None if value is None else (NOW + value * DAY).date()
        if column == "pair_id":
            return self.pair(value)
        return value

    def _pair_meetings(self, name: str, pair: int, day: int, status: str = "") -> Any:
        """One statement over the pair's meetings that start before the day (the ids it
        deletes stay in `meetings`: an operation on one of them changes nothing)."""
        of_pair = (MEETINGS.c.pair_id == self.pair(pair), MEETINGS.c.starts_at < NOW + day * DAY)
        if name == "delete_pair_meetings":
            return delete(MEETINGS).where(*of_pair)
        return update(MEETINGS).where(*of_pair).values(status=status)

    def _add_pair(self) -> Any:
        self.pairs.append(uuid4())
        lead, member = self.world.people
        return insert(PAIRS).values(
            id=self.pairs[-1], org_id=self.world.org_id, lead_id=lead, member_id=member,
            kind="skip_level", cadence_days=14, duration_minutes=30, status="ended",
            source="manual", started_at=NOW, ended_at=NOW, ended_reason="test",
            created_at=NOW, updated_at=NOW, version=1,
        )  # fmt: skip

    def _add_meeting(self, pair: int, day: int, status: str) -> Any:
        self.meetings.append(uuid4())
        starts_at = NOW + day * DAY
        return insert(MEETINGS).values(
            id=self.meetings[-1], org_id=self.world.org_id, pair_id=self.pair(pair),
            starts_at=starts_at, duration_minutes=30, status=status, reschedule_count=0,
            original_starts_at=starts_at, canceled_at=None, canceled_by_id=None,
            cancel_reason=None, completed_at=None, actual_minutes=None, created_at=NOW,
            updated_at=NOW, version=1,
        )  # fmt: skip

    def _add_commitment(self, pair: int, due: int | None, status: str) -> Any:
        self.commitments.append(uuid4())
        return insert(COMMITMENTS).values(
            id=self.commitments[-1], org_id=self.world.org_id, pair_id=self.pair(pair),
            meeting_id=None, owner_id=self.world.people[0], title="Follow up",
            due_on=None if due is None else (NOW + due * DAY).date(), status=status,
            completed_at=None, created_at=NOW, updated_at=NOW, version=1,
        )  # fmt: skip


@given(steps=operations)
@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_state_equals_a_recount_after_any_writes(
    live: Live, world: World, steps: list[Any]
) -> None:
    async def run() -> None:
        async with live.engine.connect() as connection:
            transaction = await connection.begin()
            writes = Writes(world)
            for step in SEEDED:
                await connection.execute(writes.statement(step))
            for step in steps:
                statement = writes.statement(step)
                if statement is not None:
                    await connection.execute(statement)
            stored, recounted = await stored_and_recounted(connection, world.org_id)
            chains, chains_recounted = await chains_stored_and_recounted(connection, world.org_id)
            await transaction.rollback()
        assert stored == recounted
        assert chains == chains_recounted

    live.portal.call(run)
