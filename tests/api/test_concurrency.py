"""Races settled by the database: exactly one winner, nothing booked twice.

The requests really run at once: threads send them to the served app, which handles them
concurrently on separate connections."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.conftest import Live
from tests.support.tenants import Tenant

ROUNDS = 6


def _race(tenant: Tenant, calls: list[tuple[str, dict[str, Any]]]) -> list[httpx.Response]:
    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        futures = [pool.submit(tenant.call, "POST", path, json=body) for path, body in calls]
        return [future.result() for future in futures]


def _future_meetings(tenant: Tenant, pair_id: str, after: str) -> list[dict[str, Any]]:
    params = {"pair_id": pair_id, "status": "scheduled", "starts_after": after}
    data: list[dict[str, Any]] = tenant.call("GET", "/v1/meetings", params=params).json()["data"]
    return data


@pytest.mark.parametrize("second", ["complete", "cancel"])
def test_one_winner_when_a_completion_races(live: Live, tenant: Tenant, second: str) -> None:
    for _ in range(ROUNDS):
        live.clock.pinned = None
        pair = tenant.pair()
        meeting = tenant.meeting(pair["id"], timedelta(days=2))
        live.clock.pinned = datetime.fromisoformat(meeting["starts_at"])
        base = f"/v1/meetings/{meeting['id']}"
        other_body = (
            {}
            if second == "complete"
            else {"canceled_by_id": pair["lead_id"], "reason": "emergency"}
        )
        responses = _race(tenant, [(f"{base}/complete", {}), (f"{base}/{second}", other_body)])
        statuses = sorted(r.status_code for r in responses)
        assert statuses == [200, 409], [r.text for r in responses]
        loser = next(r for r in responses if r.status_code == 409)
        assert loser.json()["code"] in ("meeting_closed", "concurrent_change")
        booked = _future_meetings(tenant, pair["id"], meeting["starts_at"])
        assert len(booked) <= 1


def test_concurrent_bookings_never_overlap(live: Live, tenant: Tenant) -> None:
    shared = tenant.person()
    pairs = [tenant.pair(lead_id=shared["id"]) for _ in range(4)]
    start = (live.clock() + timedelta(days=3)).isoformat()
    responses = _race(
        tenant, [("/v1/meetings", {"pair_id": p["id"], "starts_at": start}) for p in pairs]
    )
    assert sorted(r.status_code for r in responses) == [201, 409, 409, 409]
    assert all(
        r.json()["code"] in ("schedule_conflict", "concurrent_change")
        for r in responses
        if r.status_code == 409
    )
