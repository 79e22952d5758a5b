"""An organization's choice of how its people sign in (admin keys)."""

from __future__ import annotations

from typing import Any

from app.domain.errors import StateConflict
from app.domain.sign_in import SignIn, SignInMode
from app.services.context import ServiceContext


async def sign_in(ctx: ServiceContext) -> SignIn:
    return await ctx.uow.sign_in.get(ctx.org_id)


async def replace_sign_in(
    ctx: ServiceContext, fields: dict[str, Any], *, allow_http_loopback: bool
) -> SignIn:
    """Replace the configuration. An ID token finds its organization by its (issuer,
    audience) pair, so a pair another organization signs in with is refused."""
    updated = (await ctx.uow.sign_in.get(ctx.org_id)).replaced(
        fields, allow_http_loopback=allow_http_loopback
    )
    if updated.mode is SignInMode.OIDC:
        assert updated.issuer is not None and updated.audience is not None
        holders = await ctx.uow.sign_in.find_oidc(updated.issuer, [updated.audience])
        if any(holder.org_id != ctx.org_id for holder in holders):
            raise StateConflict(
                "Another organization already signs in with this issuer and audience;"
                " register a client (audience) of your own at the identity provider.",
                code="sign_in_in_use",
            )
    await ctx.uow.sign_in.save(updated, ctx.now)
    return updated
