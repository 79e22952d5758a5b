"""Notes on a meeting: shared ones for the pair, private ones for their author alone."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, cast
from uuid import UUID

import strawberry

from app.api.graphql.connections import build
from app.api.graphql.context import GraphInfo
from app.api.graphql.decorators import mutates, resolves
from app.api.graphql.deletion import Deleted, DeleteResult
from app.api.graphql.mutations import (
    IF_VERSION,
    answer,
    checked,
    expected_version,
    perform,
    values_of,
)
from app.api.graphql.people import Person, load_person
from app.api.graphql.problems import (
    MeetingClosed,
    NotFoundProblem,
    PermissionProblem,
    StateConflictProblem,
    ValidationProblem,
)
from app.api.schemas.content import NoteCreate, NoteUpdate
from app.domain.access import Scope
from app.domain.notes import Note as DomainNote
from app.domain.notes import NoteVisibility
from app.services import notes as service
from app.services.context import UseCase


@strawberry.type(description="Text on a meeting by one participant.")
class Note:
    id: UUID
    meeting_id: UUID
    author_id: UUID
    body: str
    visibility: NoteVisibility
    created_at: datetime
    updated_at: datetime
    version: int = strawberry.field(
        description="The record's version: 1 when created, one more on every change (REST's"
        " ETag). Pass it as ifVersion to change the record only if nobody else has since."
    )

    @resolves("Who wrote it (people:read for a key).")
    async def author(self, info: GraphInfo) -> Person | None:
        return await load_person(info, self.author_id)


def note_node(note: DomainNote) -> Note:
    return build(Note, note)


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
