"""The Query fields of pairs."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import strawberry

from app.api.graphql.connections import Connection, from_page, page_request
from app.api.graphql.context import GraphInfo, or_none
from app.api.graphql.decorators import resolves
from app.api.graphql.types.pairs import First, Pair, pair_node
from app.domain.access import Scope
from app.domain.cadence import CadenceState
from app.domain.paging import DEFAULT_LIMIT
from app.domain.pairs import PairKind, PairStatus
from app.domain.queries import PairFilter
from app.services import pairs as service
from app.services import visible_records


@strawberry.type
class PairsQuery:
    @resolves("One pair the caller may see, or null (pairs:read).")
    async def pair(self, info: GraphInfo, id: UUID) -> Pair | None:
        info.context.require(Scope.PAIRS_READ)
        info.context.address(info, pair_id=id)
        found = await or_none(visible_records.pair(info.context.service_context, id))
        return None if found is None else pair_node(found)

    @resolves(
        "Pairs the caller may see, oldest first; the filters of"
        " GET /v1/pairs (`state` is the cadence state now)."
    )
    async def pairs(
        self,
        info: GraphInfo,
        first: First = DEFAULT_LIMIT,
        after: str | None = None,
        person_id: UUID | None = None,
        lead_id: UUID | None = None,
        member_id: UUID | None = None,
        kind: PairKind | None = None,
        status: PairStatus | None = None,
        updated_since: datetime | None = None,
        state: CadenceState | None = None,
    ) -> Connection[Pair]:
        info.context.require(Scope.PAIRS_READ)
        info.context.address(info)
        filters = PairFilter(person_id, lead_id, member_id, kind, status, updated_since, state)
        page = await service.list_pairs(
            info.context.service_context, filters, page_request(first, after)
        )
        return from_page(page, after, lambda p: p.created_at, pair_node)
