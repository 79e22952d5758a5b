"""Loading records of the caller's organization, or a not-found failure."""

from __future__ import annotations

from uuid import UUID

from app.domain.agenda import AgendaItem
from app.domain.commitments import Commitment
from app.domain.errors import InvalidInput, NotFound
from app.domain.meetings import Meeting
from app.domain.notes import Note, NoteVisibility
from app.domain.pairs import Pair
from app.domain.people import Person
from app.domain.templates import Template
from app.services.context import UseCase


async def person(uc: UseCase, person_id: UUID) -> Person:
    found = await uc.uow.people.get(uc.org_id, person_id)
    if found is None:
        raise NotFound("person", person_id)
    return found


async def pair(uc: UseCase, pair_id: UUID, *, for_update: bool = False) -> Pair:
    found = await uc.uow.pairs.get(uc.org_id, pair_id, for_update=for_update)
    if found is None:
        raise NotFound("pair", pair_id)
    return found


async def meeting(uc: UseCase, meeting_id: UUID, *, for_update: bool = False) -> Meeting:
    found = await uc.uow.meetings.get(uc.org_id, meeting_id, for_update=for_update)
    if found is None:
        raise NotFound("meeting", meeting_id)
    return found


async def meeting_and_pair_for_change(uc: UseCase, meeting_id: UUID) -> tuple[Meeting, Pair]:
    """Lock the pair, then the meeting: every writer takes them in this order, so two
    changes of one pair's meetings queue instead of deadlocking."""
    unlocked = await meeting(uc, meeting_id)
    locked_pair = await pair(uc, unlocked.pair_id, for_update=True)
    return await meeting(uc, meeting_id, for_update=True), locked_pair


async def agenda_item(uc: UseCase, item_id: UUID) -> AgendaItem:
    found = await uc.uow.agenda_items.get(uc.org_id, item_id)
    if found is None:
        raise NotFound("agenda item", item_id)
    return found


async def shared_note(uc: UseCase, note_id: UUID) -> Note:
    """Private notes do not exist for a caller who is not their author."""
    found = await uc.uow.notes.get(uc.org_id, note_id)
    if found is None or found.visibility is not NoteVisibility.SHARED:
        raise NotFound("note", note_id)
    return found


async def commitment(uc: UseCase, commitment_id: UUID) -> Commitment:
    found = await uc.uow.commitments.get(uc.org_id, commitment_id)
    if found is None:
        raise NotFound("commitment", commitment_id)
    return found


async def template(uc: UseCase, template_id: UUID) -> Template:
    found = await uc.uow.templates.get(uc.org_id, template_id)
    if found is None:
        raise NotFound("template", template_id)
    return found


async def referenced_person(uc: UseCase, person_id: UUID, field: str) -> Person:
    """A person named in a request body: unknown (or another organization's) is bad input."""
    found = await uc.uow.people.get(uc.org_id, person_id)
    if found is None:
        raise unknown_reference(field, "person", person_id)
    return found


def unknown_reference(field: str, resource: str, identifier: UUID) -> InvalidInput:
    return InvalidInput(
        f"{field}: no {resource} with id {identifier} exists.",
        code="unknown_reference",
        field=field,
    )
