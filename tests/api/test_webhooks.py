"""Events out as webhooks, against a real receiver on 127.0.0.1: signed per Standard
Webhooks, retried, disabled by 410, in order per endpoint, and only for committed changes."""

from __future__ import annotations

import itertools
import threading
import time
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from app.api.rest.event_data import RestRenderer
from app.domain.access import Scope
from app.persistence.database import create_engine
from app.persistence.repositories.webhooks import Claimed, WebhookDeliveryRepository
from app.persistence.unit_of_work import unit_of_work
from app.services import people, webhook_delivery
from app.services.context import Caller, ServiceContext
from app.services.outbox import publish
from app.services.webhook_delivery import WebhookWorker
from app.services.webhook_endpoints import UrlPolicy
from tests.conftest import Live
from tests.support.live import runtime
from tests.support.postgres import as_app_role
from tests.support.receiver import Received, Receiver
from tests.support.tenants import Tenant

_paths = itertools.count(1)
ALL_READS = (
    Scope.WEBHOOKS,
    Scope.PEOPLE_READ,
    Scope.PAIRS_READ,
    Scope.MEETINGS_READ,
    Scope.CONTENT_READ,
)


def subscribe(
    tenant: Tenant, receiver: Receiver, *scopes: Scope, **fields: Any
) -> tuple[dict[str, Any], str, str]:
    """A new endpoint on a path of its own: (endpoint with its secret, path, key)."""
    path = f"/hook/{next(_paths)}"
    key = tenant.key(*(scopes or ALL_READS))
    response = tenant.call(
        "POST", "/v1/webhook-endpoints", key=key, json={"url": receiver.url(path), **fields}
    )
    assert response.status_code == 201, response.text
    return response.json(), path, key


def settled_log(tenant: Tenant, key: str, endpoint_id: str) -> list[dict[str, Any]]:
    """The endpoint's delivery log once no delivery is pending (the worker records an
    answer just after the receiver has sent it)."""
    deadline = time.monotonic() + 30
    while True:
        log = tenant.call("GET", f"/v1/webhook-endpoints/{endpoint_id}/deliveries", key=key)
        assert log.status_code == 200, log.text
        deliveries: list[dict[str, Any]] = log.json()["data"]
        if all(d["state"] != "pending" for d in deliveries) or time.monotonic() > deadline:
            return deliveries
        time.sleep(0.05)


def types_of(received: list[Received]) -> list[str]:
    return [r.event["type"] for r in received]


def test_a_change_is_posted_signed_with_the_event_as_body(
    tenant: Tenant, receiver: Receiver
) -> None:
    endpoint, path, _ = subscribe(tenant, receiver)
    assert endpoint["secret"].startswith("whsec_")
    person = tenant.person(name="Ada")
    (got,) = receiver.wait_for(path, lambda r: len(r) >= 1)
    event = got.verified(endpoint["secret"])
    assert set(event) == {"id", "type", "occurred_at", "organization_id", "data", "changed_fields"}
    assert (event["type"], event["data"], event["changed_fields"]) == (
        "person.created",
        tenant.call("GET", f"/v1/people/{person['id']}").json(),
        [],
    )
    assert got.headers["webhook-id"] == event["id"]
    assert event["organization_id"] == str(tenant.org_id)
    assert got.headers["webhook-signature"].startswith("v1,")


def test_an_update_names_its_changed_fields_and_its_kind(
    tenant: Tenant, receiver: Receiver
) -> None:
    _, path, _ = subscribe(tenant, receiver, *ALL_READS, event_types=["person.updated"])
    person = tenant.person(name="Ada")
    changed = tenant.call("PATCH", f"/v1/people/{person['id']}", json={"name": "Ada L."})
    assert changed.status_code == 200, changed.text
    (got,) = receiver.wait_for(path, lambda r: len(r) >= 1)
    assert (got.event["type"], got.event["changed_fields"]) == ("person.updated", ["name"])
    assert got.event["data"]["name"] == "Ada L."


def test_a_failed_delivery_is_retried_with_the_same_webhook_id(
    tenant: Tenant, receiver: Receiver
) -> None:
    endpoint, path, key = subscribe(tenant, receiver)
    receiver.answer(path, 500)
    tenant.person()
    first, second = receiver.wait_for(path, lambda r: len(r) >= 2)
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    second.verified(endpoint["secret"])
    (delivery,) = settled_log(tenant, key, endpoint["id"])
    assert delivery["state"] == "succeeded"
    assert [a["status_code"] for a in delivery["attempts"]] == [500, 200]
    assert delivery["event_id"] == first.headers["webhook-id"]


