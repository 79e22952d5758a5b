"""Notes on a meeting: shared ones for the pair, private ones for their author alone."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import strawberry

from app.api.graphql.connections import build
from app.api.graphql.context import GraphInfo
from app.api.graphql.decorators import resolves
from app.api.graphql.types.people import Person, load_person
from app.domain.notes import Note as DomainNote
from app.domain.notes import NoteVisibility


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
