"""How the organization's people sign in: person tokens or OpenID Connect, and which
identity provider account signs in as whom."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.api.access import AdminRead, AdminWrite
from app.api.problems import problem_responses
from app.api.rest.responses import Paging, many, one
from app.api.runtime import runtime_of
from app.api.schemas.common import Instant, NoBody, PageOut
from app.api.schemas.sign_in import SignInBindingOut, SignInIn, SignInOut
from app.domain.queries import BindingFilter
from app.services import sign_in_bindings
from app.services import sign_in_settings as service

router = APIRouter(prefix="/v1", tags=["access"])


@router.get(
    "/sign-in",
    operation_id="sign-in-get",
    response_model=SignInOut,
    responses=problem_responses("service_key_only"),
)
async def get_sign_in(ctx: AdminRead) -> Response:
    """How people of this organization sign in."""
    return one(SignInOut, await service.sign_in(ctx))


@router.put(
    "/sign-in",
    operation_id="sign-in-replace",
    response_model=SignInOut,
    responses=problem_responses(
        "service_key_only", "oidc_incomplete", "unsafe_provider_url", "sign_in_in_use"
    ),
)
async def replace_sign_in(body: SignInIn, ctx: AdminWrite, request: Request) -> Response:
    """Choose person tokens or OpenID Connect. With `oidc`, Rapport verifies the provider's
    ID tokens itself and no service key can act as a person: minting is refused and
    minted tokens stop working (at once on this replica, within the key cache time on
    others)."""
    runtime = runtime_of(request)
    updated = await service.replace_sign_in(
        ctx,
        body.model_dump(),
        allow_http_loopback=runtime.settings.oidc_allow_http_loopback,
    )
    runtime.credentials.sign_ins.forget(ctx.org_id)
    return one(SignInOut, updated)


@router.get(
    "/sign-in/bindings",
    operation_id="sign-in-bindings-list",
    response_model=PageOut[SignInBindingOut],
    responses=problem_responses("service_key_only", "invalid_cursor"),
)
async def list_sign_in_bindings(
    ctx: AdminRead,
    paging: Paging,
    person_id: UUID | None = None,
    bound_since: Instant | None = None,
) -> Response:
    """Which identity provider account signs in as whom, oldest binding first (sort key
    `bound_at`, then `id`): review recent ones (`bound_since`) against changes of people's
    emails and external ids."""
    filters = BindingFilter(person_id, bound_since)
    return many(SignInBindingOut, await sign_in_bindings.list_bindings(ctx, filters, paging))


@router.delete(
    "/people/{person_id}/sign-in-bindings",
    operation_id="people-sign-in-bindings-delete",
    status_code=204,
    responses=problem_responses("service_key_only", "not_found"),
)
async def unbind_person(person_id: UUID, ctx: AdminWrite, _body: NoBody = None) -> Response:
    """Let the person's next sign-in bind a new account (at every issuer): the one way to
    move a person to another account of the identity provider; audited."""
    await sign_in_bindings.unbind(ctx, person_id)
    return Response(status_code=204)
