"""Notes on a meeting: shared notes for the pair's two people (and content keys); private
notes written by a signed-in person and readable by their author alone."""

from __future__ import annotations

from uuid import UUID

from app.domain.notes import Note, NoteVisibility
from app.domain.paging import Page, PageRequest
from app.domain.privacy import acting_person, check_note_author, check_private_note_author
from app.domain.versions import Expected, check_version
from app.services import versions, visible_records
from app.services.context import ServiceContext, new_id


async def add_note(
    ctx: ServiceContext,
    meeting_id: UUID,
    *,
    author_id: UUID | None,
    body: str,
    visibility: NoteVisibility,
) -> Note:
    if visibility is NoteVisibility.PRIVATE:
        check_private_note_author(ctx.caller)
    meeting = await visible_records.meeting(ctx, meeting_id)
    meeting.check_accepts_records()
    author = acting_person(ctx.caller, author_id, "author_id")
    pair = await visible_records.content_pair(ctx, meeting.pair_id, "meeting", meeting.id)
    pair.check_participant(author, "author_id")
    note = Note(
        id=new_id(),
        org_id=ctx.org_id,
        meeting_id=meeting.id,
        author_id=author,
        body=body,
        visibility=visibility,
        created_at=ctx.now,
        updated_at=ctx.now,
    )
    await ctx.uow.notes.add(note)
    return note


async def list_notes(ctx: ServiceContext, meeting_id: UUID, request: PageRequest) -> Page[Note]:
    """Shared notes, plus the caller's own private notes when the caller is a person."""
    await visible_records.meeting(ctx, meeting_id)
    ctx.returns_content()
    return await ctx.uow.notes.list_for_meeting(
        ctx.org_id, meeting_id, request, private_of=ctx.caller.person_id
    )


async def _changeable(ctx: ServiceContext, note_id: UUID, expected: Expected | None) -> Note:
    note = await visible_records.note(ctx, note_id)
    check_note_author(ctx.caller, note)
    check_version("note", note.version, expected)
    (await visible_records.meeting(ctx, note.meeting_id)).check_accepts_records()
    return note


async def update_note(
    ctx: ServiceContext, note_id: UUID, body: str, expected: Expected | None = None
) -> Note:
    note = await _changeable(ctx, note_id, expected)
    await versions.require_given(ctx, "note", expected)
    note.body = body
    note.updated_at = ctx.now
    await versions.save(ctx, ctx.uow.notes, note, "note", expected)
    return note


async def delete_note(ctx: ServiceContext, note_id: UUID, expected: Expected | None = None) -> None:
    note = await _changeable(ctx, note_id, expected)
    await versions.delete(ctx, ctx.uow.notes, note, "note", expected)
