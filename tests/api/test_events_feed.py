"""GET /v1/events: the same events as webhooks, oldest first, never ending, by scopes."""

from __future__ import annotations

from typing import Any

from app.domain.access import Scope
from tests.support.receiver import Receiver
from tests.support.tenants import Tenant


def feed(tenant: Tenant, key: str, **params: Any) -> dict[str, Any]:
    response = tenant.call("GET", "/v1/events", key=key, params=params)
    assert response.status_code == 200, response.text
    page: dict[str, Any] = response.json()
    return page


def test_the_feed_pages_oldest_first_and_never_ends(tenant: Tenant) -> None:
    key = tenant.key(Scope.WEBHOOKS, Scope.PEOPLE_READ)
    made = [tenant.person()["id"] for _ in range(3)]
    first = feed(tenant, key, types="person.created", limit=2)
    second = feed(tenant, key, types="person.created", limit=2, after=first["next_cursor"])
    assert [e["data"]["id"] for e in first["data"] + second["data"]] == made
    polled = feed(tenant, key, types="person.created", after=second["next_cursor"])
    assert polled == {"data": [], "next_cursor": second["next_cursor"]}
    later = tenant.person()["id"]
    (event,) = feed(tenant, key, types="person.created", after=polled["next_cursor"])["data"]
    assert (event["type"], event["data"]["id"]) == ("person.created", later)


def test_a_key_reads_only_events_of_records_it_may_read(tenant: Tenant) -> None:
    tenant.person()
    people_only = tenant.key(Scope.WEBHOOKS, Scope.PEOPLE_READ)
    nothing = tenant.key(Scope.WEBHOOKS)
    assert {e["type"] for e in feed(tenant, people_only, limit=200)["data"]} == {"person.created"}
    assert feed(tenant, nothing)["data"] == []


def test_the_feed_item_is_the_webhook_body(tenant: Tenant, receiver: Receiver) -> None:
    key = tenant.key(Scope.WEBHOOKS, Scope.PEOPLE_READ)
    path = f"/feed-equals-body/{tenant.org_id}"
    created = tenant.call(
        "POST",
        "/v1/webhook-endpoints",
        key=key,
        json={"url": receiver.url(path), "event_types": ["person.created"]},
    )
    assert created.status_code == 201, created.text
    tenant.person()
    (got,) = receiver.wait_for(path, lambda r: len(r) >= 1)
    (item,) = feed(tenant, key, types="person.created")["data"]
    assert item == got.event
