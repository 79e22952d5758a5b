"""Rule 8 runs on the in-memory unit of work: a new manager gets a new reporting pair at the
policy's cadence and duration, the old pair ends (its future meetings canceled by the
system) and the member's open commitments move to the new pair; a loop is refused and
changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.domain.commitments import CommitmentStatus
from app.domain.errors import InvalidInput
from app.domain.meetings import MeetingStatus
from app.domain.pairs import Pair, PairKind, PairSource, PairStatus
from app.domain.policy import Policy
from app.domain.reporting_lines import ENDED_REPORTING_LINE_CHANGED
from app.services.people import deactivate_person, update_person
from tests.unit.services.memory_org import NOW, MemoryOrg


def pairs_of(org: MemoryOrg) -> list[Pair]:
    return sorted(org.db.tables.pairs.values(), key=lambda pair: pair.created_at)


def test_a_new_manager_starts_a_new_pair_and_takes_the_members_open_commitments() -> None:
    org = MemoryOrg()
    org.db.insert(Policy(org_id=org.org_id, target_cadence_days=21, default_duration_minutes=45))
    ada, cy = org.person("Ada"), org.person("Cy")
    bo = org.person("Bo", manager=ada)
    old = org.pair(ada, bo)
    booked = org.meeting(old, NOW + timedelta(days=4))
    bos_open = org.commitment(old, bo, "Draft the roadmap")
    bos_done = org.commitment(old, bo, "Book the trip", status=CommitmentStatus.DONE)
    adas_open = org.commitment(old, ada, "Ask about the budget")

    moved = org.run(org.admin_key, lambda ctx: update_person(ctx, bo.id, {"manager_id": cy.id}))

    assert moved.manager_id == cy.id
    assert org.db.tables.people[bo.id].manager_id == cy.id
    ended, started = pairs_of(org)
    assert (ended.id, ended.status, ended.ended_reason) == (
        old.id,
        PairStatus.ENDED,
        ENDED_REPORTING_LINE_CHANGED,
    )
    assert (started.lead_id, started.member_id, started.kind, started.source) == (
        cy.id,
        bo.id,
        PairKind.MANAGER_REPORT,
        PairSource.REPORTING_LINE,
    )
    assert (started.status, started.cadence_days, started.duration_minutes) == (
        PairStatus.ACTIVE,
        21,
        45,
    )
    commitments = org.db.tables.commitments
    assert commitments[bos_open.id].pair_id == started.id
    assert commitments[bos_done.id].pair_id == old.id
    assert commitments[adas_open.id].pair_id == old.id
    canceled = org.db.tables.meetings[booked.id]
    assert (canceled.status, canceled.canceled_by_id) == (MeetingStatus.CANCELED, None)


def test_deactivating_a_person_ends_all_their_pairs() -> None:
    org = MemoryOrg()
    ada = org.person("Ada")
    bo, cy = org.person("Bo", manager=ada), org.person("Cy")
    reporting, mentoring = org.pair(ada, bo), org.pair(cy, bo, kind=PairKind.MENTORSHIP)
    kept = org.pair(ada, cy, kind=PairKind.MENTORSHIP)

    org.run(org.admin_key, lambda ctx: deactivate_person(ctx, bo.id))

    pairs = org.db.tables.pairs
    assert pairs[reporting.id].status is PairStatus.ENDED
    assert pairs[mentoring.id].status is PairStatus.ENDED
    assert pairs[kept.id].status is PairStatus.ACTIVE
    assert len(pairs) == 3


def test_a_manager_who_reports_to_the_person_is_refused_and_nothing_changes() -> None:
    org = MemoryOrg()
    ada = org.person("Ada")
    bo = org.person("Bo", manager=ada)
    cy = org.person("Cy", manager=bo)
    org.pair(ada, bo)
    org.pair(bo, cy)

    with pytest.raises(InvalidInput) as refused:
        org.run(org.admin_key, lambda ctx: update_person(ctx, ada.id, {"manager_id": cy.id}))

    assert refused.value.code == "reporting_cycle"
    assert org.db.tables.people[ada.id].manager_id is None
    assert [pair.status for pair in pairs_of(org)] == [PairStatus.ACTIVE] * 2
