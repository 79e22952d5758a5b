"""The calendar feed's rules without a database: what an event says and how the text and
its entity tag come out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

from icalendar import Calendar

from app.api.rest.calendar_ics import entity_tag, render
from app.api.rest.entity_tags import matches_weakly
from app.domain.calendar import (
    CalendarFeed,
    CalendarToken,
    FeedAgenda,
    FeedMeeting,
    calendar_event,
    feed_window,
    looks_like_token,
    new_calendar_token,
)
from app.domain.meetings import MeetingStatus

AT = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


def _meeting(status: MeetingStatus = MeetingStatus.SCHEDULED, reschedules: int = 0) -> FeedMeeting:
    return FeedMeeting(
        id=uuid4(),
        starts_at=AT,
        duration_minutes=45,
        status=status,
        reschedule_count=reschedules,
        lead_name="Ada",
        member_name="Bo",
        revised_at=AT - timedelta(days=2),
    )


def test_sequence_counts_reschedules_and_the_cancellation() -> None:
    assert calendar_event(_meeting(), None).sequence == 0
    assert calendar_event(_meeting(reschedules=3), None).sequence == 3
    canceled = calendar_event(_meeting(MeetingStatus.CANCELED, reschedules=1), None)
    assert canceled.sequence == 2 and canceled.canceled
    assert not calendar_event(_meeting(MeetingStatus.COMPLETED), None).canceled


def test_an_event_is_stamped_with_its_latest_change_and_describes_titles_only() -> None:
    meeting = _meeting()
    agenda = FeedAgenda(("Wins", "Growth"), total=5, revised_at=AT - timedelta(hours=1))
    event = calendar_event(meeting, agenda)
    assert event.uid == f"{meeting.id}@rapport"
    assert event.stamp == agenda.revised_at
    assert event.ends_at - event.starts_at == timedelta(minutes=45)
    assert event.summary == "1:1 Ada / Bo"
    assert event.description == "Agenda:\n- Wins\n- Growth\n(and 3 more)"
    older = FeedAgenda(("Wins",), total=1, revised_at=AT - timedelta(days=9))
    assert calendar_event(meeting, older).stamp == meeting.revised_at
    assert calendar_event(meeting, None).description is None


def test_the_window_is_thirty_days_back_and_180_ahead() -> None:
    window = feed_window(AT)
    assert (AT - window.start, window.end - AT) == (timedelta(days=30), timedelta(days=180))


def test_only_the_shape_of_a_minted_token_is_looked_up() -> None:
    assert looks_like_token(new_calendar_token())
    token = new_calendar_token()
    for shape in (token[:-1], token + "A", token.replace("rcal_", "rpt_"), "rcal_" + "é" * 43):
        assert not looks_like_token(shape)


def test_the_text_is_rfc_5545_and_its_tag_follows_the_bytes() -> None:
    token = CalendarToken(uuid4(), uuid4(), uuid4(), "d" * 64, None, None, AT)
    feed = CalendarFeed(token, "Bo", (calendar_event(_meeting(), None),))
    body = render(feed)
    assert body == render(feed)
    parsed = Calendar.from_ical(body)
    assert [str(e["SUMMARY"]) for e in parsed.walk("VEVENT")] == ["1:1 Ada / Bo"]
    assert b"X-PUBLISHED-TTL:PT1H\r\n" in body and b"REFRESH-INTERVAL;VALUE=DURATION:PT1H" in body
    tag = entity_tag(body)
    assert tag != entity_tag(body + b" ")
    assert (
        matches_weakly(tag, tag)
        and matches_weakly("*", tag)
        and matches_weakly(f'"x", W/{tag}', tag)
    )
    assert not matches_weakly(None, tag) and not matches_weakly('"x"', tag)
