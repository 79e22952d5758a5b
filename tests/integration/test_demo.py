"""The demo organization has something to show for every rule and state."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from itertools import combinations
from typing import Any
from uuid import UUID

from app.demo.organization import load_demo
from app.domain.access import Scope
from app.domain.meetings import overlaps
from app.persistence.unit_of_work import unit_of_work
from tests.conftest import Live
from tests.support.tenants import Tenant


async def _load(live: Live) -> UUID:
    async with unit_of_work(live.engine, write=True) as uow:
        return await load_demo(uow, "Demo", datetime.now(UTC))


def _all(tenant: Tenant, path: str, **params: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    cursor = None
    while True:
        query = {"limit": "200", **params, **({"cursor": cursor} if cursor else {})}
        page = tenant.call("GET", path, params=query).json()
        rows += page["data"]
        cursor = page["next_cursor"]
        if cursor is None:
            return rows


def test_demo_organization_is_rich_and_consistent(live: Live) -> None:
    org_id = live.portal.call(_load, live)
    tenant = live.tenant()
    tenant.org_id = org_id
    tenant.admin_key = tenant.key(Scope.ADMIN)

    people = _all(tenant, "/v1/people")
    assert 55 <= len(people) <= 65
    pairs = _all(tenant, "/v1/pairs")
    assert Counter(p["kind"] for p in pairs)["manager_report"] == len(people) - 1
    meetings = _all(tenant, "/v1/meetings")
    statuses = Counter(m["status"] for m in meetings)
    assert statuses["completed"] > 300 and statuses["canceled"] > 20 and statuses["scheduled"] > 20
    assert any(m["reschedule_count"] > 0 for m in meetings)

    pair_people = {p["id"]: (p["lead_id"], p["member_id"]) for p in pairs}
    upcoming: dict[str, list[dict[str, Any]]] = {}
    for meeting in meetings:
        if meeting["status"] == "scheduled":
            for person in pair_people[meeting["pair_id"]]:
                upcoming.setdefault(person, []).append(meeting)
    for booked in upcoming.values():
        for a, b in combinations(booked, 2):
            assert not overlaps(
                datetime.fromisoformat(str(a["starts_at"])),
                int(str(a["duration_minutes"])),
                datetime.fromisoformat(str(b["starts_at"])),
                int(str(b["duration_minutes"])),
            )

    states = {s: len(_all(tenant, "/v1/pairs", state=s)) for s in ("on_track", "overdue")}
    assert states["on_track"] > 0 and states["overdue"] > 0
    overdue = _all(tenant, "/v1/commitments", overdue="true")
    assert overdue and all(c["status"] == "open" for c in overdue)
