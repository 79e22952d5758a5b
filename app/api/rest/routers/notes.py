"""Shared notes on a meeting."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import Response

from app.api.access import ContentRead, ContentWrite
from app.api.problems import problem_responses
from app.api.rest.entity_tags import IfMatch, IfNoneMatch, current, versioned, with_etag
from app.api.rest.links import CREATED_ID, links, to
from app.api.rest.responses import Paging, many
from app.api.schemas.common import NoBody, PageOut
from app.api.schemas.content import NoteCreate, NoteOut, NoteUpdate
from app.services import notes as service
from app.services import visible_records

router = APIRouter(prefix="/v1", tags=["notes"])


@router.post(
    "/meetings/{meeting_id}/notes",
    operation_id="notes-create",
    status_code=201,
    response_model=NoteOut,
    responses=with_etag(
        {
            **problem_responses(
                "not_yourself",
                "not_found",
                "meeting_closed",
                "not_a_participant",
                "private_note_needs_person",
            ),
            **links(
                201,
                GetNote=to("notes-get", note_id=CREATED_ID),
                UpdateNote=to("notes-update", note_id=CREATED_ID),
                DeleteNote=to("notes-delete", note_id=CREATED_ID),
            ),
        },
        201,
    ),
)
async def add_note(meeting_id: UUID, body: NoteCreate, ctx: ContentWrite) -> Response:
    """Write a shared note on a scheduled or completed meeting."""
    note = await service.add_note(ctx, meeting_id, **body.model_dump())
    return versioned(NoteOut, note, status=201, location=f"/v1/notes/{note.id}")


@router.get(
    "/meetings/{meeting_id}/notes",
    operation_id="notes-list",
    response_model=PageOut[NoteOut],
    responses=problem_responses("not_found", "invalid_cursor"),
)
async def list_notes(meeting_id: UUID, ctx: ContentRead, paging: Paging) -> Response:
    """The meeting's shared notes, oldest first (sort key `created_at`, then `id`)."""
    return many(NoteOut, await service.list_notes(ctx, meeting_id, paging))


@router.get(
    "/notes/{note_id}",
    operation_id="notes-get",
    response_model=NoteOut,
    responses=with_etag(problem_responses("not_found"), conditional_read=True),
)
async def get_note(note_id: UUID, ctx: ContentRead, if_none_match: IfNoneMatch = None) -> Response:
    """One shared note."""
    return current(NoteOut, await visible_records.note(ctx, note_id), if_none_match)


@router.patch(
    "/notes/{note_id}",
    operation_id="notes-update",
    response_model=NoteOut,
    responses=with_etag(
        problem_responses(
            "nothing_to_change",
            "not_author",
            "meeting_closed",
            "not_found",
            "precondition_failed",
            "precondition_required",
        )
    ),
)
async def update_note(
    note_id: UUID, body: NoteUpdate, ctx: ContentWrite, expected: IfMatch
) -> Response:
    """Replace a shared note's text."""
    return versioned(NoteOut, await service.update_note(ctx, note_id, body.body, expected))


@router.delete(
    "/notes/{note_id}",
    operation_id="notes-delete",
    status_code=204,
    responses=problem_responses("not_author", "meeting_closed", "not_found", "precondition_failed"),
)
async def delete_note(
    note_id: UUID, ctx: ContentWrite, expected: IfMatch, _body: NoBody = None
) -> Response:
    """Delete a shared note."""
    await service.delete_note(ctx, note_id, expected)
    return Response(status_code=204)
