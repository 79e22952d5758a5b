"""Time-driven events: the scheduler announces what time alone changed, once."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from app.api.rest.event_data import RestRenderer
from app.domain.access import Scope
from app.services.scheduler import Scheduler
from tests.conftest import Live
from tests.support.tenants import Tenant

WATCHED = ("pair.cadence_changed", "meeting.unrecorded")


def newer(tenant: Tenant, key: str, cursor: str) -> tuple[list[dict[str, Any]], str]:
    page = tenant.call(
        "GET", "/v1/events", key=key, params={"after": cursor, "types": WATCHED}
    ).json()
    return page["data"], page["next_cursor"]


def announced(
    live: Live, scheduler: Scheduler, tenant: Tenant, key: str, cursor: str, pair_id: str,
    count: int,
) -> tuple[list[dict[str, Any]], str]:  # fmt: skip
    """Tick until `count` time-driven events of the pair are in the feed (the app's own
    scheduler may hold the turn, and the feed shows an event once its transaction and every
    older one have ended)."""
    found: list[dict[str, Any]] = []
    deadline = time.monotonic() + 60
    while len(found) < count and time.monotonic() < deadline:
        live.portal.call(scheduler.tick)
        events, cursor = newer(tenant, key, cursor)
        found += [e for e in events if e["data"].get("pair_id") == pair_id]
        time.sleep(0.1)
    return found, cursor


def test_time_makes_a_meeting_unrecorded_and_a_pair_overdue(live: Live, tenant: Tenant) -> None:
    key = tenant.key(Scope.WEBHOOKS, Scope.PAIRS_READ, Scope.MEETINGS_READ)
    pair = tenant.pair(cadence_days=7)
    meeting = tenant.meeting(pair["id"], timedelta(days=1))
    _, cursor = newer(tenant, key, tenant.call("GET", "/v1/events", key=key).json()["next_cursor"])
    # A scheduler of the test's own, on the test's event loop (the app's ticks too).
    scheduler = Scheduler(live.engine, live.clock, RestRenderer(), lambda: None)

    live.clock.advance(timedelta(days=2))  # the meeting ended, with no record
    mine, cursor = announced(live, scheduler, tenant, key, cursor, pair["id"], 2)
    assert sorted((e["type"], e["data"].get("state") or e["data"]["id"]) for e in mine) == [
        ("meeting.unrecorded", meeting["id"]),
        ("pair.cadence_changed", "unbooked"),
    ]

    live.clock.advance(timedelta(days=8))  # past due_at + grace_days
    mine, cursor = announced(live, scheduler, tenant, key, cursor, pair["id"], 1)
    assert [(e["type"], e["data"]["state"], e["changed_fields"]) for e in mine] == [
        ("pair.cadence_changed", "overdue", ["state"])
    ]
    live.portal.call(scheduler.tick)  # nothing is announced twice
    again, _ = newer(tenant, key, cursor)
    assert [e for e in again if e["data"].get("pair_id") == pair["id"]] == []
