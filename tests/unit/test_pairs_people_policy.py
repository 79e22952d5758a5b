"""Rules 6, 7 and 8 and the policy's own consistency, without a database."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import uuid4

import pytest

from app.domain.agenda import AgendaItemState, check_complete_order, check_settable_state
from app.domain.commitments import Commitment, CommitmentStatus
from app.domain.errors import InvalidInput, StateConflict
from app.domain.paging import Cursor
from app.domain.pairs import PairStatus, check_new_pair
from app.domain.people import check_no_reporting_cycle, check_timezone, email_key
from app.domain.policy import Policy
from tests.unit.factories import NOW, ORG, pair, person

POLICY = Policy(org_id=ORG)


def test_rule_7_a_pair_needs_two_people() -> None:
    someone = person()
    with pytest.raises(InvalidInput) as refused:
        check_new_pair(someone, someone, 14, POLICY)
    assert refused.value.code == "self_pair"


def test_rule_7_both_people_are_active() -> None:
    with pytest.raises(InvalidInput) as refused:
        check_new_pair(person(), person(active=False), 14, POLICY)
    assert refused.value.code == "person_inactive"


@pytest.mark.parametrize(("cadence", "allowed"), [(6, False), (7, True), (31, True), (32, False)])
def test_rule_7_cadence_within_policy(cadence: int, allowed: bool) -> None:
    if allowed:
        check_new_pair(person(), person(), cadence, POLICY)
        return
    with pytest.raises(InvalidInput) as refused:
        check_new_pair(person(), person(), cadence, POLICY)
    assert refused.value.code == "cadence_out_of_policy"


def test_rule_7_ending_twice_is_a_conflict() -> None:
    ended = pair()
    ended.end(NOW, "reorg")
    assert ended.status is PairStatus.ENDED and ended.ended_at == NOW
    with pytest.raises(StateConflict):
        ended.end(NOW, "again")


def test_rule_8_a_manager_below_the_person_is_a_cycle() -> None:
    top, middle, bottom = uuid4(), uuid4(), uuid4()
    chain = {bottom: middle, middle: top, top: None}
    with pytest.raises(InvalidInput) as refused:
        check_no_reporting_cycle(top, bottom, chain)
    assert refused.value.code == "reporting_cycle"


def test_rule_8_oneself_as_manager_is_a_cycle() -> None:
    me = uuid4()
    with pytest.raises(InvalidInput):
        check_no_reporting_cycle(me, me, {me: None})


def test_rule_8_a_manager_elsewhere_in_the_tree_is_fine() -> None:
    top, left, right = uuid4(), uuid4(), uuid4()
    check_no_reporting_cycle(left, right, {right: top, top: None})
    check_no_reporting_cycle(left, None, {})


def _commitment(status: CommitmentStatus, due: date | None) -> Commitment:
    return Commitment(uuid4(), ORG, uuid4(), None, uuid4(), "t", due, status, None, NOW, NOW)


def test_rule_6_done_records_completion_and_reopening_clears_it() -> None:
    commitment = _commitment(CommitmentStatus.OPEN, None)
    commitment.set_status(CommitmentStatus.DONE, NOW)
    assert commitment.completed_at == NOW
    commitment.set_status(CommitmentStatus.DONE, NOW + timedelta(days=1))
    assert commitment.completed_at == NOW
    commitment.set_status(CommitmentStatus.OPEN, NOW)
    assert commitment.completed_at is None


def test_policy_bounds_must_be_ordered() -> None:
    with pytest.raises(InvalidInput) as refused:
        POLICY.with_changes({"min_cadence_days": 20})
    assert refused.value.code == "inconsistent_policy"
    with pytest.raises(InvalidInput):
        POLICY.with_changes({"default_duration_minutes": 200})
    assert POLICY.with_changes({"target_cadence_days": 7}).target_cadence_days == 7


def test_agenda_order_lists_every_item_once() -> None:
    a, b = uuid4(), uuid4()
    check_complete_order([a, b], [b, a])
    for wrong in ([a], [a, a], [a, b, uuid4()]):
        with pytest.raises(InvalidInput):
            check_complete_order([a, b], wrong)


def test_carried_over_is_never_set_by_hand() -> None:
    check_settable_state(AgendaItemState.DEFERRED)
    with pytest.raises(InvalidInput):
        check_settable_state(AgendaItemState.CARRIED_OVER)


def test_emails_compare_without_case_and_timezones_are_iana() -> None:
    assert email_key(" Ann@Example.COM ") == "ann@example.com"
    check_timezone("Europe/Paris")
    with pytest.raises(InvalidInput):
        check_timezone("Mars/Olympus")


def test_cursors_round_trip_and_refuse_garbage() -> None:
    cursor = Cursor("2026-01-01T00:00:00+00:00", uuid4())
    assert Cursor.decode(cursor.encode()) == cursor
    for garbage in ("", "abc", "e30", "!!!!"):
        with pytest.raises(InvalidInput):
            Cursor.decode(garbage)
