"""Reading SCIM requests and writing SCIM responses (`application/scim+json` in and out;
`application/json` is accepted too)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import Response
from scim2_models import Context, ListResponse, PatchOp, ResponseParameters, SearchRequest

from app.api.scim import shim
from app.api.scim.errors import SCIM_MEDIA_TYPE, ScimRefused, refusals
from app.api.scim.models import MAX_RESULTS, POLICY
from app.domain.errors import NotFound

PREFIX = "/scim/v2"
DEFAULT_COUNT = 100
# Past any directory's end (an empty page), and an offset every engine's integers hold.
MAX_START_INDEX = 2**31 - 1


def scim_router() -> APIRouter:
    """SCIM operations are left out of the OpenAPI document (SCIM describes itself)."""
    return APIRouter(prefix=PREFIX, include_in_schema=False)


def record_id(text: str, resource: str) -> UUID:
    """An id that is no UUID names nothing (404, as SCIM expects)."""
    try:
        return UUID(text)
    except ValueError as error:
        raise NotFound(resource, text) from error


def base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/") + PREFIX


async def body_of(request: Request) -> Any:
    try:
        return orjson.loads(await request.body())
    except orjson.JSONDecodeError as error:
        raise ScimRefused(400, "invalidSyntax", "The body is not valid JSON.") from error


def answer(
    body: dict[str, Any], *, status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    return Response(
        orjson.dumps(body), status_code=status, media_type=SCIM_MEDIA_TYPE, headers=headers
    )


@dataclass(frozen=True, slots=True)
class Search:
    """A search: the filter as sent (Rapport reads the forms it supports itself, such as
    Entra's `emails[type eq "work"].value eq …` on attributes it does not publish), the
    1-based window, and which attributes to return."""

    filter: str | None
    start: int
    count: int
    shown: Any


async def search_of(request: Request, model: Any) -> Search:
    """A search, from the query string (GET) or the body (POST …/.search)."""
    if request.method == "POST":
        payload = await body_of(request)
        if not isinstance(payload, dict):
            raise ScimRefused(400, "invalidSyntax", "A search is a SearchRequest object.")
    else:
        query = request.query_params
        payload = {
            name: query[name]
            for name in ("filter", "startIndex", "count", "attributes", "excludedAttributes")
            if name in query
        }
    wanted = payload.pop("filter", None)
    if wanted is not None and not isinstance(wanted, str):
        raise ScimRefused(400, "invalidSyntax", "filter is a string in SCIM's filter syntax.")
    with refusals():
        search = SearchRequest[model].model_validate(payload)
    start = search.start_index if search.start_index is not None else 1
    count = search.count if search.count is not None else DEFAULT_COUNT
    return Search(
        wanted,
        min(max(start, 1), MAX_START_INDEX),
        min(max(count, 0), MAX_RESULTS),
        search,
    )


def check_version(request: Request, version: str) -> None:
    """`If-Match` with a stale version is refused (412), so a provider never overwrites a
    change it has not seen."""
    wanted = request.headers.get("if-match")
    if wanted is not None and wanted.strip() not in ("*", version):
        raise ScimRefused(412, None, "The resource changed since this version (If-Match).")


def shown(request: Request, model: Any) -> Any:
    """`attributes` / `excludedAttributes` of a read or a write's answer."""
    query = request.query_params
    with refusals():
        return ResponseParameters[model].model_validate(
            {
                "attributes": query.get("attributes"),
                "excludedAttributes": query.get("excludedAttributes"),
            }
        )


def patched(model: Any, payload: Any, resource: Any) -> bool:
    """Apply a PatchOp (after the provider shim) to `resource`; whether it changed."""
    with refusals():
        patch = PatchOp[model].model_validate(
            shim.patch_payload(payload), scim_ctx=Context.RESOURCE_PATCH_REQUEST, scim_policy=POLICY
        )
        return bool(patch.patch(resource, POLICY))


def parsed(model: Any, payload: Any, context: Context) -> Any:
    """A resource of `model` read from a request body."""
    with refusals():
        return model.model_validate(payload, scim_ctx=context, scim_policy=POLICY)


def one(request: Request, resource: Any, context: Context, *, created: bool = False) -> Response:
    """A resource with its version (`ETag`) and, when created, its `Location`."""
    body = resource.model_dump(scim_ctx=context, response_parameters=shown(request, type(resource)))
    headers = {"ETag": resource.meta.version}
    if created:
        headers["Location"] = resource.meta.location
    return answer(body, status=201 if created else 200, headers=headers)


def listed(model: Any, search: Search, total: int, resources: list[Any]) -> Response:
    """A page of a search as a ListResponse."""
    page = ListResponse[model](
        total_results=total,
        start_index=search.start,
        items_per_page=len(resources),
        resources=resources,
    )
    return answer(
        page.model_dump(scim_ctx=Context.SEARCH_RESPONSE, response_parameters=search.shown)
    )
