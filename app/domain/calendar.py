"""A person's calendar feed (RFC 5545): which meetings it lists and what each event says.

The feed is read by calendar applications with nothing but its URL, so the token in the URL
is the credential: minted per person, stored as its SHA-256 digest (like service keys),
replaced by minting again and gone when revoked. An event says when the meeting is, who
meets and the agenda's titles; never notes, agenda details or anything else of the pair.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from app.domain.access import key_digest
from app.domain.meetings import MeetingStatus

TOKEN_PREFIX = "rcal_"
TOKEN_BYTES = 32
TOKEN_LENGTH = 43  # token_urlsafe(32): 32 bytes in unpadded base64url
# The window a feed covers, around the instant it is read.
PAST_DAYS = 30
AHEAD_DAYS = 180
# Bounds: a feed lists at most this many meetings (the earliest in the window first) and
# at most this many agenda titles per meeting.
MAX_EVENTS = 1000
MAX_TITLES = 50
UID_DOMAIN = "rapport"


def new_calendar_token() -> str:
    """A fresh token: shown once, stored only as its digest."""
    return TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)


def calendar_token_digest(token: str) -> str:
    return key_digest(token)


@dataclass(frozen=True, slots=True)
class CalendarToken:
    """A person's feed token. It dies with `minted_by_key_id`, the service key behind the
    credential that minted it (none for an ID token); `minted_by_person_id` is None when a
    key minted it, whose reads of the feed are then that key's reads of content."""

    id: UUID
    org_id: UUID
    person_id: UUID
    digest: str
    minted_by_key_id: UUID | None
    minted_by_person_id: UUID | None
    created_at: datetime

    @property
    def read_by_key(self) -> bool:
        return self.minted_by_person_id is None


@dataclass(frozen=True, slots=True)
class FeedWindow:
    """Meetings starting in [start, end)."""

    start: datetime
    end: datetime


def feed_window(now: datetime) -> FeedWindow:
    return FeedWindow(now - timedelta(days=PAST_DAYS), now + timedelta(days=AHEAD_DAYS))


@dataclass(frozen=True, slots=True)
class FeedMeeting:
    """A meeting as the feed reads it: the record and the names of its two people."""

    id: UUID
    starts_at: datetime
    duration_minutes: int
    status: MeetingStatus
    reschedule_count: int
    lead_name: str
    member_name: str
    # The latest change to anything the event shows (the meeting, the two names).
    revised_at: datetime


@dataclass(frozen=True, slots=True)
class FeedAgenda:
    """The first titles of a meeting's agenda (in agenda order), how many items it has and
    when any of them last changed."""

    titles: tuple[str, ...]
    total: int
    revised_at: datetime


@dataclass(frozen=True, slots=True)
class CalendarEvent:
    uid: str
    sequence: int
    stamp: datetime
    starts_at: datetime
    ends_at: datetime
    summary: str
    description: str | None
    canceled: bool


def calendar_event(meeting: FeedMeeting, agenda: FeedAgenda | None) -> CalendarEvent:
    """One VEVENT. SEQUENCE counts the revisions a calendar must notice: each reschedule
    (the meeting's own counter) and the cancellation. DTSTAMP is the latest change the
    event shows, so reading an unchanged feed twice gives the same bytes."""
    canceled = meeting.status is MeetingStatus.CANCELED
    stamp = meeting.revised_at if agenda is None else max(meeting.revised_at, agenda.revised_at)
    return CalendarEvent(
        uid=f"{meeting.id}@{UID_DOMAIN}",
        sequence=meeting.reschedule_count + (1 if canceled else 0),
        stamp=stamp,
        starts_at=meeting.starts_at,
        ends_at=meeting.starts_at + timedelta(minutes=meeting.duration_minutes),
        summary=f"1:1 {meeting.lead_name} / {meeting.member_name}",
        description=agenda_description(agenda),
        canceled=canceled,
    )


def agenda_description(agenda: FeedAgenda | None) -> str | None:
    """The agenda's titles, one a line; nothing else of the items."""
    if agenda is None or not agenda.titles:
        return None
    lines = ["Agenda:", *(f"- {title}" for title in agenda.titles)]
    if agenda.total > len(agenda.titles):
        lines.append(f"(and {agenda.total - len(agenda.titles)} more)")
    return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class CalendarFeed:
    token: CalendarToken
    person_name: str
    events: tuple[CalendarEvent, ...]


def looks_like_token(text: str) -> bool:
    """The shape of a minted token; anything else opens nothing without a lookup."""
    body = text.removeprefix(TOKEN_PREFIX)
    return (
        text.startswith(TOKEN_PREFIX)
        and len(body) == TOKEN_LENGTH
        and all(ch.isascii() and (ch.isalnum() or ch in "-_") for ch in body)
    )
