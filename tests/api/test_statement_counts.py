"""Lists cost a constant number of SQL statements, whatever the page size (no N+1)."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from app.domain.access import Scope
from tests.conftest import Live
from tests.support.live import read_audit_written
from tests.support.tenants import Tenant, World

LISTS = [
    "/v1/people",
    "/v1/pairs",
    "/v1/meetings",
    "/v1/commitments",
    "/v1/templates",
    "/v1/service-keys",
    "/v1/meetings/{meeting}/agenda-items",
    "/v1/meetings/{meeting}/notes",
]


def _populate(tenant: Tenant, count: int) -> str:
    lead = tenant.person()
    member = tenant.person(manager_id=lead["id"])
    pair = tenant.call("GET", "/v1/pairs", params={"member_id": member["id"]}).json()["data"][0]
    meetings = [tenant.meeting(pair["id"], timedelta(days=2 + i)) for i in range(count)]
    first = meetings[0]["id"]
    for i in range(count):
        tenant.pair()
        tenant.create(
            f"/v1/meetings/{first}/agenda-items", {"author_id": lead["id"], "title": f"t{i}"}
        )
        tenant.create(f"/v1/meetings/{first}/notes", {"author_id": lead["id"], "body": f"n{i}"})
        tenant.create(
            "/v1/commitments", {"pair_id": pair["id"], "owner_id": lead["id"], "title": f"c{i}"}
        )
        tenant.create(
            "/v1/templates", {"name": f"t{i}", "sections": [{"kind": "win", "title": "W"}]}
        )
        tenant.create("/v1/service-keys", {"name": f"k{i}", "scopes": ["people:read"]})
    return str(first)


def _statements(live: Live, tenant: Tenant, path: str) -> tuple[list[str], int]:
    tenant.call("GET", path, params={"limit": 1})  # the key is verified and cached just now
    with live.statements.measure() as counter:
        response = tenant.call("GET", path, params={"limit": 200})
    assert response.status_code == 200, response.text
    return list(counter.statements), len(response.json()["data"])


@pytest.mark.parametrize("path", LISTS)
def test_list_statements_do_not_grow_with_the_page(live: Live, path: str) -> None:
    small, large = live.tenant(), live.tenant()
    small_path = path.format(meeting=_populate(small, 1))
    large_path = path.format(meeting=_populate(large, 12))
    small_statements, small_rows = _statements(live, small, small_path)
    large_statements, large_rows = _statements(live, large, large_path)
    assert large_rows > small_rows
    assert len(large_statements) == len(small_statements), (small_statements, large_statements)
    large_count = len(large_statements)
    # The organization's context, the parent's check or the follow-up query, the page (the
    # key was verified a moment ago and is cached; the audit line of a content read by a key
    # is written off the request path). BEGIN/COMMIT are not counted.
    assert large_count <= 3


AUDITED_READS = {
    "meeting": "/v1/meetings/{meeting_id}",
    "notes": "/v1/meetings/{meeting_id}/notes",
    "note": "/v1/notes/{note_id}",
}


@pytest.mark.parametrize("path", AUDITED_READS.values(), ids=AUDITED_READS.keys())
def test_an_audited_get_only_reads(live: Live, world: World, path: str) -> None:
    """A content read by a service key is audited, yet its request sends reads only: the
    audit line is written off the request path (app/services/read_audit.py), so the request
    needs no write transaction, no INSERT and no per-request commit setting."""
    reader = world.tenant.key(Scope.MEETINGS_READ, Scope.CONTENT_READ)
    target = path.format(**world.ids())
    assert world.tenant.call("GET", target, key=reader).status_code == 200  # key now cached
    read_audit_written(live.app)
    with live.statements.measure() as counter:
        response = world.tenant.call("GET", target, key=reader)
    assert response.status_code == 200, response.text
    # SQLite's deferred BEGIN takes no lock (a write transaction sends BEGIN IMMEDIATE).
    sent = [s.strip() for s in counter.statements if s.strip().upper() != "BEGIN"]
    assert sent, "the request sent no statement"
    # Only SELECTs (the organization's context is `SELECT set_config(...)` on PostgreSQL):
    # no INSERT, no BEGIN IMMEDIATE, no `SET LOCAL synchronous_commit`.
    assert all(s.upper().startswith("SELECT") for s in sent), sent
    # The organization's context, the record (or its parent and the page), the meeting's
    # follow-up: never more than three statements.
    assert len(sent) <= 3, sent


def _feed_url(tenant: Tenant, meetings: int) -> str:
    """A member's feed with this many meetings, each with two agenda items."""
    lead, member = tenant.person(), tenant.person()
    pair = tenant.pair(lead_id=lead["id"], member_id=member["id"])
    for day in range(meetings):
        meeting = tenant.meeting(pair["id"], timedelta(days=2 + day))
        for title in ("Wins", "Blockers"):
            tenant.create(
                f"/v1/meetings/{meeting['id']}/agenda-items",
                {"author_id": lead["id"], "title": title},
            )
    minted = tenant.call("POST", f"/v1/people/{member['id']}/calendar-token")
    assert minted.status_code == 200, minted.text
    url: str = minted.json()["url"]
    return url


def test_a_calendar_feed_costs_the_same_statements_for_any_number_of_meetings(
    live: Live,
) -> None:
    counts = []
    for meetings in (1, 12):
        url = _feed_url(live.tenant(), meetings)
        with live.statements.measure() as counter:
            response = httpx.get(url, timeout=30)
        assert response.status_code == 200, response.text
        assert response.text.count("BEGIN:VEVENT") == meetings
        counts.append(len([s for s in counter.statements if not s.startswith("BEGIN")]))
    # The token (which enters its organization), the person, the meetings with both names,
    # the agenda titles (SQLite's explicit BEGIN is not counted).
    assert counts[0] == counts[1] == 4, live.statements.statements
