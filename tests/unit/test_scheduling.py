"""Rule 1 (scheduling) and rule 5 (only scheduled meetings change), without a database."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.errors import InvalidInput, StateConflict
from app.domain.meetings import MeetingStatus, check_schedulable, overlaps
from app.domain.pairs import PairStatus
from app.domain.policy import Policy
from tests.unit.factories import NOW, ORG, meeting, pair

POLICY = Policy(org_id=ORG)
LATER = NOW + timedelta(days=2)


def test_a_free_future_slot_is_schedulable() -> None:
    check_schedulable(pair(), LATER, 30, POLICY, NOW, [])


@pytest.mark.parametrize("status", [PairStatus.PAUSED, PairStatus.ENDED])
def test_only_active_pairs_schedule(status: PairStatus) -> None:
    with pytest.raises(StateConflict) as refused:
        check_schedulable(pair(status=status), LATER, 30, POLICY, NOW, [])
    assert refused.value.code == "pair_not_active"


def test_naive_start_is_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        check_schedulable(pair(), datetime(2030, 1, 1, 9), 30, POLICY, NOW, [])
    assert refused.value.code == "naive_timestamp"


@pytest.mark.parametrize("start", [NOW, NOW - timedelta(minutes=1)])
def test_past_or_present_start_is_refused(start: datetime) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_schedulable(pair(), start, 30, POLICY, NOW, [])
    assert refused.value.code == "meeting_in_past"


@pytest.mark.parametrize("minutes", [14, 121])
def test_duration_outside_policy_is_refused(minutes: int) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_schedulable(pair(), LATER, minutes, POLICY, NOW, [])
    assert refused.value.code == "duration_out_of_policy"


@pytest.mark.parametrize("minutes", [15, 120])
def test_duration_bounds_are_inclusive(minutes: int) -> None:
    check_schedulable(pair(), LATER, minutes, POLICY, NOW, [])


def test_overlap_with_another_scheduled_meeting_names_it() -> None:
    other = meeting(LATER + timedelta(minutes=20))
    with pytest.raises(StateConflict) as refused:
        check_schedulable(pair(), LATER, 30, POLICY, NOW, [other])
    assert refused.value.code == "schedule_conflict"
    assert refused.value.extra["conflicting_meeting_id"] == str(other.id)


def test_back_to_back_meetings_do_not_overlap() -> None:
    check_schedulable(pair(), LATER, 30, POLICY, NOW, [meeting(LATER + timedelta(minutes=30))])
    check_schedulable(pair(), LATER, 30, POLICY, NOW, [meeting(LATER - timedelta(minutes=30))])


@pytest.mark.parametrize("status", [MeetingStatus.CANCELED, MeetingStatus.COMPLETED])
def test_closed_meetings_do_not_block_a_slot(status: MeetingStatus) -> None:
    check_schedulable(pair(), LATER, 30, POLICY, NOW, [meeting(LATER, status=status)])


def test_the_meeting_being_moved_does_not_conflict_with_itself() -> None:
    itself = meeting(LATER)
    check_schedulable(pair(), LATER, 30, POLICY, NOW, [itself], ignore_meeting_id=itself.id)


@given(
    a=st.integers(min_value=0, max_value=600),
    a_len=st.integers(min_value=1, max_value=120),
    b=st.integers(min_value=0, max_value=600),
    b_len=st.integers(min_value=1, max_value=120),
)
def test_overlap_is_symmetric_and_matches_minute_sets(
    a: int, a_len: int, b: int, b_len: int
) -> None:
    start_a, start_b = NOW + timedelta(minutes=a), NOW + timedelta(minutes=b)
    shared = set(range(a, a + a_len)) & set(range(b, b + b_len))
    assert overlaps(start_a, a_len, start_b, b_len) == bool(shared)
    assert overlaps(start_a, a_len, start_b, b_len) == overlaps(start_b, b_len, start_a, a_len)


@pytest.mark.parametrize("status", [MeetingStatus.CANCELED, MeetingStatus.COMPLETED])
def test_rule_5_closed_meetings_refuse_changes(status: MeetingStatus) -> None:
    with pytest.raises(StateConflict) as refused:
        meeting(LATER, status=status).check_open()
    assert refused.value.code == "meeting_closed"


def test_rule_5_completed_meetings_still_take_records_but_canceled_do_not() -> None:
    meeting(LATER, status=MeetingStatus.COMPLETED).check_accepts_records()
    with pytest.raises(StateConflict):
        meeting(LATER, status=MeetingStatus.CANCELED).check_accepts_records()
