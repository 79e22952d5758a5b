"""Calling /graphql as a client would, with the world's credentials."""

from __future__ import annotations

from typing import Any

import httpx

from tests.support.tenants import Tenant


def post(
    tenant: Tenant, query: str, variables: dict[str, Any] | None = None, *, key: str | None = None
) -> httpx.Response:
    return tenant.call("POST", "/graphql", key=key, json={"query": query, "variables": variables})


def graphql(
    tenant: Tenant, query: str, variables: dict[str, Any] | None = None, *, key: str | None = None
) -> dict[str, Any]:
    """The response body of a request that must succeed at the HTTP level."""
    response = post(tenant, query, variables, key=key)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def data(
    tenant: Tenant, query: str, variables: dict[str, Any] | None = None, *, key: str | None = None
) -> dict[str, Any]:
    """The data of a request that must come back without errors."""
    body = graphql(tenant, query, variables, key=key)
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]
    return result
