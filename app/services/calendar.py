"""Calendar feeds: minting and revoking a person's token, and reading the feed it opens."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from app.domain.calendar import (
    MAX_EVENTS,
    MAX_TITLES,
    CalendarFeed,
    CalendarToken,
    calendar_event,
    calendar_token_digest,
    feed_window,
    new_calendar_token,
)
from app.domain.errors import StateConflict
from app.domain.privacy import check_calendar_owner
from app.persistence.unit_of_work import UnitOfWork
from app.services import lookups
from app.services.context import UseCase, new_id


async def mint_token(uc: UseCase, person_id: UUID) -> str:
    """A new token for the person's feed; any earlier one stops working."""
    person = await lookups.person(uc, person_id)
    check_calendar_owner(uc.caller, person.id)
    if not person.active:
        raise StateConflict(
            "The person is deactivated; a deactivated person has no calendar feed.",
            code="person_deactivated",
        )
    token = new_calendar_token()
    await uc.uow.calendar.revoke(uc.org_id, person.id)
    await uc.uow.calendar.add(
        CalendarToken(new_id(), uc.org_id, person.id, calendar_token_digest(token), uc.now)
    )
    return token


async def revoke_token(uc: UseCase, person_id: UUID) -> None:
    """The person's feed stops working (nothing to revoke is not an error)."""
    person = await lookups.person(uc, person_id)
    check_calendar_owner(uc.caller, person.id)
    await uc.uow.calendar.revoke(uc.org_id, person.id)


async def read_feed(uow: UnitOfWork, token: str, now: datetime) -> CalendarFeed | None:
    """The feed a token opens, or None for a token that opens nothing (unknown, replaced,
    revoked, or its person deactivated). Four statements, whatever the feed's size."""
    found = await uow.calendar.find(calendar_token_digest(token))
    if found is None:
        return None
    person = await uow.people.get(found.org_id, found.person_id)
    if person is None or not person.active:
        return None
    meetings = await uow.calendar.feed_meetings(
        found.org_id, person.id, feed_window(now), MAX_EVENTS
    )
    agendas = await uow.calendar.feed_agendas(
        found.org_id, [meeting.id for meeting in meetings], MAX_TITLES
    )
    events = tuple(calendar_event(meeting, agendas.get(meeting.id)) for meeting in meetings)
    return CalendarFeed(person.name, events)
