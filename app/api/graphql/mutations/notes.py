"""The mutations of notes: their inputs, results and Mutation fields."""

from __future__ import annotations

from typing import Annotated, cast
from uuid import UUID

import strawberry

from app.api.graphql.context import GraphInfo
from app.api.graphql.decorators import mutates
from app.api.graphql.mutations.deletion import Deleted, DeleteResult
from app.api.graphql.mutations.running import (
    IF_VERSION,
    answer,
    checked,
    expected_version,
    perform,
    values_of,
)
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
from app.domain.notes import NoteVisibility
from app.services import notes as service
from app.services.context import UseCase


@strawberry.input
class AddNoteInput:
    meeting_id: UUID
    author_id: UUID | None = strawberry.field(
        default=None,
        description="One of the pair's two people; required for service keys, the signed-in"
        " person for person tokens.",
    )
    body: str
    visibility: NoteVisibility = strawberry.field(
        default=NoteVisibility.SHARED,
        description="PRIVATE: readable by its author only (person tokens only).",
    )


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
        values = values_of(input)
        meeting_id: UUID = values.pop("meeting_id")

        async def add(uc: UseCase) -> DomainNote:
            body = checked(NoteCreate, values)
            return await service.add_note(uc, meeting_id, **body.model_dump())

        outcome = await perform(info, Scope.CONTENT_WRITE, add, NoteResult, meeting_id=meeting_id)
        return cast(NoteResult, answer(outcome, _note))

    @mutates("Replace a note's text; its author only (content:write).")
    async def update_note(
        self,
        info: GraphInfo,
        id: UUID,
        body: str,
        if_version: Annotated[int | None, strawberry.argument(description=IF_VERSION)] = None,
    ) -> NoteResult:
        async def update(uc: UseCase) -> DomainNote:
            checked(NoteUpdate, {"body": body})
            return await service.update_note(uc, id, body, expected_version(if_version))

        outcome = await perform(info, Scope.CONTENT_WRITE, update, NoteResult, note_id=id)
        return cast(NoteResult, answer(outcome, _note))

    @mutates("Delete a note; its author only (content:write).")
    async def delete_note(
        self,
        info: GraphInfo,
        id: UUID,
        if_version: Annotated[int | None, strawberry.argument(description=IF_VERSION)] = None,
    ) -> DeleteResult:
        async def delete(uc: UseCase) -> UUID:
            await service.delete_note(uc, id, expected_version(if_version))
            return id

        outcome = await perform(info, Scope.CONTENT_WRITE, delete, DeleteResult, note_id=id)
        return cast(DeleteResult, answer(outcome, lambda gone: Deleted(id=gone)))
