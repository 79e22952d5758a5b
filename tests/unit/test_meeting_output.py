"""A meeting's answer is written from the entities without validating them into output
models first: it must be the same JSON as the validated models', byte for byte."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from uuid import uuid4

from asyncpg.pgproto import pgproto

from app.api.rest.meeting_output import meeting_out, meeting_response, meetings_page
from app.api.schemas.common import PageOut
from app.api.schemas.content import CommitmentOut
from app.api.schemas.meetings import MeetingOut
from app.domain.commitments import Commitment, CommitmentStatus
from app.domain.meetings import Meeting, MeetingStatus
from app.services.meeting_views import MeetingView

AT = datetime(2026, 3, 2, 9, 30, 15, 123456, tzinfo=UTC)


def _meeting(**changes: object) -> Meeting:
    fields: dict[str, object] = {
        "id": uuid4(),
        "org_id": uuid4(),
        "pair_id": uuid4(),
        "starts_at": AT,
        "duration_minutes": 30,
        "status": MeetingStatus.SCHEDULED,
        "reschedule_count": 0,
        "original_starts_at": AT,
        "canceled_at": None,
        "canceled_by_id": None,
        "cancel_reason": None,
        "completed_at": None,
        "actual_minutes": None,
        "created_at": AT - timedelta(days=3),
        "updated_at": AT - timedelta(days=1),
        **changes,
    }
    return Meeting(**fields)  # type: ignore[arg-type]


def _commitment(meeting: Meeting, **changes: object) -> Commitment:
    fields: dict[str, object] = {
        "id": uuid4(),
        "org_id": meeting.org_id,
        "pair_id": meeting.pair_id,
        "meeting_id": None,
        "owner_id": uuid4(),
        "title": "Send the draft — « ünïcode »",
        "due_on": date(2026, 3, 9),
        "status": CommitmentStatus.OPEN,
        "completed_at": None,
        "created_at": AT - timedelta(days=7),
        "updated_at": AT - timedelta(days=7),
        **changes,
    }
    return Commitment(**fields)  # type: ignore[arg-type]


def _validated(view: MeetingView) -> MeetingOut:
    fields = {n: getattr(view.meeting, n) for n in MeetingOut.model_fields if n != "follow_up"}
    fields["follow_up"] = [CommitmentOut.model_validate(c) for c in view.follow_up]
    return MeetingOut.model_validate(fields)


def _views() -> list[MeetingView]:
    plain = _meeting()
    canceled = _meeting(
        status=MeetingStatus.CANCELED,
        canceled_at=AT,
        canceled_by_id=uuid4(),
        cancel_reason="conflict",
        reschedule_count=2,
        original_starts_at=AT - timedelta(hours=5),
    )
    completed = _meeting(status=MeetingStatus.COMPLETED, completed_at=AT, actual_minutes=25)
    follow_up = [
        _commitment(plain),
        _commitment(plain, meeting_id=uuid4(), due_on=None),
    ]
    return [MeetingView(plain, follow_up), MeetingView(canceled, []), MeetingView(completed, [])]


def test_a_meeting_serializes_as_its_validated_model() -> None:
    for view in _views():
        expected = _validated(view).model_dump_json().encode()
        assert meeting_response(view).body == expected
        assert meeting_out(view).model_dump_json().encode() == expected


def test_a_page_of_meetings_serializes_as_its_validated_model() -> None:
    views = _views()
    expected = PageOut[MeetingOut](data=[_validated(v) for v in views], next_cursor="abc")
    assert meetings_page(views, "abc").body == expected.model_dump_json().encode()


def test_the_drivers_uuids_and_any_offset_serialize_as_the_validated_model() -> None:
    """asyncpg hands out its own UUID subclass; an instant may carry another offset."""
    meeting = _meeting(
        id=pgproto.UUID(str(uuid4())),
        pair_id=pgproto.UUID(str(uuid4())),
        canceled_at=AT.astimezone(timezone(timedelta(hours=-5, minutes=-30))),
        created_at=AT.replace(microsecond=0),
        updated_at=AT.replace(microsecond=120000),
    )
    view = MeetingView(meeting, [_commitment(meeting, owner_id=pgproto.UUID(str(uuid4())))])
    expected = _validated(view).model_dump_json().encode()
    assert meeting_response(view).body == expected
    page = PageOut[MeetingOut](data=[_validated(view)], next_cursor=None)
    assert meetings_page([view], None).body == page.model_dump_json().encode()
