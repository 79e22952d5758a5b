"""Loading records of the caller's organization that the caller may see, or not-found.

The privacy contract (app.domain.privacy) is applied here, below REST and GraphQL alike:
a record the caller may not see does not exist for them.
"""

from __future__ import annotations

from uuid import UUID

from app.domain.agenda import AgendaItem
from app.domain.commitments import Commitment
from app.domain.errors import InvalidInput, NotFound
from app.domain.meetings import Meeting
from app.domain.notes import Note
from app.domain.pairs import Pair
from app.domain.people import Person
from app.domain.privacy import (
    can_see_pair,
    check_admin,
    check_content_visible,
    check_note_readable,
    check_pair_visible,
)
from app.domain.templates import Template
from app.services.context import ServiceContext


async def person(ctx: ServiceContext, person_id: UUID) -> Person:
    """People are the organization's directory: every caller of the organization sees them."""
    found = await ctx.uow.people.get(ctx.org_id, person_id)
    if found is None:
        raise NotFound("person", person_id)
    return found


async def managers_above(ctx: ServiceContext, person_id: UUID) -> set[UUID]:
    chain = await ctx.uow.people.managers_above(ctx.org_id, person_id)
    return {manager for manager in chain.values() if manager is not None}


async def _check_pair(ctx: ServiceContext, found: Pair) -> None:
    # The reporting chain is loaded only when nothing else lets the caller see the pair.
    if can_see_pair(ctx.caller, found, managers_of_lead=set()):
        return
    check_pair_visible(ctx.caller, found, await managers_above(ctx, found.lead_id))


async def pair(ctx: ServiceContext, pair_id: UUID, *, for_update: bool = False) -> Pair:
    """A pair the caller may see (participants, managers above the lead, admins, keys)."""
    found = await ctx.uow.pairs.get(ctx.org_id, pair_id, for_update=for_update)
    if found is None:
        raise NotFound("pair", pair_id)
    await _check_pair(ctx, found)
    return found


async def managed_pair(ctx: ServiceContext, pair_id: UUID) -> Pair:
    """A pair the caller may change: seen, and the caller is an admin (or a key)."""
    found = await pair(ctx, pair_id, for_update=True)
    check_admin(ctx.caller, "change, pause or end a pair")
    return found


async def content_pair(ctx: ServiceContext, pair_id: UUID, resource: str, identifier: UUID) -> Pair:
    """The pair behind a piece of content, which only its two people (or keys) may see."""
    found = await ctx.uow.pairs.get(ctx.org_id, pair_id)
    if found is None:
        raise NotFound(resource, identifier)
    check_content_visible(ctx.caller, found, resource, identifier)
    return found


async def meeting(ctx: ServiceContext, meeting_id: UUID, *, for_update: bool = False) -> Meeting:
    found = await ctx.uow.meetings.get(ctx.org_id, meeting_id, for_update=for_update)
    return await meeting_if_visible(ctx, meeting_id, found)


async def meeting_if_visible(
    ctx: ServiceContext, meeting_id: UUID, found: Meeting | None
) -> Meeting:
    """The meeting read by id, if the caller may see it: only its pair's people may (or
    keys)."""
    if found is None:
        raise NotFound("meeting", meeting_id)
    if ctx.caller.person is not None:
        await content_pair(ctx, found.pair_id, "meeting", meeting_id)
    return found


async def meeting_and_pair_for_change(
    ctx: ServiceContext, meeting_id: UUID
) -> tuple[Meeting, Pair]:
    """Lock the pair, then the meeting: every writer takes them in this order, so two
    changes of one pair's meetings queue instead of deadlocking."""
    unlocked = await meeting(ctx, meeting_id)
    locked_pair = await ctx.uow.pairs.get(ctx.org_id, unlocked.pair_id, for_update=True)
    if locked_pair is None:
        raise NotFound("meeting", meeting_id)
    return await meeting(ctx, meeting_id, for_update=True), locked_pair


async def agenda_item(ctx: ServiceContext, item_id: UUID) -> AgendaItem:
    found = await ctx.uow.agenda_items.get(ctx.org_id, item_id)
    if found is None:
        raise NotFound("agenda item", item_id)
    if ctx.caller.person is not None:
        await meeting(ctx, found.meeting_id)
    ctx.returns_content()
    return found


async def note(ctx: ServiceContext, note_id: UUID) -> Note:
    """Shared notes for the pair's two people and keys; a private note for its author only."""
    found = await ctx.uow.notes.get(ctx.org_id, note_id)
    if found is None:
        raise NotFound("note", note_id)
    check_note_readable(ctx.caller, found)
    if ctx.caller.person is not None:
        await meeting(ctx, found.meeting_id)
    ctx.returns_content()
    return found


async def commitment(ctx: ServiceContext, commitment_id: UUID) -> Commitment:
    found = await ctx.uow.commitments.get(ctx.org_id, commitment_id)
    if found is None:
        raise NotFound("commitment", commitment_id)
    if ctx.caller.person is not None:
        await content_pair(ctx, found.pair_id, "commitment", commitment_id)
    ctx.returns_content()
    return found


async def template(ctx: ServiceContext, template_id: UUID) -> Template:
    found = await ctx.uow.templates.get(ctx.org_id, template_id)
    if found is None:
        raise NotFound("template", template_id)
    ctx.returns_content()
    return found


async def referenced_person(ctx: ServiceContext, person_id: UUID, field: str) -> Person:
    """A person named in a request body: unknown (or another organization's) is bad input."""
    found = await ctx.uow.people.get(ctx.org_id, person_id)
    if found is None:
        raise unknown_reference(field, "person", person_id)
    return found


async def referenced_content_pair(
    ctx: ServiceContext, pair_id: UUID, field: str, *, for_update: bool = False
) -> Pair:
    """A pair named in a body for its content (scheduling, commitments): for a person it must
    be one of their own pairs, else it does not exist for them."""
    found = await ctx.uow.pairs.get(ctx.org_id, pair_id, for_update=for_update)
    if found is None:
        raise unknown_reference(field, "pair", pair_id)
    try:
        check_content_visible(ctx.caller, found, "pair", pair_id)
    except NotFound as hidden:
        raise unknown_reference(field, "pair", pair_id) from hidden
    return found


def unknown_reference(field: str, resource: str, identifier: UUID) -> InvalidInput:
    return InvalidInput(
        f"{field}: no {resource} with id {identifier} exists.",
        code="unknown_reference",
        field=field,
    )
