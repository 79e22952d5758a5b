"""SCIM Groups: named sets of people, over the group services."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import Request
from fastapi.responses import Response
from scim2_models import Context

from app.api.access import ScimRead, ScimWrite
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
from app.api.scim.mapping import group_of, group_query, version_of
from app.api.scim.models import Group
from app.api.scim.values import checked
from app.domain.errors import InvalidInput
from app.services import groups as service
from app.services.context import ServiceContext
from app.services.groups import GroupWithMembers

router = scim_router()


def _members(group: Any) -> list[UUID]:
    """Members are people: their SCIM ids."""
    found = []
    for member in group.members or []:
        try:
            found.append(UUID(str(member.value)))
        except ValueError as error:
            raise InvalidInput(
                f"members: {member.value!r} is not the id of a user.", code="unknown_reference"
            ) from error
    return found


def _name(group: Any) -> str:
    return checked("displayName", group.display_name or "")


def _external_id(group: Any) -> str | None:
    sent: str | None = group.external_id
    return checked("externalId", sent)


def _answer(
    request: Request, found: GroupWithMembers, context: Context, *, created: bool = False
) -> Response:
    group = group_of(found.group, found.member_ids, base_url(request))
    return one(request, group, context, created=created)


@router.post("/Groups", operation_id="scim-groups-create")
async def create_group(request: Request, ctx: ScimWrite) -> Response:
    group = parsed(Group, await body_of(request), Context.RESOURCE_CREATION_REQUEST)
    created = await service.create_group(ctx, _name(group), _external_id(group), _members(group))
    return _answer(request, created, Context.RESOURCE_CREATION_RESPONSE, created=True)


@router.post("/Groups/.search", operation_id="scim-groups-search")
async def search_groups(request: Request, ctx: ScimRead) -> Response:
    """The search of GET /Groups, sent as a SearchRequest body."""
    return await _listed(request, ctx)


@router.get("/Groups", operation_id="scim-groups-list")
async def list_groups(request: Request, ctx: ScimRead) -> Response:
    """Groups by `displayName eq` / `externalId eq`, 1-based index paging."""
    return await _listed(request, ctx)


async def _listed(request: Request, ctx: ServiceContext) -> Response:
    search = await search_of(request, Group)
    query = group_query(search.filter)
    total, found = await service.group_window(ctx, query, search.start - 1, search.count)
    base = base_url(request)
    return listed(Group, search, total, [group_of(g.group, g.member_ids, base) for g in found])


@router.get("/Groups/{group_id}", operation_id="scim-groups-get")
async def get_group(request: Request, group_id: str, ctx: ScimRead) -> Response:
    found = await service.group(ctx, record_id(group_id, "group"))
    return _answer(request, found, Context.RESOURCE_QUERY_RESPONSE)


async def _current(request: Request, ctx: ServiceContext, group_id: str) -> GroupWithMembers:
    found = await service.group(ctx, record_id(group_id, "group"))
    check_version(request, version_of(found.group.updated_at))
    return found


@router.put("/Groups/{group_id}", operation_id="scim-groups-replace")
async def replace_group(request: Request, group_id: str, ctx: ScimWrite) -> Response:
    current = await _current(request, ctx, group_id)
    group = parsed(Group, await body_of(request), Context.RESOURCE_REPLACEMENT_REQUEST)
    replaced = await service.replace_group(
        ctx, current.group.id, _name(group), _external_id(group), _members(group)
    )
    return _answer(request, replaced, Context.RESOURCE_REPLACEMENT_RESPONSE)


@router.patch("/Groups/{group_id}", operation_id="scim-groups-patch")
async def patch_group(request: Request, group_id: str, ctx: ScimWrite) -> Response:
    """Members added and removed (Entra's removal by value included), or a new name."""
    current = await _current(request, ctx, group_id)
    group = group_of(current.group, current.member_ids, base_url(request))
    if patched(Group, await body_of(request), group):
        current = await service.replace_group(
            ctx, current.group.id, _name(group), _external_id(group), _members(group)
        )
    return _answer(request, current, Context.RESOURCE_PATCH_RESPONSE)


@router.delete("/Groups/{group_id}", operation_id="scim-groups-delete", status_code=204)
async def delete_group(request: Request, group_id: str, ctx: ScimWrite) -> Response:
    current = await _current(request, ctx, group_id)
    await service.delete_group(ctx, current.group.id)
    return Response(status_code=204)
