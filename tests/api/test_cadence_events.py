"""Cadence events: a change that moves a pair's cadence state announces it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from app.domain.access import Scope
from tests.support.tenants import Tenant

WATCHED = ("pair.cadence_changed", "meeting.unrecorded")


def newer(tenant: Tenant, key: str, cursor: str) -> tuple[list[dict[str, Any]], str]:
    page = tenant.call(
        "GET", "/v1/events", key=key, params={"after": cursor, "types": WATCHED}
    ).json()
    return page["data"], page["next_cursor"]


def test_a_change_that_moves_the_cadence_state_announces_it(tenant: Tenant) -> None:
    key = tenant.key(Scope.WEBHOOKS, Scope.PAIRS_READ)
    pair = tenant.pair()
    start = tenant.call("GET", "/v1/events", key=key).json()["next_cursor"]
    _, start = newer(tenant, key, start)
    tenant.meeting(pair["id"], timedelta(days=3))
    paused = tenant.call("PATCH", f"/v1/pairs/{pair['id']}", json={"status": "paused"})
    assert paused.status_code == 200, paused.text
    events, _ = newer(tenant, key, start)
    states = [e["data"]["state"] for e in events if e["data"]["pair_id"] == pair["id"]]
    assert states == ["on_track", "paused"]
