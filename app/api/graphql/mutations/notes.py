"""The mutations of notes: their inputs, results and Mutation fields."""

from __future__ import annotations

from typing import Annotated, cast
from uuid import UUID

import strawberry

from app.api.graphql.context import GraphInfo
from app.api.graphql.decorators import mutates
from app.api.graphql.mutations.deletion import Deleted, DeleteResult
from app.api.graphql.mutations.inputs import derived_input, read
from app.api.graphql.mutations.running import IF_VERSION, answer, checked, expected_version, perform
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


@strawberry.type
class NotesMutation:
    @mutates("Write a note on a scheduled or completed meeting (content:write).")
    async def add_note(self, info: GraphInfo, input: AddNoteInput) -> NoteResult:
        async def add(ctx: ServiceContext) -> DomainNote:
            body = read(input, NoteCreate)
            return await service.add_note(ctx, input.meeting_id, **body.model_dump())

        outcome = await perform(
            info, Scope.CONTENT_WRITE, add, NoteResult, meeting_id=input.meeting_id
        )
        return cast(NoteResult, answer(outcome, _note))

    @mutates("Replace a note's text; its author only (content:write).")
    async def update_note(
        self,
        info: GraphInfo,
        id: UUID,
        body: str,
        if_version: Annotated[int | None, strawberry.argument(description=IF_VERSION)] = None,
    ) -> NoteResult:
        async def update(ctx: ServiceContext) -> DomainNote:
            checked(NoteUpdate, {"body": body})
            return await service.update_note(ctx, id, body, expected_version(if_version))

        outcome = await perform(info, Scope.CONTENT_WRITE, update, NoteResult, note_id=id)
        return cast(NoteResult, answer(outcome, _note))

    @mutates("Delete a note; its author only (content:write).")
    async def delete_note(
        self,
        info: GraphInfo,
        id: UUID,
        if_version: Annotated[int | None, strawberry.argument(description=IF_VERSION)] = None,
    ) -> DeleteResult:
        async def delete(ctx: ServiceContext) -> UUID:
            await service.delete_note(ctx, id, expected_version(if_version))
            return id

        outcome = await perform(info, Scope.CONTENT_WRITE, delete, DeleteResult, note_id=id)
        return cast(DeleteResult, answer(outcome, lambda gone: Deleted(id=gone)))
