"""Notes on a meeting: shared ones for the pair, private ones for their author alone."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from app.api.graphql.context import GraphInfo
from app.api.graphql.decorators import resolves
from app.api.graphql.types.derived import derived_type, node_maker, version_field
from app.api.graphql.types.people import Person, load_person, people_named_by
from app.api.schemas.content import NoteOut
from app.domain.notes import Note as DomainNote


@derived_type(NoteOut, description="Text on a meeting by one participant.")
class Note:
    author_id: UUID  # read by the resolver below
    version: int = version_field()

    @resolves("Who wrote it (people:read for a key).", for_all_parents=people_named_by("author_id"))
    async def author(self, info: GraphInfo) -> Person | None:
        return await load_person(info, self.author_id)


note_node: Callable[[DomainNote], Note] = node_maker(Note)
