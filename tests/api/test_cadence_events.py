"""Cadence events: a change that moves a pair's cadence state announces it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from app.domain.access import Scope
from tests.support.events_feed import listed, with_id
from tests.support.tenants import Tenant

WATCHED = ("pair.cadence_changed", "meeting.unrecorded")


def test_a_change_that_moves_the_cadence_state_announces_it(tenant: Tenant) -> None:
    key = tenant.key(Scope.WEBHOOKS, Scope.PAIRS_READ)
    pair = tenant.pair()
    # Read from after the pair's own events, once they are listed.
    start = listed(tenant, with_id(pair["id"]), key, limit=200)["next_cursor"]
    tenant.meeting(pair["id"], timedelta(days=3))
    paused = tenant.call("PATCH", f"/v1/pairs/{pair['id']}", json={"status": "paused"})
    assert paused.status_code == 200, paused.text

    def states(events: list[dict[str, Any]]) -> list[str]:
        return [e["data"]["state"] for e in events if e["data"]["pair_id"] == pair["id"]]

    page = listed(tenant, lambda events: len(states(events)) >= 2, key, after=start, types=WATCHED)
    assert states(page["data"]) == ["on_track", "paused"]
