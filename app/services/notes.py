"""Notes on a meeting: shared notes for the pair's two people (and content keys); private
notes written by a signed-in person and readable by their author alone."""

from __future__ import annotations

from uuid import UUID

from app.domain.notes import Note, NoteVisibility
from app.domain.paging import Page, PageRequest
from app.domain.privacy import acting_person, check_note_author, check_private_note_author
from app.domain.versions import Expected, check_version
from app.services import versions, visible_records
from app.services.context import UseCase, new_id


async def add_note(
    uc: UseCase,
    meeting_id: UUID,
    *,
    author_id: UUID | None,
    body: str,
    visibility: NoteVisibility,
) -> Note:
    if visibility is NoteVisibility.PRIVATE:
        check_private_note_author(uc.caller)
    meeting = await visible_records.meeting(uc, meeting_id)
    meeting.check_accepts_records()
    author = acting_person(uc.caller, author_id, "author_id")
    pair = await visible_records.content_pair(uc, meeting.pair_id, "meeting", meeting.id)
    pair.check_participant(author, "author_id")
    note = Note(
        id=new_id(),
        org_id=uc.org_id,
        meeting_id=meeting.id,
        author_id=author,
        body=body,
        visibility=visibility,
        created_at=uc.now,
        updated_at=uc.now,
    )
    await uc.uow.notes.add(note)
    return note


async def list_notes(uc: UseCase, meeting_id: UUID, request: PageRequest) -> Page[Note]:
    """Shared notes, plus the caller's own private notes when the caller is a person."""
    await visible_records.meeting(uc, meeting_id)
    uc.returns_content()
    return await uc.uow.notes.list_for_meeting(
        uc.org_id, meeting_id, request, private_of=uc.caller.person_id
    )


async def _changeable(uc: UseCase, note_id: UUID, expected: Expected | None) -> Note:
    note = await visible_records.note(uc, note_id)
    check_note_author(uc.caller, note)
    check_version("note", note.version, expected)
    (await visible_records.meeting(uc, note.meeting_id)).check_accepts_records()
    return note


async def update_note(
    uc: UseCase, note_id: UUID, body: str, expected: Expected | None = None
) -> Note:
    note = await _changeable(uc, note_id, expected)
    await versions.require_given(uc, "note", expected)
    note.body = body
    note.updated_at = uc.now
    await versions.save(uc, uc.uow.notes, note, "note", expected)
    return note


async def delete_note(uc: UseCase, note_id: UUID, expected: Expected | None = None) -> None:
    note = await _changeable(uc, note_id, expected)
    await versions.delete(uc, uc.uow.notes, note, "note", expected)
