"""The mutations of notes: their inputs, results and Mutation fields."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import strawberry

from app.api.graphql.mutations.deletion import DeleteResult, deleted
from app.api.graphql.mutations.inputs import derived_input, read
from app.api.graphql.mutations.running import IF_VERSION, checked, expected_version, mutation
from app.api.graphql.problems import (
    MeetingClosed,
    NotFoundProblem,
    PermissionProblem,
    StateConflictProblem,
    ValidationProblem,
)
from app.api.graphql.types.notes import Note, note_node
from app.api.schemas.content import NoteCreate, NoteUpdate
from app.domain.access import Scope
from app.domain.notes import Note as DomainNote
from app.services import notes as service
from app.services.context import ServiceContext


@derived_input(NoteCreate)
class AddNoteInput:
    meeting_id: UUID


@strawberry.type
class NoteSuccess:
    note: Note


NoteResult = Annotated[
    NoteSuccess
    | ValidationProblem
    | NotFoundProblem
    | PermissionProblem
    | MeetingClosed
    | StateConflictProblem,
    strawberry.union("NoteResult"),
]


def _note(note: DomainNote) -> NoteSuccess:
    return NoteSuccess(note=note_node(note))


@mutation(
    "Write a note on a scheduled or completed meeting (content:write).",
    scope=Scope.CONTENT_WRITE,
    result=NoteResult,
    success=_note,
    audit=lambda input: {"meeting_id": input.meeting_id},
)
async def add_note(ctx: ServiceContext, input: AddNoteInput) -> DomainNote:
    body = read(input, NoteCreate)
    return await service.add_note(ctx, input.meeting_id, **body.model_dump())


@mutation(
    "Replace a note's text; its author only (content:write).",
    scope=Scope.CONTENT_WRITE,
    result=NoteResult,
    success=_note,
    audit=lambda id, **_: {"note_id": id},
)
async def update_note(
    ctx: ServiceContext,
    id: UUID,
    body: str,
    if_version: Annotated[int | None, strawberry.argument(description=IF_VERSION)] = None,
) -> DomainNote:
    checked(NoteUpdate, {"body": body})
    return await service.update_note(ctx, id, body, expected_version(if_version))


@mutation(
    "Delete a note; its author only (content:write).",
    scope=Scope.CONTENT_WRITE,
    result=DeleteResult,
    success=deleted,
    audit=lambda id, **_: {"note_id": id},
)
async def delete_note(
    ctx: ServiceContext,
    id: UUID,
    if_version: Annotated[int | None, strawberry.argument(description=IF_VERSION)] = None,
) -> UUID:
    await service.delete_note(ctx, id, expected_version(if_version))
    return id


MUTATIONS = (add_note, update_note, delete_note)
