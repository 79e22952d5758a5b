"""Calendar feeds: minting and revoking a person's token, and reading the feed it opens."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from app.domain.audit import AuditEvent
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
from app.services import visible_records
from app.services.context import ServiceContext, new_id
from app.services.ports.unit_of_work import UnitOfWork


async def mint_token(ctx: ServiceContext, person_id: UUID) -> str:
    """A new token for the person's feed; any earlier one stops working."""
    person = await visible_records.person(ctx, person_id)
    check_calendar_owner(ctx.caller, person.id)
    if not person.active:
        raise StateConflict(
            "The person is deactivated; a deactivated person has no calendar feed.",
            code="person_deactivated",
        )
    token = new_calendar_token()
    await ctx.uow.calendar.revoke(ctx.org_id, person.id)
    await ctx.uow.calendar.add(
        CalendarToken(
            id=new_id(),
            org_id=ctx.org_id,
            person_id=person.id,
            digest=calendar_token_digest(token),
            minted_by_key_id=ctx.caller.credential_key_id,
            minted_by_person_id=ctx.caller.person_id,
            created_at=ctx.now,
        )
    )
    return token


async def revoke_token(ctx: ServiceContext, person_id: UUID) -> None:
    """The person's feed stops working (nothing to revoke is not an error)."""
    person = await visible_records.person(ctx, person_id)
    check_calendar_owner(ctx.caller, person.id)
    await ctx.uow.calendar.revoke(ctx.org_id, person.id)


def key_read(feed: CalendarFeed, operation: str, now: datetime) -> AuditEvent | None:
    """The audit line of a feed read, when the feed was minted by a service key: its reads
    are that key's reads of content (privacy contract, rule 6). A person's own feed, minted
    by themselves, is not audited. The line names the person, never the token."""
    token = feed.token
    if not token.read_by_key:
        return None
    return AuditEvent(
        id=new_id(),
        org_id=token.org_id,
        at=now,
        operation=operation,
        method="GET",
        record_ids={"person_id": str(token.person_id)},
        actor_key_id=token.minted_by_key_id,
        actor_person_id=None,
    )


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
    return CalendarFeed(found, person.name, events)
