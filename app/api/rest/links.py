"""OpenAPI links: where a client (or a stateful contract test) can go from a response."""

from __future__ import annotations

from typing import Any

CREATED_ID = "$response.body#/id"


def to(
    operation_id: str, *, body: dict[str, str] | None = None, **parameters: str
) -> dict[str, Any]:
    """A link to an operation, filling its parameters (and body fields) from the response."""
    link: dict[str, Any] = {"operationId": operation_id}
    if parameters:
        link["parameters"] = parameters
    if body:
        link["requestBody"] = body
    return link


def links(status: int, **named: dict[str, Any]) -> dict[int | str, dict[str, Any]]:
    """`responses` entry adding links to the given status."""
    return {status: {"links": named}}
