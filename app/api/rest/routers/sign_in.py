"""How the organization's people sign in: person tokens or OpenID Connect."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.api.access import AdminRead, AdminWrite
from app.api.problems import problem_responses
from app.api.rest.responses import one
from app.api.rest.schemas.sign_in import SignInIn, SignInOut
from app.api.runtime import runtime_of
from app.services import sign_in_settings as service

router = APIRouter(prefix="/v1/sign-in", tags=["access"])


@router.get(
    "",
    operation_id="sign-in-get",
    response_model=SignInOut,
    responses=problem_responses("service_key_only"),
)
async def get_sign_in(uc: AdminRead) -> Response:
    """How people of this organization sign in."""
    return one(SignInOut, await service.sign_in(uc))


@router.put(
    "",
    operation_id="sign-in-replace",
    response_model=SignInOut,
    responses=problem_responses(
        "service_key_only", "oidc_incomplete", "unsafe_provider_url", "sign_in_in_use"
    ),
)
async def replace_sign_in(body: SignInIn, uc: AdminWrite, request: Request) -> Response:
    """Choose person tokens or OpenID Connect. With `oidc`, Rapport verifies the provider's
    ID tokens itself and no service key can act as a person: minting is refused and
    minted tokens stop working (at once on this replica, within the key cache time on
    others)."""
    runtime = runtime_of(request)
    updated = await service.replace_sign_in(
        uc,
        body.model_dump(),
        allow_http_loopback=runtime.settings.oidc_allow_http_loopback,
    )
    runtime.credentials.sign_ins.forget(uc.org_id)
    return one(SignInOut, updated)
