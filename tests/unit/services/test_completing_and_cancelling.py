"""Rules 3 and 4 run on the in-memory unit of work: completing a meeting books the next one
and carries the unfinished agenda over; cancelling moves it to the pair's next meeting, or
to the next one the pair schedules. Each refusal changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.domain.agenda import AgendaItemState
from app.domain.errors import InvalidInput, StateConflict
from app.domain.meeting_lifecycle import CancelReason
from app.domain.meetings import MeetingStatus
from app.domain.pairs import PairKind
from app.services.meeting_lifecycle import cancel_meeting, complete_meeting
from app.services.meetings import schedule_meeting
from tests.unit.services.memory_org import NOW, MemoryOrg

DAY = timedelta(days=1)


def test_completing_books_the_next_meeting_a_cadence_later_and_carries_the_agenda_to_it() -> None:
    org = MemoryOrg()
    ada, bo = org.person("Ada"), org.person("Bo")
    pair = org.pair(ada, bo, cadence_days=14)
    held = org.meeting(pair, NOW - timedelta(minutes=5))
    open_item = org.item(held, bo, "Promotion case")
    deferred = org.item(held, ada, "Team offsite", state=AgendaItemState.DEFERRED)
    talked_about = org.item(held, bo, "Last sprint")

    done = org.run(
        org.as_person(ada),
        lambda ctx: complete_meeting(
            ctx, held.id, actual_minutes=25, discussed_item_ids=[talked_about.id]
        ),
    )

    held_now, booked = org.meetings_of(pair)
    assert (held_now.id, held_now.status, held_now.actual_minutes) == (
        held.id,
        MeetingStatus.COMPLETED,
        25,
    )
    assert booked.status is MeetingStatus.SCHEDULED
    assert booked.starts_at == held.starts_at + 14 * DAY
    assert booked.duration_minutes == pair.duration_minutes
    assert done.next_meeting is not None and done.next_meeting.id == booked.id
    carried = org.agenda_of(booked)
    assert [(i.title, i.state, i.carried_from_id) for i in carried] == [
        ("Promotion case", AgendaItemState.OPEN, open_item.id),
        ("Team offsite", AgendaItemState.OPEN, deferred.id),
    ]
    assert [i.state for i in org.agenda_of(held)] == [
        AgendaItemState.CARRIED_OVER,
        AgendaItemState.CARRIED_OVER,
        AgendaItemState.DISCUSSED,
    ]
    assert done.carried_items == 2


def test_the_next_meeting_skips_past_and_taken_slots() -> None:
    """Held 20 days late: +14 days is past, +28 is taken by the lead's other pair, so +42."""
    org = MemoryOrg()
    ada, bo, cy = org.person("Ada"), org.person("Bo"), org.person("Cy")
    pair = org.pair(ada, bo, cadence_days=14)
    other = org.pair(ada, cy, kind=PairKind.MENTORSHIP)
    held = org.meeting(pair, NOW - 20 * DAY)
    org.meeting(other, held.starts_at + 28 * DAY + timedelta(minutes=15))

    done = org.run(
        org.admin_key,
        lambda ctx: complete_meeting(ctx, held.id, actual_minutes=None, discussed_item_ids=[]),
    )

    assert [m.starts_at for m in org.meetings_of(pair)] == [
        held.starts_at,
        held.starts_at + 42 * DAY,
    ]
    assert done.next_meeting is not None
    assert done.next_meeting.starts_at == held.starts_at + 42 * DAY


def test_completing_with_a_meeting_on_the_books_books_none_and_carries_to_it() -> None:
    org = MemoryOrg()
    ada, bo = org.person("Ada"), org.person("Bo")
    pair = org.pair(ada, bo)
    held = org.meeting(pair, NOW - timedelta(minutes=30))
    later = org.meeting(pair, NOW + 3 * DAY)
    latest = org.meeting(pair, NOW + 17 * DAY)
    item = org.item(held, bo, "Feedback on the review")

    done = org.run(
        org.admin_key,
        lambda ctx: complete_meeting(ctx, held.id, actual_minutes=None, discussed_item_ids=[]),
    )

    assert [m.id for m in org.meetings_of(pair)] == [held.id, later.id, latest.id]
    assert done.next_meeting is not None and done.next_meeting.id == later.id
    assert [(i.title, i.carried_from_id) for i in org.agenda_of(later)] == [
        ("Feedback on the review", item.id)
    ]
    assert org.agenda_of(latest) == []


