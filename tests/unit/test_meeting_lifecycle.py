"""Rules 2–6 and the cadence state as pure functions, without a database."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from itertools import pairwise
from uuid import UUID, uuid4

import pytest

from app.domain.cadence import CadenceState, cadence_of
from app.domain.commitments import Commitment, CommitmentStatus, follow_up_for
from app.domain.errors import InvalidInput, StateConflict
from app.domain.meeting_lifecycle import (
    CancelReason,
    NoNextMeeting,
    cancel,
    complete,
    first_free_slot,
    is_late_cancellation,
    next_candidates,
    reschedule,
)
from app.domain.meetings import MeetingStatus
from app.domain.pairs import PairStatus
from app.domain.policy import Policy
from tests.unit.factories import NOW, ORG, meeting, pair

POLICY = Policy(org_id=ORG)
DAY, MINUTE = timedelta(days=1), timedelta(minutes=1)


def test_rule_2_reschedule_counts_and_keeps_the_first_start() -> None:
    the_pair = pair()
    m = meeting(NOW + 2 * DAY, pair_id=the_pair.id)
    first = m.starts_at
    reschedule(m, the_pair, NOW + 3 * DAY, 45, POLICY, NOW, [])
    change = reschedule(m, the_pair, NOW + 4 * DAY, 45, POLICY, NOW, [])
    assert (m.reschedule_count, m.original_starts_at, m.starts_at) == (2, first, NOW + 4 * DAY)
    assert change["to_duration_minutes"] == 45
    m.status = MeetingStatus.CANCELED
    with pytest.raises(StateConflict):
        reschedule(m, the_pair, NOW + 5 * DAY, 30, POLICY, NOW, [])


def test_rule_3_cancel_by_a_participant_and_the_late_boundary() -> None:
    the_pair = pair()
    m = meeting(NOW + DAY, pair_id=the_pair.id)
    with pytest.raises(InvalidInput):
        cancel(m, the_pair, uuid4(), CancelReason.ILLNESS, NOW)
    cancel(m, the_pair, the_pair.member_id, CancelReason.ILLNESS, NOW)
    assert (m.status, m.canceled_by_id, m.cancel_reason) == (
        MeetingStatus.CANCELED,
        the_pair.member_id,
        "illness",
    )
    assert not is_late_cancellation(m, POLICY)  # exactly 24 hours before is not late
    m.canceled_at = NOW + MINUTE
    assert is_late_cancellation(m, POLICY)


def test_rule_4_complete_from_fifteen_minutes_before() -> None:
    m = meeting(NOW + 16 * MINUTE)
    with pytest.raises(StateConflict) as refused:
        complete(m, NOW, None)
    assert refused.value.code == "meeting_not_started"
    m.starts_at = NOW + 15 * MINUTE
    complete(m, NOW, 25)
    assert (m.status, m.completed_at, m.actual_minutes) == (MeetingStatus.COMPLETED, NOW, 25)


def test_rule_4_candidates_start_at_the_first_future_cadence_step() -> None:
    the_pair = pair(cadence_days=7)
    held = meeting(NOW - 15 * DAY)
    candidates = next_candidates(held, the_pair, NOW)
    assert candidates[0] == held.starts_at + 21 * DAY and len(candidates) == 10
    assert all(b - a == 7 * DAY for a, b in pairwise(candidates))


def test_rule_4_first_free_slot_skips_conflicts_and_reports_why_not() -> None:
    the_pair = pair(cadence_days=7)
    candidates = [NOW + 7 * DAY * k for k in range(1, 11)]
    busy = [meeting(candidates[0]), meeting(candidates[1] + 10 * MINUTE)]
    assert first_free_slot(candidates, the_pair, POLICY, NOW, busy).starts_at == candidates[2]
    every = [meeting(c) for c in candidates]
    slot = first_free_slot(candidates, the_pair, POLICY, NOW, every)
    assert slot.starts_at is None and slot.reason is NoNextMeeting.NO_FREE_SLOT
    paused = replace(the_pair, status=PairStatus.PAUSED)
    assert first_free_slot(candidates, paused, POLICY, NOW, []).reason is (
        NoNextMeeting.PAIR_NOT_ACTIVE
    )


@pytest.mark.parametrize(
    ("last_held", "next_at", "state"),
    [
        (NOW - 20 * DAY, None, CadenceState.OVERDUE),  # due 6 days ago, grace 2
        (NOW - 15 * DAY, None, CadenceState.UNBOOKED),  # due yesterday, within grace
        (NOW - 10 * DAY, NOW + 10 * DAY, CadenceState.AT_RISK),  # next after due + grace
        (NOW - 10 * DAY, NOW + 6 * DAY, CadenceState.ON_TRACK),  # exactly at due + grace
    ],
)
def test_cadence_state_first_that_applies(
    last_held: datetime, next_at: datetime | None, state: CadenceState
) -> None:
    result = cadence_of(pair(cadence_days=14), last_held, next_at, NOW, grace_days=2)
    assert result.state is state and result.due_at == last_held + 14 * DAY


def test_cadence_state_of_paused_and_ended_pairs() -> None:
    for status, state in (
        (PairStatus.PAUSED, CadenceState.PAUSED),
        (PairStatus.ENDED, CadenceState.ENDED),
    ):
        assert cadence_of(pair(status=status), None, None, NOW, 2).state is state


def test_rule_6_follow_up_shows_open_commitments_made_before_the_meeting() -> None:
    starts = NOW + DAY
    this_meeting = uuid4()

    def made(
        at_offset: timedelta, status: CommitmentStatus, meeting_id: UUID | None = None
    ) -> Commitment:
        at = starts + at_offset
        return Commitment(
            uuid4(), ORG, uuid4(), meeting_id, uuid4(), "t", None, status, None, at, at
        )

    before = made(-DAY, CommitmentStatus.OPEN)
    done = made(-DAY, CommitmentStatus.DONE)
    after = made(MINUTE, CommitmentStatus.OPEN)
    from_this = made(-MINUTE, CommitmentStatus.OPEN, this_meeting)
    shown = follow_up_for(this_meeting, starts, [before, done, after, from_this])
    assert shown == [before]
