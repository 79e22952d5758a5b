"""The Query fields of the cadence policy."""

from __future__ import annotations

import strawberry

from app.api.graphql.context import GraphInfo
from app.api.graphql.decorators import resolves
from app.api.graphql.types.policy import Policy, policy_node
from app.domain.access import Scope
from app.services import settings_admin as service


@strawberry.type
class PolicyQuery:
    @resolves("The cadence policy (pairs:read).")
    async def policy(self, info: GraphInfo) -> Policy:
        info.context.require(Scope.PAIRS_READ)
        return policy_node(await service.policy(info.context.service_context))
