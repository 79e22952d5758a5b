"""The shared agenda of a meeting: items, their order, templates applied to it."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from app.api.graphql.context import GraphInfo
from app.api.graphql.decorators import resolves
from app.api.graphql.types.derived import derived_type, node_maker, version_field
from app.api.graphql.types.people import Person, load_person, people_named_by
from app.api.schemas.content import AgendaItemOut
from app.domain.agenda import AgendaItem as DomainAgendaItem


@derived_type(AgendaItemOut, description="A talking point on a meeting.")
class AgendaItem:
    author_id: UUID  # read by the resolver below
    version: int = version_field()

    @resolves("Who added it (people:read for a key).", for_all_parents=people_named_by("author_id"))
    async def author(self, info: GraphInfo) -> Person | None:
        return await load_person(info, self.author_id)


agenda_item_node: Callable[[DomainAgendaItem], AgendaItem] = node_maker(AgendaItem)
