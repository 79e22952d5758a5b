"""Turning entities into JSON responses, and the list query parameters."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from fastapi import Depends, Query
from fastapi.responses import Response

from app.api.schemas.common import Output, PageOut
from app.domain.paging import DEFAULT_LIMIT, MAX_CURSOR_LENGTH, MAX_LIMIT, Page, PageRequest

M = TypeVar("M", bound=Output)


def one(
    model: type[M], entity: object, *, status: int = 200, location: str | None = None
) -> Response:
    """The resource as JSON; creations carry `Location`."""
    headers = {"Location": location} if location else None
    return Response(
        model.model_validate(entity).model_dump_json(),
        status_code=status,
        media_type="application/json",
        headers=headers,
    )


def many(model: type[M], page: Page[Any]) -> Response:
    """A page of resources in the list envelope."""
    body = PageOut[model](  # type: ignore[valid-type]
        data=[model.model_validate(item) for item in page.items], next_cursor=page.next_cursor
    )
    return Response(body.model_dump_json(), media_type="application/json")


async def _page_request(
    limit: Annotated[
        int, Query(ge=1, le=MAX_LIMIT, description=f"Items per page (1-{MAX_LIMIT}).")
    ] = DEFAULT_LIMIT,
    cursor: Annotated[
        str | None,
        Query(
            max_length=MAX_CURSOR_LENGTH,
            description="`next_cursor` of the previous page, as the API issued it"
            " (`invalid_cursor`).",
        ),
    ] = None,
) -> PageRequest:
    """The domain's paging rules (PageRequest.of). The query parameters declare the same
    bounds, from the same constants, for the OpenAPI document and FastAPI's `errors` list."""
    return PageRequest.of(limit, cursor)


Paging = Annotated[PageRequest, Depends(_page_request)]
