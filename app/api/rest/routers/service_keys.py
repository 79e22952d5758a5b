"""Service keys: credentials for integrations and scripts."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.api.access import AdminRead, AdminWrite
from app.api.problems import problem_responses
from app.api.rest.links import CREATED_ID, links, to
from app.api.rest.responses import Paging, many, one
from app.api.runtime import runtime_of
from app.api.schemas.common import NoBody, PageOut
from app.api.schemas.settings import ServiceKeyCreate, ServiceKeyCreated, ServiceKeyOut
from app.services import settings_admin as service

router = APIRouter(prefix="/v1/service-keys", tags=["access"])


@router.post(
    "",
    operation_id="service-keys-create",
    status_code=201,
    response_model=ServiceKeyCreated,
    responses={
        **problem_responses("service_key_only", "no_scopes"),
        **links(201, RevokeKey=to("service-keys-revoke", key_id=CREATED_ID)),
    },
)
async def create_key(body: ServiceKeyCreate, ctx: AdminWrite) -> Response:
    """Create a key; the secret is in this response only (stored as a SHA-256 digest)."""
    key, secret = await service.create_service_key(
        ctx, name=body.name, scopes=frozenset(body.scopes)
    )
    created = ServiceKeyCreated(
        id=key.id,
        created_at=key.created_at,
        updated_at=key.updated_at,
        name=key.name,
        prefix=key.prefix,
        scopes=list(key.scopes),
        revoked_at=key.revoked_at,
        key=secret,
    )
    response = one(ServiceKeyCreated, created, status=201, location=f"/v1/service-keys/{key.id}")
    response.headers["Cache-Control"] = "no-store"  # a secret: never cached, never kept
    return response


@router.get(
    "",
    operation_id="service-keys-list",
    response_model=PageOut[ServiceKeyOut],
    responses=problem_responses("service_key_only", "invalid_cursor"),
)
async def list_keys(ctx: AdminRead, paging: Paging) -> Response:
    """Keys of the organization (never their secrets), oldest first."""
    return many(ServiceKeyOut, await service.list_service_keys(ctx, paging))


@router.delete(
    "/{key_id}",
    operation_id="service-keys-revoke",
    status_code=204,
    responses=problem_responses("service_key_only", "not_found"),
)
async def revoke_key(
    key_id: UUID, ctx: AdminWrite, request: Request, _body: NoBody = None
) -> Response:
    """Revoke a key; it and the person tokens it minted stop working at once on this
    replica, within the key cache time on others."""
    await service.revoke_service_key(ctx, key_id)
    runtime_of(request).credentials.keys.forget(key_id)
    return Response(status_code=204)
