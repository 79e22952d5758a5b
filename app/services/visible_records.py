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
from app.services.context import UseCase


async def person(uc: UseCase, person_id: UUID) -> Person:
    """People are the organization's directory: every caller of the organization sees them."""
    found = await uc.uow.people.get(uc.org_id, person_id)
    if found is None:
        raise NotFound("person", person_id)
    return found


async def managers_above(uc: UseCase, person_id: UUID) -> set[UUID]:
    chain = await uc.uow.people.managers_above(uc.org_id, person_id)
    return {manager for manager in chain.values() if manager is not None}


async def _check_pair(uc: UseCase, found: Pair) -> None:
    # The reporting chain is loaded only when nothing else lets the caller see the pair.
    if can_see_pair(uc.caller, found, managers_of_lead=set()):
        return
    check_pair_visible(uc.caller, found, await managers_above(uc, found.lead_id))


async def pair(uc: UseCase, pair_id: UUID, *, for_update: bool = False) -> Pair:
    """A pair the caller may see (participants, managers above the lead, admins, keys)."""
    found = await uc.uow.pairs.get(uc.org_id, pair_id, for_update=for_update)
    if found is None:
        raise NotFound("pair", pair_id)
    await _check_pair(uc, found)
    return found


async def managed_pair(uc: UseCase, pair_id: UUID) -> Pair:
    """A pair the caller may change: seen, and the caller is an admin (or a key)."""
    found = await pair(uc, pair_id, for_update=True)
    check_admin(uc.caller, "change, pause or end a pair")
    return found


async def content_pair(uc: UseCase, pair_id: UUID, resource: str, identifier: UUID) -> Pair:
    """The pair behind a piece of content, which only its two people (or keys) may see."""
    found = await uc.uow.pairs.get(uc.org_id, pair_id)
    if found is None:
        raise NotFound(resource, identifier)
    check_content_visible(uc.caller, found, resource, identifier)
    return found


async def meeting(uc: UseCase, meeting_id: UUID, *, for_update: bool = False) -> Meeting:
    found = await uc.uow.meetings.get(uc.org_id, meeting_id, for_update=for_update)
    if found is None:
        raise NotFound("meeting", meeting_id)
    if uc.caller.person is not None:
        await content_pair(uc, found.pair_id, "meeting", meeting_id)
    return found


async def meeting_and_pair_for_change(uc: UseCase, meeting_id: UUID) -> tuple[Meeting, Pair]:
    """Lock the pair, then the meeting: every writer takes them in this order, so two
    changes of one pair's meetings queue instead of deadlocking."""
    unlocked = await meeting(uc, meeting_id)
    locked_pair = await uc.uow.pairs.get(uc.org_id, unlocked.pair_id, for_update=True)
    if locked_pair is None:
        raise NotFound("meeting", meeting_id)
    return await meeting(uc, meeting_id, for_update=True), locked_pair


async def agenda_item(uc: UseCase, item_id: UUID) -> AgendaItem:
    found = await uc.uow.agenda_items.get(uc.org_id, item_id)
    if found is None:
        raise NotFound("agenda item", item_id)
    if uc.caller.person is not None:
        await meeting(uc, found.meeting_id)
    uc.returns_content()
    return found


async def note(uc: UseCase, note_id: UUID) -> Note:
    """Shared notes for the pair's two people and keys; a private note for its author only."""
    found = await uc.uow.notes.get(uc.org_id, note_id)
    if found is None:
        raise NotFound("note", note_id)
    check_note_readable(uc.caller, found)
    if uc.caller.person is not None:
        await meeting(uc, found.meeting_id)
    uc.returns_content()
    return found


async def commitment(uc: UseCase, commitment_id: UUID) -> Commitment:
    found = await uc.uow.commitments.get(uc.org_id, commitment_id)
    if found is None:
        raise NotFound("commitment", commitment_id)
    if uc.caller.person is not None:
        await content_pair(uc, found.pair_id, "commitment", commitment_id)
    uc.returns_content()
    return found


async def template(uc: UseCase, template_id: UUID) -> Template:
    found = await uc.uow.templates.get(uc.org_id, template_id)
    if found is None:
        raise NotFound("template", template_id)
    uc.returns_content()
    return found


async def referenced_person(uc: UseCase, person_id: UUID, field: str) -> Person:
    """A person named in a request body: unknown (or another organization's) is bad input."""
    found = await uc.uow.people.get(uc.org_id, person_id)
    if found is None:
        raise unknown_reference(field, "person", person_id)
    return found


async def referenced_content_pair(
    uc: UseCase, pair_id: UUID, field: str, *, for_update: bool = False
) -> Pair:
    """A pair named in a body for its content (scheduling, commitments): for a person it must
    be one of their own pairs, else it does not exist for them."""
    found = await uc.uow.pairs.get(uc.org_id, pair_id, for_update=for_update)
    if found is None:
        raise unknown_reference(field, "pair", pair_id)
    try:
        check_content_visible(uc.caller, found, "pair", pair_id)
    except NotFound as hidden:
        raise unknown_reference(field, "pair", pair_id) from hidden
    return found


def unknown_reference(field: str, resource: str, identifier: UUID) -> InvalidInput:
    return InvalidInput(
        f"{field}: no {resource} with id {identifier} exists.",
        code="unknown_reference",
        field=field,
    )