def test_410_disables_the_endpoint(tenant: Tenant, receiver: Receiver) -> None:
    endpoint, path, key = subscribe(tenant, receiver)
    receiver.answer(path, 410)
    tenant.person()
    receiver.wait_for(path, lambda r: len(r) >= 1)

    def disabled() -> dict[str, Any]:
        got: dict[str, Any] = tenant.call(
            "GET", f"/v1/webhook-endpoints/{endpoint['id']}", key=key
        ).json()
        return got

    receiver.wait_for(path, lambda _: not disabled()["enabled"])
    assert disabled()["disabled_reason"] == "gone"
    tenant.person()  # not sent: the endpoint is disabled
    enabled = tenant.call(
        "PATCH", f"/v1/webhook-endpoints/{endpoint['id']}", key=key, json={"enabled": True}
    )
    assert enabled.status_code == 200, enabled.text
    # The first event stays failed (410 is final); the second was never queued.
    assert len(receiver.at(path)) == 1


def test_an_endpoint_receives_its_events_in_the_order_they_occurred(
    tenant: Tenant, receiver: Receiver
) -> None:
    _, path, _ = subscribe(tenant, receiver, *ALL_READS, event_types=["person.created"])
    receiver.answer(path, 500)  # the first waits for its retry; the others wait for it
    made = [tenant.person()["id"] for _ in range(5)]
    got = receiver.wait_for(path, lambda r: len(r) >= 6)
    ids = [r.event["data"]["id"] for r in got]
    assert ids == [made[0], *made]


def created_together(live: Live, tenant: Tenant, count: int) -> list[str]:
    """People created in one transaction outside the app's requests (nothing rings the
    worker: it finds their events by polling, all queued at once)."""

    async def create() -> list[str]:
        async with unit_of_work(live.engine, write=True) as uow:
            await uow.enter_organization(tenant.org_id)
            ctx = ServiceContext(uow, Caller(org_id=tenant.org_id), live.clock())
            made = [
                await people.create_person(ctx, name=f"Queued {n}", email=f"queued{n}@example.com")
                for n in range(count)
            ]
            assert await publish(ctx, RestRenderer()) == count
        return [str(person.id) for person in made]

    return live.portal.call(create)


