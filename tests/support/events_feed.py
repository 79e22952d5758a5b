"""Reading GET /v1/events in tests. On PostgreSQL the feed lists an event once every
transaction that began before it has ended (docs/events.md), and other work on the server's
cluster (the suite's other worker, a benchmark) may hold one open for a while: a test that
expects committed events waits until they are listed instead of reading once."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from tests.support.tenants import Tenant

Events = list[dict[str, Any]]


def events_page(tenant: Tenant, key: str | None = None, **params: Any) -> dict[str, Any]:
    """One page of the feed, insisting on 200."""
    response = tenant.call("GET", "/v1/events", key=key, params=params)
    assert response.status_code == 200, response.text
    page: dict[str, Any] = response.json()
    return page


def listed(
    tenant: Tenant,
    done: Callable[[Events], bool],
    key: str | None = None,
    timeout: float = 30,
    **params: Any,
) -> dict[str, Any]:
    """The first page (with `params`) whose events satisfy `done`; fails after `timeout`
    seconds without one."""
    deadline = time.monotonic() + timeout
    while True:
        page = events_page(tenant, key, **params)
        if done(page["data"]):
            return page
        assert time.monotonic() < deadline, "the feed never listed the committed events"
        time.sleep(0.05)


def with_id(record_id: str) -> Callable[[Events], bool]:
    """`done` for listed(): an event of this record is among them."""
    return lambda events: any(event["data"].get("id") == record_id for event in events)


def at_least(count: int) -> Callable[[Events], bool]:
    """`done` for listed(): `count` events or more."""
    return lambda events: len(events) >= count
