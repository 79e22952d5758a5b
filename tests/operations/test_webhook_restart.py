"""A delivery in flight when the server stops is not lost: it is delivered, with the same
`webhook-id`, once the server runs again."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from app.persistence.migrate import upgrade_to_head
from tests.support.commands import environment, rapport, serving
from tests.support.live import SHARED_TLS
from tests.support.postgres import scratch_database
from tests.support.receiver import Receiver, webhook_receiver

pytestmark = pytest.mark.slow


@pytest.fixture
def env(postgres_admin_url: str) -> Iterator[dict[str, str]]:
    with scratch_database(postgres_admin_url) as url:
        upgrade_to_head(url)
        yield environment(url, webhooks_allow_private="true")


def _call(base_url: str, key: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
    headers = {"Authorization": f"Bearer {key}"}
    return httpx.request(
        method, base_url + path, headers=headers, timeout=30, verify=SHARED_TLS, **kwargs
    )


def test_a_delivery_in_flight_at_shutdown_is_delivered_after_restart(
    env: dict[str, str],
) -> None:
    org = rapport(env, "orgs", "create", "Restart").strip()
    key = rapport(env, "keys", "create", "--org", org, "--scope", "admin").strip()
    with webhook_receiver() as receiver:
        receiver.hold.set()  # the first delivery stays in flight
        with serving(env) as server:
            created = _call(
                server.base_url,
                key,
                "POST",
                "/v1/webhook-endpoints",
                json={"url": receiver.url("/restart"), "event_types": ["person.created"]},
            )
            assert created.status_code == 201, created.text
            endpoint = created.json()["id"]
            person = _call(
                server.base_url,
                key,
                "POST",
                "/v1/people",
                json={"email": "a@example.com", "name": "A"},
            )
            assert person.status_code == 201, person.text
            receiver.wait_for("/restart", lambda r: len(r) >= 1)
        # The server has stopped (its worker gave up on the held delivery at its timeout).
        receiver.hold.clear()
        with serving(env) as server:
            got = _delivered_again(receiver)
            deadline = time.monotonic() + 60
            while True:
                deliveries = _call(
                    server.base_url, key, "GET", f"/v1/webhook-endpoints/{endpoint}/deliveries"
                ).json()["data"]
                if deliveries[0]["state"] == "succeeded" or time.monotonic() > deadline:
                    break
                time.sleep(0.2)
    assert {r.headers["webhook-id"] for r in got} == {deliveries[0]["event_id"]}
    assert got[-1].event["data"]["id"] == person.json()["id"]
    assert deliveries[0]["state"] == "succeeded"


def _delivered_again(receiver: Receiver) -> list[Any]:
    deadline = time.monotonic() + 120
    while len(receiver.at("/restart")) < 2:
        assert time.monotonic() < deadline, "the delivery was not made after the restart"
        time.sleep(0.2)
    return receiver.at("/restart")
