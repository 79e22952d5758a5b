"""SCIM discovery (RFC 7644 §4): what Rapport supports, said truthfully."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import Response
from scim2_models import Context, ListResponse, Meta, ResourceType, Schema

from app.api.access import ScimRead
from app.api.scim.errors import scim_error
from app.api.scim.http import answer, base_url, scim_router
from app.api.scim.models import CONFIG, PROVIDER

router = scim_router()
DISCOVERY = ("serviceproviderconfig", "resourcetypes", "schemas")


def _located(item: Any, kind: str, base: str) -> Any:
    located = item.model_copy(deep=True)
    located.meta = Meta(resource_type=kind, location=f"{base}/{kind}s/{item.id}")
    return located


def _schemas(base: str) -> list[Schema]:
    return [_located(schema, "Schema", base) for schema in PROVIDER.schemas]


def _resource_types(base: str) -> list[ResourceType]:
    return [_located(kind, "ResourceType", base) for kind in PROVIDER.resource_types]


@router.get("/ServiceProviderConfig", operation_id="scim-service-provider-config")
async def service_provider_config(request: Request, ctx: ScimRead) -> Response:
    config = CONFIG.model_copy(deep=True)
    config.meta = Meta(
        resource_type="ServiceProviderConfig",
        location=f"{base_url(request)}/ServiceProviderConfig",
    )
    return answer(config.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))


def _listed(items: list[Any], model: Any) -> Response:
    listed = ListResponse[model](
        total_results=len(items), start_index=1, items_per_page=len(items), resources=items
    )
    return answer(listed.model_dump(scim_ctx=Context.SEARCH_RESPONSE))


def _one(items: list[Any], wanted: str) -> Response:
    for item in items:
        if str(item.id).lower() == wanted.lower():
            return answer(item.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))
    return scim_error(404, f"No {wanted} here.")


@router.get("/Schemas", operation_id="scim-schemas-list")
async def schemas(request: Request, ctx: ScimRead) -> Response:
    return _listed(_schemas(base_url(request)), Schema)


@router.get("/Schemas/{schema_id}", operation_id="scim-schemas-get")
async def schema(request: Request, schema_id: str, ctx: ScimRead) -> Response:
    return _one(_schemas(base_url(request)), schema_id)


@router.get("/ResourceTypes", operation_id="scim-resource-types-list")
async def resource_types(request: Request, ctx: ScimRead) -> Response:
    return _listed(_resource_types(base_url(request)), ResourceType)


@router.get("/ResourceTypes/{type_id}", operation_id="scim-resource-types-get")
async def resource_type(request: Request, type_id: str, ctx: ScimRead) -> Response:
    return _one(_resource_types(base_url(request)), type_id)


@router.api_route(
    "/{path:path}",
    methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
    operation_id="scim-elsewhere",
)
async def elsewhere(path: str) -> Response:
    """A known endpoint with another method is a 405 naming the allowed ones; anything
    else under /scim/v2 is a SCIM 404."""
    segments = [segment.lower() for segment in path.strip("/").split("/")]
    if segments == [".search"]:
        return scim_error(501, "Search one resource type at a time: POST /Users/.search.")
    allowed = None
    if segments[0] in DISCOVERY and len(segments) <= 2:
        allowed = "GET"
    elif segments[0] in ("users", "groups") and len(segments) <= 2:
        allowed = "GET, POST" if len(segments) == 1 else "GET, PUT, PATCH, DELETE"
    if allowed is None:
        return scim_error(404, f"/{path} is not a SCIM endpoint here.")
    return scim_error(405, f"/{path} answers {allowed} only.", headers={"Allow": allowed})
