"""SCIM Users: parse with scim2-models (after the provider shim), call the people services
that REST calls, serialize."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import Request
from fastapi.responses import Response
from scim2_models import Context, ListResponse

from app.api.access import ScimRead, ScimWrite
from app.api.scim import shim
from app.api.scim.errors import refusals
from app.api.scim.http import (
    answer,
    base_url,
    body_of,
    check_version,
    patched,
    scim_router,
    search_of,
    shown,
)
from app.api.scim.mapping import directory_query, provided, user_of, version_of
from app.api.scim.models import POLICY, FullUser
from app.domain.errors import NotFound
from app.domain.people import Person
from app.services import provisioning
from app.services.context import UseCase

router = scim_router()


def _id(user_id: str) -> UUID:
    """An id that is no UUID names no user (404, as SCIM expects)."""
    try:
        return UUID(user_id)
    except ValueError as error:
        raise NotFound("user", user_id) from error


def _user(request: Request, person: Person, context: Context, *, status: int = 200) -> Response:
    user = user_of(person, base_url(request))
    body = user.model_dump(scim_ctx=context, response_parameters=shown(request, FullUser))
    headers = {"ETag": version_of(person.updated_at)}
    if status == 201:
        headers["Location"] = f"{base_url(request)}/Users/{person.id}"
    return answer(body, status=status, headers=headers)


def _parsed(payload: Any, context: Context) -> Any:
    with refusals():
        return FullUser.model_validate(
            shim.user_payload(payload), scim_ctx=context, scim_policy=POLICY
        )


@router.post("/Users", operation_id="scim-users-create")
async def create_user(request: Request, uc: ScimWrite) -> Response:
    """Provision a person (or bring back one deleted under the same userName/externalId)."""
    user = _parsed(await body_of(request), Context.RESOURCE_CREATION_REQUEST)
    person = await provisioning.provision(uc, provided(user))
    return _user(request, person, Context.RESOURCE_CREATION_RESPONSE, status=201)


@router.post("/Users/.search", operation_id="scim-users-search")
async def search_users(request: Request, uc: ScimRead) -> Response:
    """The search of GET /Users, sent as a SearchRequest body."""
    return await _listed(request, uc)


@router.get("/Users", operation_id="scim-users-list")
async def list_users(request: Request, uc: ScimRead) -> Response:
    """Users by filter, 1-based index paging in a stable order (oldest first)."""
    return await _listed(request, uc)


async def _listed(request: Request, uc: UseCase) -> Response:
    search = await search_of(request, FullUser)
    query = directory_query(search.filter)
    start, count = search.start, search.count
    total, people = await provisioning.directory_window(uc, query, start - 1, count)
    base = base_url(request)
    listed = ListResponse[FullUser](
        total_results=total,
        start_index=start,
        items_per_page=len(people),
        resources=[user_of(person, base) for person in people],
    )
    return answer(
        listed.model_dump(scim_ctx=Context.SEARCH_RESPONSE, response_parameters=search.shown)
    )


@router.get("/Users/{user_id}", operation_id="scim-users-get")
async def get_user(request: Request, user_id: str, uc: ScimRead) -> Response:
    person = await provisioning.directory_person(uc, _id(user_id))
    return _user(request, person, Context.RESOURCE_QUERY_RESPONSE)


async def _current(request: Request, uc: UseCase, user_id: str) -> Person:
    person = await provisioning.directory_person(uc, _id(user_id))
    check_version(request, version_of(person.updated_at))
    return person


@router.put("/Users/{user_id}", operation_id="scim-users-replace")
async def replace_user(request: Request, user_id: str, uc: ScimWrite) -> Response:
    """A full replacement (RFC 7644 §3.5.1): what the body omits is cleared, the manager
    included."""
    person = await _current(request, uc, user_id)
    user = _parsed(await body_of(request), Context.RESOURCE_REPLACEMENT_REQUEST)
    person = await provisioning.replace_person(uc, person.id, provided(user))
    return _user(request, person, Context.RESOURCE_REPLACEMENT_RESPONSE)


@router.patch("/Users/{user_id}", operation_id="scim-users-patch")
async def patch_user(request: Request, user_id: str, uc: ScimWrite) -> Response:
    """RFC operations and the providers' dialects, applied to the user as it is, then
    written as a whole."""
    person = await _current(request, uc, user_id)
    user = user_of(person, base_url(request))
    if patched(FullUser, await body_of(request), user):
        person = await provisioning.replace_person(uc, person.id, provided(user))
    return _user(request, person, Context.RESOURCE_PATCH_RESPONSE)


@router.delete("/Users/{user_id}", operation_id="scim-users-delete", status_code=204)
async def delete_user(request: Request, user_id: str, uc: ScimWrite) -> Response:
    """Deactivate and hide from SCIM (404 afterwards); the history stays."""
    person = await _current(request, uc, user_id)
    await provisioning.remove_from_directory(uc, person.id)
    return Response(status_code=204)
