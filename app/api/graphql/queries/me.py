"""The Query fields of the caller."""

from __future__ import annotations

import strawberry

from app.api.graphql.context import GraphInfo
from app.api.graphql.decorators import resolves
from app.api.graphql.types.me import Me, ServiceKeyInfo
from app.api.graphql.types.people import person_node
from app.services import me


@strawberry.type
class MeQuery:
    @resolves("The caller (GET /v1/me).")
    async def me(self, info: GraphInfo) -> Me:
        ctx = info.context.service_context
        caller = await me.describe(ctx)
        key = caller.service_key
        return Me(
            kind="person" if caller.person is not None else "service_key",
            organization_id=ctx.org_id,
            person=None if caller.person is None else person_node(caller.person),
            service_key=None
            if key is None
            else ServiceKeyInfo(
                id=key.id,
                name=key.name,
                prefix=key.prefix,
                scopes=sorted(key.scopes),
                created_at=key.created_at,
                revoked_at=key.revoked_at,
            ),
        )
