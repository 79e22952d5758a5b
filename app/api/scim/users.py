"""SCIM Users: parse with scim2-models (after the provider shim), call the people services
that REST calls, serialize."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import Response
from scim2_models import Context

from app.api.access import ScimRead, ScimWrite
from app.api.scim import shim
from app.api.scim.http import (
    base_url,
    body_of,
    check_version,
    listed,
    one,
    parsed,
    patched,
    record_id,
    scim_router,
    search_of,
)
from app.api.scim.mapping import directory_query, provided, user_of, version_of
from app.api.scim.models import FullUser
from app.domain.people import Person
from app.services import provisioning
from app.services.context import ServiceContext

router = scim_router()


def _user(request: Request, person: Person, context: Context, *, created: bool = False) -> Response:
    return one(request, user_of(person, base_url(request)), context, created=created)


def _parsed(payload: Any, context: Context) -> Any:
    return parsed(FullUser, shim.user_payload(payload), context)


@router.post("/Users", operation_id="scim-users-create")
async def create_user(request: Request, ctx: ScimWrite) -> Response:
    """Provision a person (or bring back one deleted under the same userName/externalId)."""
    user = _parsed(await body_of(request), Context.RESOURCE_CREATION_REQUEST)
    person = await provisioning.provision(ctx, provided(user))
    return _user(request, person, Context.RESOURCE_CREATION_RESPONSE, created=True)


@router.post("/Users/.search", operation_id="scim-users-search")
async def search_users(request: Request, ctx: ScimRead) -> Response:
    """The search of GET /Users, sent as a SearchRequest body."""
    return await _listed(request, ctx)


@router.get("/Users", operation_id="scim-users-list")
async def list_users(request: Request, ctx: ScimRead) -> Response:
    """Users by filter, 1-based index paging in a stable order (oldest first)."""
    return await _listed(request, ctx)


async def _listed(request: Request, ctx: ServiceContext) -> Response:
    search = await search_of(request, FullUser)
    query = directory_query(search.filter)
    total, people = await provisioning.directory_window(ctx, query, search.start - 1, search.count)
    base = base_url(request)
    return listed(FullUser, search, total, [user_of(person, base) for person in people])


@router.get("/Users/{user_id}", operation_id="scim-users-get")
async def get_user(request: Request, user_id: str, ctx: ScimRead) -> Response:
    person = await provisioning.directory_person(ctx, record_id(user_id, "user"))
    return _user(request, person, Context.RESOURCE_QUERY_RESPONSE)


async def _current(request: Request, ctx: ServiceContext, user_id: str) -> Person:
    person = await provisioning.directory_person(ctx, record_id(user_id, "user"))
    check_version(request, version_of(person.updated_at))
    return person


@router.put("/Users/{user_id}", operation_id="scim-users-replace")
async def replace_user(request: Request, user_id: str, ctx: ScimWrite) -> Response:
    """A full replacement (RFC 7644 §3.5.1): what the body omits is cleared, the manager
    included."""
    person = await _current(request, ctx, user_id)
    user = _parsed(await body_of(request), Context.RESOURCE_REPLACEMENT_REQUEST)
    person = await provisioning.replace_person(ctx, person.id, provided(user))
    return _user(request, person, Context.RESOURCE_REPLACEMENT_RESPONSE)


@router.patch("/Users/{user_id}", operation_id="scim-users-patch")
async def patch_user(request: Request, user_id: str, ctx: ScimWrite) -> Response:
    """RFC operations and the providers' dialects, applied to the user as it is, then
    written as a whole."""
    person = await _current(request, ctx, user_id)
    user = user_of(person, base_url(request))
    if patched(FullUser, await body_of(request), user):
        person = await provisioning.replace_person(ctx, person.id, provided(user))
    return _user(request, person, Context.RESOURCE_PATCH_RESPONSE)


@router.delete("/Users/{user_id}", operation_id="scim-users-delete", status_code=204)
async def delete_user(request: Request, user_id: str, ctx: ScimWrite) -> Response:
    """Deactivate and hide from SCIM (404 afterwards); the history stays."""
    person = await _current(request, ctx, user_id)
    await provisioning.remove_from_directory(ctx, person.id)
    return Response(status_code=204)
