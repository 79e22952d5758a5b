"""Events' rules without a database: what a change is, what a subscriber sees, when to
retry and when to look at a pair again."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from app.domain.access import Scope
from app.domain.cadence import cadence_of
from app.domain.events import (
    MAX_BODY_BYTES,
    Event,
    EventType,
    Resource,
    classify,
    fitted,
    visible_to,
)
from app.domain.policy import Policy
from app.domain.webhooks import (
    MAX_ATTEMPTS,
    RETRY_DELAYS,
    Outcome,
    next_attempt_at,
    outcome_of,
)
from app.services.cadence import PairCadence
from app.services.cadence_watch import JUST_AFTER, next_check_at
from tests.unit.factories import NOW as F_NOW
from tests.unit.factories import meeting, pair

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("resource", "before", "after", "expected"),
    [
        (Resource.PAIR, {"status": "active"}, {"status": "paused"}, EventType.PAIR_PAUSED),
        (Resource.PAIR, {"status": "paused"}, {"status": "active"}, EventType.PAIR_RESUMED),
        (Resource.PAIR, {"status": "active"}, {"status": "ended"}, EventType.PAIR_ENDED),
        (Resource.PAIR, {"cadence_days": 7}, {"cadence_days": 14}, EventType.PAIR_UPDATED),
        (Resource.PERSON, {"active": True}, {"active": False}, EventType.PERSON_DEACTIVATED),
        (Resource.PERSON, {"active": False}, {"active": True}, EventType.PERSON_REACTIVATED),
        (Resource.MEETING, {"starts_at": "a"}, {"starts_at": "b"}, EventType.MEETING_RESCHEDULED),
        (Resource.MEETING, {"status": "scheduled"}, {"status": "canceled"},
         EventType.MEETING_CANCELED),
        (Resource.COMMITMENT, {"status": "open"}, {"status": "done"},
         EventType.COMMITMENT_COMPLETED),
        (Resource.COMMITMENT, {"status": "open"}, {"status": "dropped"},
         EventType.COMMITMENT_UPDATED),
        (Resource.NOTE, None, {"visibility": "shared"}, EventType.NOTE_CREATED),
        (Resource.NOTE, {"visibility": "shared"}, None, EventType.NOTE_DELETED),
        (Resource.NOTE, None, {"visibility": "private"}, None),
        (Resource.NOTE, {"visibility": "private", "body": "a"},
         {"visibility": "private", "body": "b"}, None),
        (Resource.PAIR, {"updated_at": "a"}, {"updated_at": "b"}, None),
    ],
)  # fmt: skip
def test_a_change_is_named_by_what_happened(
    resource: Resource, before: dict[str, object] | None, after: dict[str, object] | None,
    expected: EventType | None,
) -> None:  # fmt: skip
    assert classify(resource, before, after) is expected


def _event(event_type: EventType, data: dict[str, object]) -> Event:
    return Event(uuid4(), uuid4(), event_type, NOW, dict(data), [])


def test_a_subscriber_sees_what_its_scopes_read() -> None:
    meeting = _event(EventType.MEETING_SCHEDULED, {"id": "m", "follow_up": [{"title": "x"}]})
    note = _event(EventType.NOTE_CREATED, {"id": "n", "body": "shared"})
    assert visible_to(note, {Scope.MEETINGS_READ}) is None
    shown = visible_to(meeting, {Scope.MEETINGS_READ})
    assert shown is not None and shown["data"]["follow_up"] == []
    full = visible_to(meeting, {Scope.ADMIN})
    assert full is not None and full["data"]["follow_up"] == [{"title": "x"}]
    assert full["occurred_at"] == "2026-12-06T12:00:00Z"


def test_a_large_record_travels_without_its_long_texts() -> None:
    data = {"id": "n", "body": "x" * 30_000, "visibility": "shared"}
    assert fitted(data, 1_000) == data
    assert fitted(data, MAX_BODY_BYTES + 1) == {"id": "n", "body": None, "visibility": "shared"}


def test_retries_follow_the_schedule_with_jitter_and_retry_after() -> None:
    rng = random.Random(1)
    for made, delay in enumerate(RETRY_DELAYS, start=1):
        wait = next_attempt_at(NOW, made, rng=rng) - NOW
        assert delay <= wait <= delay * 1.1
    asked = timedelta(hours=1)
    assert next_attempt_at(NOW, 1, asked, rng) == NOW + asked  # longer than 5 s: honoured
    assert next_attempt_at(NOW, 4, timedelta(seconds=1), rng) - NOW >= RETRY_DELAYS[3]


def test_what_an_answer_means() -> None:
    assert outcome_of(204, 1) is Outcome.SUCCEEDED
    assert outcome_of(301, 1) is Outcome.RETRY
    assert outcome_of(410, 1) is Outcome.GONE
    assert outcome_of(None, 1) is Outcome.RETRY
    assert outcome_of(500, MAX_ATTEMPTS) is Outcome.EXHAUSTED


def test_a_pair_is_looked_at_again_when_time_may_change_it() -> None:
    policy = Policy(org_id=uuid4(), grace_days=2)
    held = F_NOW - timedelta(days=3)
    found = pair(cadence_days=7)
    booked = meeting(F_NOW + timedelta(days=2), pair_id=found.id)
    on_track = PairCadence(found, cadence_of(found, held, booked.starts_at, F_NOW, 2), policy)
    assert next_check_at(on_track, [booked], F_NOW) == booked.starts_at + JUST_AFTER
    unbooked = PairCadence(found, cadence_of(found, held, None, F_NOW, 2), policy)
    overdue_at = held + timedelta(days=7 + 2)
    assert next_check_at(unbooked, [], F_NOW) == overdue_at + JUST_AFTER
    running = meeting(F_NOW - timedelta(minutes=10), pair_id=found.id)
    assert next_check_at(unbooked, [running], F_NOW) == running.ends_at + JUST_AFTER
    late = PairCadence(found, cadence_of(found, held, None, overdue_at + JUST_AFTER, 2), policy)
    assert next_check_at(late, [], overdue_at + JUST_AFTER) is None
