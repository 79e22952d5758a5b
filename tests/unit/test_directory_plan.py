"""The directory sync's plan and rule 8 for many people, as pure functions."""

from __future__ import annotations

from dataclasses import replace
from itertools import count
from uuid import UUID

import pytest

from app.domain.directory import DirectoryPlan, DirectoryRejected, DirectoryRow, plan_directory
from app.domain.pairs import PairKind
from app.domain.people import Person
from app.domain.reporting_lines import pair_changes
from tests.unit.factories import NOW, ORG, pair, person

_serial = count(1)


def _new_id() -> UUID:
    return UUID(int=next(_serial))


def _plan(
    existing: list[Person], rows: list[DirectoryRow], *, missing: bool = False
) -> DirectoryPlan:
    return plan_directory(
        existing, rows, deactivate_missing=missing, org_id=ORG, now=NOW, new_id=_new_id
    )


def test_new_people_are_written_managers_first_whatever_the_row_order() -> None:
    rows = [
        DirectoryRow("c", "C", manager_external_id="b"),
        DirectoryRow("b", "B", manager_external_id="a"),
        DirectoryRow("a", "A"),
    ]
    plan = _plan([], rows)
    assert [p.external_id for p in plan.inserts] == ["a", "b", "c"]
    by_external = {p.external_id: p for p in plan.inserts}
    assert by_external["c"].manager_id == by_external["b"].id
    assert by_external["a"].username == "a"  # no email: the external id is the login name
    assert plan.affected == {p.id for p in plan.inserts}


def test_an_unchanged_directory_plans_nothing() -> None:
    boss = replace(person(), external_id="a")
    report = replace(person(), external_id="b", manager_id=boss.id)
    rows = [
        DirectoryRow("b", report.name, report.email, manager_external_id="a"),
        DirectoryRow("a", boss.name, boss.email),
    ]
    plan = _plan([boss, report], rows, missing=True)
    assert (plan.inserts, plan.updates, plan.affected) == ([], [], set())


def test_a_person_left_out_leaves_and_their_reports_follow() -> None:
    boss = replace(person(), external_id="a")
    report = replace(person(), external_id="b", manager_id=boss.id)
    other = replace(person(), external_id="c")
    rows = [DirectoryRow("a", boss.name, boss.email), DirectoryRow("c", other.name, other.email)]
    with pytest.raises(DirectoryRejected):  # the report is still listed with its manager
        _plan([boss, report, other], [*rows, DirectoryRow("b", "B", manager_external_id="x")])
    plan = _plan([boss, report, other], [rows[1]], missing=True)
    assert {c.person.id for c in plan.deactivated} == {boss.id, report.id}


def test_every_bad_row_is_found() -> None:
    rows = [
        DirectoryRow("a", "A", manager_external_id="b"),
        DirectoryRow("b", "B", manager_external_id="a"),
        DirectoryRow("c", "C", timezone="Nowhere/Else"),
        DirectoryRow("d", "D", manager_email="nobody@example.com"),
    ]
    with pytest.raises(DirectoryRejected) as rejected:
        _plan([], rows)
    assert {(e.row, e.code) for e in rejected.value.errors} == {
        (0, "reporting_cycle"),
        (1, "reporting_cycle"),
        (2, "unknown_timezone"),
        (3, "unknown_manager"),
    }


def test_rule_8_one_live_reporting_pair_with_the_active_manager() -> None:
    old, new, member = person(), person(), person()
    member = replace(member, manager_id=new.id)
    stale = replace(pair(), lead_id=old.id, member_id=member.id, kind=PairKind.MANAGER_REPORT)
    people = {p.id: p for p in (old, new, member)}
    changes = pair_changes(people, [stale], {member.id}, auto_pairs=True)
    assert [(e.pair.id, e.reason) for e in changes.ended] == [(stale.id, "reporting_line_changed")]
    assert [(s.lead_id, s.member_id, s.replaces) for s in changes.started] == [
        (new.id, member.id, stale.id)
    ]
    without_auto = pair_changes(people, [stale], {member.id}, auto_pairs=False)
    assert (without_auto.ended, without_auto.started) == ([], [])


def test_rule_8_no_pair_with_a_manager_who_left_and_none_for_who_left() -> None:
    manager = person(active=False)
    member = replace(person(), manager_id=manager.id)
    current = replace(pair(), lead_id=manager.id, member_id=member.id)
    people = {manager.id: manager, member.id: member}
    changes = pair_changes(people, [current], {manager.id, member.id}, auto_pairs=True)
    assert [(e.pair.id, e.reason) for e in changes.ended] == [(current.id, "person_deactivated")]
    assert changes.started == []
