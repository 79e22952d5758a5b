"""Request bodies beyond RAPPORT_HTTP_MAX_BODY_BYTES are refused with 413
payload_too_large, whether they announce their length or stream it, and change nothing."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from app.api.app import create_app
from tests.conftest import Live, live_settings
from tests.support.live import serve_in_thread
from tests.support.postgres import as_app_role
from tests.support.tenants import Tenant

LIMIT = 64 * 1024


@pytest.fixture
def small(live: Live) -> Iterator[httpx.Client]:
    url = live.database_url if live.dialect == "sqlite" else as_app_role(live.database_url)
    app = create_app(live_settings(url, http_max_body_bytes=LIMIT), clock=live.clock)
    with serve_in_thread(app) as base_url, httpx.Client(base_url=base_url, timeout=30) as http:
        yield http


def _person(size: int) -> bytes:
    """A person's JSON, padded with whitespace to exactly `size` bytes."""
    body = b'{"email": "big@example.com", "name": "Big"}'
    return body[:-1] + b" " * (size - len(body)) + b"}"


def test_a_body_over_the_limit_is_413_and_changes_nothing(
    small: httpx.Client, tenant: Tenant
) -> None:
    headers = {"Authorization": f"Bearer {tenant.admin_key}", "Content-Type": "application/json"}
    announced = small.post("/v1/people", content=_person(LIMIT + 1), headers=headers)
    assert announced.status_code == 413, announced.text
    assert announced.json()["code"] == "payload_too_large"

    def chunks() -> Iterator[bytes]:  # no Content-Length: the length shows as it arrives
        body = _person(LIMIT * 2)
        for start in range(0, len(body), 8192):
            yield body[start : start + 8192]

    streamed = small.post("/v1/people", content=chunks(), headers=headers)
    assert streamed.status_code == 413, streamed.text
    assert streamed.json()["code"] == "payload_too_large"
    graph = small.post("/graphql", content=b'{"query": "' + b" " * LIMIT + b'"}', headers=headers)
    assert graph.status_code == 413
    assert (
        tenant.call("GET", "/v1/people", params={"email": "big@example.com"}).json()["data"] == []
    )
    within = small.post("/v1/people", content=_person(LIMIT - 1024), headers=headers)
    assert within.status_code == 201, within.text
