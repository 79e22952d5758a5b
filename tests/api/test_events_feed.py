"""GET /v1/events: the same events as webhooks, oldest first, never ending, by scopes."""

from __future__ import annotations

import base64

from app.domain.access import Scope
from tests.support.events_feed import at_least, events_page, listed
from tests.support.receiver import Receiver
from tests.support.tenants import Tenant


def test_the_feed_pages_oldest_first_and_never_ends(tenant: Tenant) -> None:
    key = tenant.key(Scope.WEBHOOKS, Scope.PEOPLE_READ)
    made = [tenant.person()["id"] for _ in range(3)]
    listed(tenant, at_least(3), key, limit=200, types="person.created")
    first = events_page(tenant, key, types="person.created", limit=2)
    second = events_page(tenant, key, types="person.created", limit=2, after=first["next_cursor"])
    assert [e["data"]["id"] for e in first["data"] + second["data"]] == made
    polled = events_page(tenant, key, types="person.created", after=second["next_cursor"])
    assert polled == {"data": [], "next_cursor": second["next_cursor"]}
    later = tenant.person()["id"]
    listed(tenant, at_least(1), key, limit=200, types="person.created", after=polled["next_cursor"])
    (event,) = events_page(tenant, key, types="person.created", after=polled["next_cursor"])["data"]
    assert (event["type"], event["data"]["id"]) == ("person.created", later)


def test_a_key_reads_only_events_of_records_it_may_read(tenant: Tenant) -> None:
    tenant.person()
    people_only = tenant.key(Scope.WEBHOOKS, Scope.PEOPLE_READ)
    nothing = tenant.key(Scope.WEBHOOKS)
    listed(tenant, at_least(1), people_only, limit=200)
    listed_types = {e["type"] for e in events_page(tenant, people_only, limit=200)["data"]}
    assert listed_types == {"person.created"}
    assert events_page(tenant, nothing)["data"] == []


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
    (item,) = events_page(tenant, key, types="person.created")["data"]
    assert item == got.event


def test_a_cursor_the_feed_did_not_issue_is_refused(tenant: Tenant) -> None:
    """Positions are two non-negative integers: booleans, floats, negatives, text and
    anything that is not base64 of a JSON pair are 422 `invalid_cursor`, never a fault."""
    key = tenant.key(Scope.WEBHOOKS)
    for positions in (b"[true, false]", b"[1.5, 2]", b"[-1, 0]", b'["1", "2"]', b"[1]", b"{}"):
        cursor = base64.urlsafe_b64encode(positions).decode().rstrip("=")
        for after in (cursor, "not base64!", ""):
            answer = tenant.call("GET", "/v1/events", key=key, params={"after": after})
            assert answer.status_code == 422, (positions, after, answer.text)
            assert answer.json()["code"] == "invalid_cursor", answer.text
