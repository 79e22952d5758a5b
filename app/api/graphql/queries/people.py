"""The Query fields of people."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import strawberry

from app.api.graphql.connections import FIRST_DESCRIPTION, Connection, from_page, page_request
from app.api.graphql.context import GraphInfo, or_none
from app.api.graphql.decorators import resolves
from app.api.graphql.types.people import Person, person_node
from app.domain.access import Scope
from app.domain.paging import DEFAULT_LIMIT
from app.domain.people import ManagerState
from app.domain.queries import PeopleFilter
from app.services import people as service
from app.services import visible_records


@strawberry.type
class PeopleQuery:
    @resolves("One person, or null (people:read).")
    async def person(self, info: GraphInfo, id: UUID) -> Person | None:
        info.context.require(Scope.PEOPLE_READ)
        found = await or_none(visible_records.person(info.context.service_context, id))
        return None if found is None else person_node(found)

    @resolves("People, oldest first; the filters of GET /v1/people.")
    async def people(
        self,
        info: GraphInfo,
        first: Annotated[int, strawberry.argument(description=FIRST_DESCRIPTION)] = DEFAULT_LIMIT,
        after: str | None = None,
        active: bool | None = None,
        manager_id: UUID | None = None,
        email: str | None = None,
        external_id: str | None = None,
        updated_since: datetime | None = None,
        username: str | None = None,
        manager_state: ManagerState | None = None,
    ) -> Connection[Person]:
        info.context.require(Scope.PEOPLE_READ)
        filters = PeopleFilter(
            active, manager_id, email, external_id, updated_since, username, manager_state
        )
        page = await service.list_people(
            info.context.service_context, filters, page_request(first, after)
        )
        return from_page(page, after, lambda p: p.created_at, person_node)
