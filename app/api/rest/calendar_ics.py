"""A calendar feed as RFC 5545 text (made by the `icalendar` package), and its entity tag."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from icalendar import Calendar, Event, vDuration

from app.domain.calendar import CalendarEvent, CalendarFeed

MEDIA_TYPE = "text/calendar; charset=utf-8"
PRODUCT_ID = "-//Rapport//Calendar feed//EN"
# How often calendar applications should read the feed again (RFC 7986 and the older
# X-PUBLISHED-TTL that Outlook and Apple Calendar read).
REFRESH = timedelta(hours=1)


def render(feed: CalendarFeed) -> bytes:
    """The whole feed: CRLF line endings and lines folded at 75 octets (icalendar's)."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"1:1s — {feed.person_name}")
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    for event in feed.events:
        calendar.add_component(_vevent(event))
    body: bytes = calendar.to_ical()
    return body


def _vevent(event: CalendarEvent) -> Event:
    vevent = Event()
    vevent.add("uid", event.uid)
    vevent.add("sequence", event.sequence)
    vevent.add("dtstamp", event.stamp)
    vevent.add("last-modified", event.stamp)
    vevent.add("dtstart", event.starts_at)
    vevent.add("dtend", event.ends_at)
    vevent.add("summary", event.summary)
    if event.description is not None:
        vevent.add("description", event.description)
    vevent.add("status", "CANCELLED" if event.canceled else "CONFIRMED")
    # A canceled meeting no longer blocks the time in free/busy views.
    vevent.add("transp", "TRANSPARENT" if event.canceled else "OPAQUE")
    return vevent


def entity_tag(body: bytes) -> str:
    """A strong ETag: the content's digest (the feed is byte-stable while nothing changes)."""
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
