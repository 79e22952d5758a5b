"""The reference metrics against figures computed by hand from product.md's formulas."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from uuid import uuid4

from app.domain.agenda import AgendaItemKind
from app.domain.cadence import CadenceState
from app.domain.commitments import CommitmentStatus
from app.domain.meetings import MeetingStatus
from app.domain.metrics_reference import (
    CommitmentFacts,
    ItemFacts,
    MeetingFacts,
    PairRecords,
    RatingFacts,
    Window,
    compute_pair_metrics,
)
from app.domain.policy import Policy
from tests.unit.factories import NOW, ORG, pair

POLICY = Policy(org_id=ORG)
DAY = timedelta(days=1)
WINDOW = Window(NOW - 90 * DAY, NOW)


def _meeting(days_ago: float, status: MeetingStatus, **fields: object) -> MeetingFacts:
    base = MeetingFacts(
        id=uuid4(),
        starts_at=NOW - timedelta(days=days_ago),
        duration_minutes=30,
        status=status,
        reschedule_count=0,
        canceled_at=None,
        canceled_by_id=None,
        actual_minutes=None,
    )
    return replace(base, **fields)  # type: ignore[arg-type]


def test_a_worked_example() -> None:
    the_pair = replace(pair(cadence_days=14), started_at=NOW - 120 * DAY)
    lead, member = the_pair.lead_id, the_pair.member_id
    held = [
        _meeting(d, MeetingStatus.COMPLETED, actual_minutes=m)
        for d, m in ((84, 30), (70, 20), (42, 30), (28, 15))
    ]
    late = _meeting(
        56,
        MeetingStatus.CANCELED,
        canceled_by_id=lead,
        canceled_at=NOW - 56 * DAY - timedelta(hours=2),
        reschedule_count=1,
    )
    system = _meeting(14, MeetingStatus.CANCELED, canceled_by_id=None, canceled_at=NOW - 20 * DAY)
    forgotten = _meeting(7, MeetingStatus.SCHEDULED)
    upcoming = _meeting(-3, MeetingStatus.SCHEDULED)
    items = [
        ItemFacts(held[0].id, member, AgendaItemKind.WIN),
        ItemFacts(held[0].id, lead, AgendaItemKind.STATUS_UPDATE),
        ItemFacts(held[1].id, member, AgendaItemKind.CHALLENGE),
        ItemFacts(late.id, member, AgendaItemKind.OTHER),
    ]  # not on a held meeting
    commitments = [
        CommitmentFacts(member, date(2026, 1, 10), CommitmentStatus.DONE, NOW - 60 * DAY),
        CommitmentFacts(lead, date(2026, 2, 1), CommitmentStatus.DONE, NOW),  # done late
        CommitmentFacts(lead, date(2026, 2, 20), CommitmentStatus.OPEN, None),  # overdue
        CommitmentFacts(member, NOW.date() + DAY, CommitmentStatus.OPEN, None),  # not due
    ]
    ratings = [RatingFacts(held[0].id, 4), RatingFacts(held[1].id, 5), RatingFacts(late.id, 1)]
    records = PairRecords(
        the_pair, [*held, late, system, forgotten, upcoming], items, commitments, ratings
    )

    m = compute_pair_metrics(records, WINDOW, NOW, POLICY, CadenceState.ON_TRACK)

    assert (m.held, m.canceled, m.unrecorded, m.slots) == (4, 1, 1, 6)
    assert m.held_rate == 4 / 6 and m.cancel_rate == 1 / 6 and m.late_cancel_rate == 1 / 6
    assert m.reschedule_rate == 1 / 6 and m.lead_cancel_share == 1.0
    assert m.gap_count == 3 and m.max_gap_days == 28.0 and m.mean_gap_days == 56 / 3
    assert m.cadence_adherence == 2 / 3  # 14, 28, 14 against 14 + 2
    assert m.coverage == 4 / 6  # D = 90 days, expected floor(90 / 14) = 6
    assert (m.agenda_items, m.member_share, m.status_share) == (3, 2 / 3, 1 / 3)
    assert m.commitments_due == 3 and m.follow_through_rate == 2 / 3
    assert m.lead_follow_through_rate == 0.5 and m.member_follow_through_rate == 1.0
    assert m.on_time_rate == 1 / 3 and m.overdue_open == 1
    assert m.next_meeting_booked is True
    assert m.shortened_share == 0.5  # 20 and 15 of 30 minutes are under 22.5
    assert m.rating_avg == 4.5
    # 25·4/6 + 25·4/6 + 20·2/3 + 10·(1 − 2·|2/3 − 1/2|) + 10·(1 − 1/3) + 10·1 = 70
    assert m.health_score == 70
    assert m.health_components is not None and m.health_components["balance"] == 2 / 3
    # One late cancellation in six slots (< 0.2) raises no late_cancellations signal.
    assert [s.code for s in m.signals] == ["shortened_meetings"]


def test_empty_pairs_give_nulls_not_errors() -> None:
    new = replace(pair(cadence_days=14), started_at=NOW - 3 * DAY)
    m = compute_pair_metrics(
        PairRecords(new, [], [], [], []), WINDOW, NOW, POLICY, CadenceState.UNBOOKED
    )
    assert m.slots == 0 and m.held_rate is None and m.cadence_adherence is None
    assert m.member_share is None and m.rating_avg is None and m.follow_through_rate is None
    assert m.health_score is None and m.health_components is None  # D < cadence_days
    assert [s.code for s in m.signals] == ["no_next_meeting"]


def test_health_rounds_half_up_exactly() -> None:
    old = replace(pair(cadence_days=7), started_at=NOW - 200 * DAY)
    held = [_meeting(d, MeetingStatus.COMPLETED) for d in (7, 14)]
    records = PairRecords(old, held, [], [], [])
    window = Window(NOW - 28 * DAY, NOW)
    m = compute_pair_metrics(records, window, NOW, POLICY, CadenceState.UNBOOKED)
    # attendance 1, consistency 2/4, follow-through 1, no items, not booked:
    # 25 + 12.5 + 20 = 57.5 → 58
    assert m.health_score == 58
