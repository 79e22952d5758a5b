"""Notes on a meeting. Only shared notes exist for service keys; private notes need a
person's identity and are readable by their author alone."""

from __future__ import annotations

from uuid import UUID

from app.domain.notes import Note, NoteVisibility, check_visibility_allowed
from app.domain.paging import Page, PageRequest
from app.services import lookups
from app.services.context import UseCase, new_id


async def add_note(
    uc: UseCase, meeting_id: UUID, *, author_id: UUID, body: str, visibility: NoteVisibility
) -> Note:
    check_visibility_allowed(visibility)
    meeting = await lookups.meeting(uc, meeting_id)
    meeting.check_accepts_records()
    pair = await lookups.pair(uc, meeting.pair_id)
    pair.check_participant(author_id, "author_id")
    note = Note(
        id=new_id(),
        org_id=uc.org_id,
        meeting_id=meeting.id,
        author_id=author_id,
        body=body,
        visibility=visibility,
        created_at=uc.now,
        updated_at=uc.now,
    )
    await uc.uow.notes.add(note)
    return note


async def list_notes(uc: UseCase, meeting_id: UUID, request: PageRequest) -> Page[Note]:
    await lookups.meeting(uc, meeting_id)
    return await uc.uow.notes.list_shared_for_meeting(uc.org_id, meeting_id, request)


async def update_note(uc: UseCase, note_id: UUID, body: str) -> Note:
    note = await lookups.shared_note(uc, note_id)
    note.body = body
    note.updated_at = uc.now
    await uc.uow.notes.save(note)
    return note


async def delete_note(uc: UseCase, note_id: UUID) -> None:
    note = await lookups.shared_note(uc, note_id)
    await uc.uow.notes.delete(uc.org_id, note.id)
