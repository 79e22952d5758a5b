"""The Query fields of agenda templates."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import strawberry

from app.api.graphql.connections import FIRST_DESCRIPTION, Connection, from_page, page_request
from app.api.graphql.context import GraphInfo, or_none
from app.api.graphql.decorators import resolves
from app.api.graphql.types.templates import Template, template_node
from app.domain.access import Scope
from app.domain.paging import DEFAULT_LIMIT
from app.services import settings_admin as service
from app.services import visible_records


@strawberry.type
class TemplatesQuery:
    @resolves("One template, or null (content:read).")
    async def template(self, info: GraphInfo, id: UUID) -> Template | None:
        info.context.address(info, template_id=id)
        info.context.require(Scope.CONTENT_READ)
        found = await or_none(visible_records.template(info.context.service_context, id))
        return None if found is None else template_node(found)

    @resolves("Templates, oldest first (content:read).")
    async def templates(
        self,
        info: GraphInfo,
        first: Annotated[int, strawberry.argument(description=FIRST_DESCRIPTION)] = DEFAULT_LIMIT,
        after: str | None = None,
    ) -> Connection[Template]:
        info.context.address(info)
        info.context.require(Scope.CONTENT_READ)
        page = await service.list_templates(
            info.context.service_context, page_request(first, after)
        )
        return from_page(page, after, lambda t: t.created_at, template_node)