def test_a_slow_endpoint_never_gets_a_delivery_whose_answer_could_outlast_its_lease(
    live: Live, tenant: Tenant, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each answer takes the attempt's whole timeout on the app's clock (the one leases are
    judged by). A batch stops before an attempt that could end after its lease, and gives
    up the rest, which is claimed again: every event arrives once, in order, each sent
    under a lease that outlasts its answer (otherwise another worker could send it too)."""
    endpoint, path, key = subscribe(tenant, receiver, *ALL_READS, event_types=["person.created"])
    leases: dict[UUID, list[datetime]] = defaultdict(list)
    claim = WebhookDeliveryRepository.claim

    async def recorded_claim(
        repository: WebhookDeliveryRepository,
        now: datetime,
        lease_until: datetime,
        endpoints: int,
        batch: int,
    ) -> list[Claimed]:
        claimed = await claim(repository, now, lease_until, endpoints, batch)
        for one in claimed:
            leases[one.delivery_id].append(lease_until)
        return claimed

    monkeypatch.setattr(WebhookDeliveryRepository, "claim", recorded_claim)
    sent_at: list[tuple[str, datetime]] = []
    answer_takes = timedelta(seconds=webhook_delivery.TIMEOUT_SECONDS)

    def slow(received: Received) -> None:
        sent_at.append((received.headers["webhook-id"], live.clock()))
        live.clock.advance(answer_takes)

    receiver.on_arrival[path] = slow
    live.clock.pinned = live.clock()
    made = created_together(live, tenant, 5)
    got = receiver.wait_for(path, lambda r: len(r) >= len(made))
    assert [r.event["data"]["id"] for r in got] == made
    delivery_of = {d["event_id"]: UUID(d["id"]) for d in settled_log(tenant, key, endpoint["id"])}
    for event_id, at in sent_at:
        granted = leases[delivery_of[event_id]]
        lease_until = max(end for end in granted if end - webhook_delivery.LEASE <= at)
        assert at + answer_takes <= lease_until
    assert len(receiver.at(path)) == len(made)


def test_rotation_signs_with_both_secrets_for_a_day(tenant: Tenant, receiver: Receiver) -> None:
    endpoint, path, key = subscribe(tenant, receiver)
    rotated = tenant.call("POST", f"/v1/webhook-endpoints/{endpoint['id']}/rotate-secret", key=key)
    assert rotated.status_code == 200, rotated.text
    new_secret = rotated.json()["secret"]
    assert new_secret != endpoint["secret"]
    assert rotated.json()["previous_secret_expires_at"] is not None
    tenant.person()
    (got,) = receiver.wait_for(path, lambda r: len(r) >= 1)
    assert got.verified(new_secret) == got.verified(endpoint["secret"])
    assert len(got.headers["webhook-signature"].split(" ")) == 2
    listed = tenant.call("GET", f"/v1/webhook-endpoints/{endpoint['id']}", key=key).json()
    assert "secret" not in listed


def test_a_rolled_back_change_is_never_delivered(
    live: Live, tenant: Tenant, receiver: Receiver
) -> None:
    _, path, _ = subscribe(tenant, receiver, *ALL_READS, event_types=["person.created"])

    class Refused(Exception):
        pass

    async def create_then_fail() -> None:
        async with unit_of_work(live.engine, write=True) as uow:
            await uow.enter_organization(tenant.org_id)
            ctx = ServiceContext(uow, Caller(org_id=tenant.org_id), live.clock())
            await people.create_person(ctx, name="Never", email="never@example.com")
            assert await publish(ctx, RestRenderer()) == 1
            raise Refused

    with pytest.raises(Refused):
        live.portal.call(create_then_fail)
    after = tenant.person(name="Committed")
    got = receiver.wait_for(
        path, lambda r: any(e["data"]["id"] == after["id"] for e in [x.event for x in r])
    )
    assert [r.event["data"]["name"] for r in got] == ["Committed"]


def test_an_endpoint_gets_only_what_its_key_may_read(tenant: Tenant, receiver: Receiver) -> None:
    _, path, _ = subscribe(tenant, receiver, Scope.WEBHOOKS, Scope.MEETINGS_READ)
    pair = tenant.pair()
    meeting = tenant.meeting(pair["id"], timedelta(days=2))
    tenant.create(
        "/v1/commitments",
        {"pair_id": pair["id"], "owner_id": pair["member_id"], "title": "Write it"},
    )
    canceled = tenant.call(
        "POST",
        f"/v1/meetings/{meeting['id']}/cancel",
        json={"canceled_by_id": pair["lead_id"], "reason": "conflict"},
    )
    assert canceled.status_code == 200, canceled.text
    got = receiver.wait_for(path, lambda r: "meeting.canceled" in types_of(r))
    assert types_of(got) == ["meeting.scheduled", "meeting.canceled"]
    assert all(r.event["data"]["follow_up"] == [] for r in got)


def test_two_workers_never_deliver_an_event_twice(
    live: Live, tenant: Tenant, receiver: Receiver
) -> None:
    if live.dialect != "postgresql":
        pytest.skip("several workers share one queue on PostgreSQL (SQLite serves one process)")
    paths = [subscribe(tenant, receiver, *ALL_READS, event_types=["person.created"])[1]]
    paths += [subscribe(tenant, receiver, *ALL_READS, event_types=["person.created"])[1]]

    async def second_worker() -> tuple[WebhookWorker, AsyncEngine]:
        engine = create_engine(as_app_role(live.database_url), pool_size=4)
        worker = WebhookWorker(engine, live.clock, UrlPolicy(allow_private=True))
        worker.start()
        return worker, engine

    worker, engine = live.portal.call(second_worker)
    try:
        made = {tenant.person()["id"] for _ in range(20)}
        for path in paths:
            got = receiver.wait_for(path, lambda r: len(r) >= len(made))
            ids = [r.headers["webhook-id"] for r in got]
            assert len(ids) == len(set(ids)) == len(made)
            assert {r.event["data"]["id"] for r in got} == made
    finally:

        async def stop() -> None:
            await worker.stop()
            await engine.dispose()

        live.portal.call(stop)


def test_events_committed_elsewhere_ring_the_delivery_worker(
    live: Live, tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Events committed through another connection (as another replica commits them) reach
    the worker through the live listener (NOTIFY on PostgreSQL), not at its next poll."""
    hub = runtime(live.app).live
    assert hub.on_events == runtime(live.app).webhooks.wake
    rung = threading.Event()
    monkeypatch.setattr(hub, "on_events", rung.set)

    async def commit_elsewhere() -> None:
        async with unit_of_work(live.engine, write=True) as uow:
            await uow.enter_organization(tenant.org_id)
            ctx = ServiceContext(uow, Caller(org_id=tenant.org_id), live.clock())
            await people.create_person(ctx, name="Elsewhere", email="elsewhere@example.com")
            assert await publish(ctx, RestRenderer()) == 1

    live.portal.call(commit_elsewhere)
    assert rung.wait(30), "no process heard the commit"
