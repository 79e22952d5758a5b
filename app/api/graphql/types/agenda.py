"""The shared agenda of a meeting: items, their order, templates applied to it."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import strawberry

from app.api.graphql.connections import build
from app.api.graphql.context import GraphInfo
from app.api.graphql.decorators import resolves
from app.api.graphql.types.people import Person, load_person
from app.domain.agenda import AgendaItem as DomainAgendaItem
from app.domain.agenda import AgendaItemKind, AgendaItemState


@strawberry.type(description="A talking point on a meeting.")
class AgendaItem:
    id: UUID
    meeting_id: UUID
    author_id: UUID
    title: str
    details: str | None
    kind: AgendaItemKind
    position: int
    state: AgendaItemState
    carried_from_id: UUID | None
    created_at: datetime
    updated_at: datetime
    version: int = strawberry.field(
        description="The record's version: 1 when created, one more on every change (REST's"
        " ETag). Pass it as ifVersion to change the record only if nobody else has since."
    )

    @resolves("Who added it (people:read for a key).")
    async def author(self, info: GraphInfo) -> Person | None:
        return await load_person(info, self.author_id)


def agenda_item_node(item: DomainAgendaItem) -> AgendaItem:
    return build(AgendaItem, item)