def test_cancelling_moves_open_and_deferred_items_to_the_pairs_next_meeting() -> None:
    org = MemoryOrg()
    ada, bo = org.person("Ada"), org.person("Bo")
    pair = org.pair(ada, bo)
    canceled = org.meeting(pair, NOW + timedelta(hours=12))
    following = org.meeting(pair, NOW + 15 * DAY)
    org.item(canceled, bo, "Workload")
    org.item(canceled, bo, "Training budget", state=AgendaItemState.DEFERRED)
    org.item(canceled, bo, "Old topic", state=AgendaItemState.DISCUSSED)

    result = org.run(
        org.as_person(bo),
        lambda ctx: cancel_meeting(
            ctx, canceled.id, canceled_by_id=None, reason=CancelReason.ILLNESS
        ),
    )

    assert org.meetings_of(pair)[0].status is MeetingStatus.CANCELED
    assert result.carried_to is not None and result.carried_to.id == following.id
    assert [i.title for i in org.agenda_of(following)] == ["Workload", "Training budget"]
    assert result.carried_items == 2
    assert result.late  # within the policy's 24 hours before the start


def test_items_of_a_canceled_meeting_wait_for_the_next_meeting_the_pair_schedules() -> None:
    org = MemoryOrg()
    ada, bo = org.person("Ada"), org.person("Bo")
    pair = org.pair(ada, bo)
    canceled = org.meeting(pair, NOW + 3 * DAY)
    waiting = org.item(canceled, ada, "Goals for the quarter")

    result = org.run(
        org.as_person(ada),
        lambda ctx: cancel_meeting(
            ctx, canceled.id, canceled_by_id=None, reason=CancelReason.OTHER
        ),
    )
    assert (result.carried_to, result.carried_items) == (None, 0)
    assert org.agenda_of(canceled)[0].state is AgendaItemState.OPEN

    booked = org.run(
        org.as_person(ada),
        lambda ctx: schedule_meeting(ctx, pair_id=pair.id, starts_at=NOW + 5 * DAY),
    )
    assert [(i.title, i.carried_from_id) for i in org.agenda_of(booked)] == [
        ("Goals for the quarter", waiting.id)
    ]
    assert org.agenda_of(canceled)[0].state is AgendaItemState.CARRIED_OVER


def test_completing_sooner_than_a_quarter_hour_before_the_start_is_refused() -> None:
    org = MemoryOrg()
    ada, bo = org.person("Ada"), org.person("Bo")
    pair = org.pair(ada, bo)
    early = org.meeting(pair, NOW + timedelta(minutes=20))
    org.item(early, bo, "Hiring")

    with pytest.raises(StateConflict) as refused:
        org.run(
            org.as_person(ada),
            lambda ctx: complete_meeting(ctx, early.id, actual_minutes=None, discussed_item_ids=[]),
        )

    assert refused.value.code == "meeting_not_started"
    assert [m.status for m in org.meetings_of(pair)] == [MeetingStatus.SCHEDULED]


def test_completing_names_only_items_on_the_agenda_and_changes_nothing_otherwise() -> None:
    org = MemoryOrg()
    ada, bo = org.person("Ada"), org.person("Bo")
    pair = org.pair(ada, bo)
    held = org.meeting(pair, NOW - timedelta(minutes=5))
    elsewhere = org.item(org.meeting(pair, NOW + 9 * DAY), bo, "Not this meeting's")

    with pytest.raises(InvalidInput) as refused:
        org.run(
            org.admin_key,
            lambda ctx: complete_meeting(
                ctx, held.id, actual_minutes=None, discussed_item_ids=[elsewhere.id]
            ),
        )

    assert refused.value.code == "not_on_agenda"
    assert [m.status for m in org.meetings_of(pair)] == [MeetingStatus.SCHEDULED] * 2


def test_a_closed_meeting_is_not_canceled() -> None:
    org = MemoryOrg()
    ada, bo = org.person("Ada"), org.person("Bo")
    pair = org.pair(ada, bo)
    held = org.meeting(pair, NOW - 7 * DAY, status=MeetingStatus.COMPLETED)
    org.item(held, bo, "Left open")

    with pytest.raises(StateConflict) as refused:
        org.run(
            org.as_person(bo),
            lambda ctx: cancel_meeting(
                ctx, held.id, canceled_by_id=None, reason=CancelReason.OTHER
            ),
        )

    assert refused.value.code == "meeting_closed"
    assert [m.status for m in org.meetings_of(pair)] == [MeetingStatus.COMPLETED]
    assert org.agenda_of(held)[0].state is AgendaItemState.OPEN
