"""POST /v1/directory/sync: one idempotent call, all or nothing, rows in any order, every
bad row reported at once, and reporting pairs that follow (rule 8)."""

from __future__ import annotations

from typing import Any

from app.domain.directory import MAX_ROWS
from tests.conftest import Live
from tests.support.tenants import Tenant

DIRECTORY = [
    # The report comes before the manager: any order works.
    {"external_id": "e3", "email": "cy@example.com", "name": "Cy", "manager_external_id": "e2"},
    {
        "external_id": "e2",
        "email": "bo@example.com",
        "name": "Bo",
        "manager_email": "al@example.com",
    },
    {"external_id": "e1", "email": "al@example.com", "name": "Al", "timezone": "Europe/Paris"},
]


def _sync(tenant: Tenant, people: list[dict[str, Any]], **options: Any) -> Any:
    response = tenant.call("POST", "/v1/directory/sync", json={"people": people, **options})
    assert response.status_code == 200, response.text
    return response.json()


def _people(tenant: Tenant) -> dict[str, dict[str, Any]]:
    listed = tenant.call("GET", "/v1/people", params={"limit": 200}).json()["data"]
    return {p["external_id"]: p for p in listed if p["external_id"]}


def _live_reporting_pairs(tenant: Tenant) -> set[tuple[str, str]]:
    params = {"kind": "manager_report", "status": "active", "limit": 200}
    listed = tenant.call("GET", "/v1/pairs", params=params).json()["data"]
    return {(p["lead_id"], p["member_id"]) for p in listed}


def test_first_sync_creates_people_and_their_pairs(tenant: Tenant) -> None:
    diff = _sync(tenant, DIRECTORY)
    assert sorted(c["row"] for c in diff["people"]["created"]) == [0, 1, 2]
    people = _people(tenant)
    assert people["e3"]["manager_id"] == people["e2"]["id"]
    assert people["e2"]["manager_id"] == people["e1"]["id"]
    assert people["e1"]["timezone"] == "Europe/Paris" and people["e2"]["timezone"] == "UTC"
    assert people["e1"]["username"] == "al@example.com"
    expected = {
        (people["e2"]["id"], people["e3"]["id"]),
        (people["e1"]["id"], people["e2"]["id"]),
    }
    assert _live_reporting_pairs(tenant) == expected
    assert {(p["lead_id"], p["member_id"]) for p in diff["pairs"]["started"]} == expected


def test_the_same_directory_twice_changes_nothing(tenant: Tenant) -> None:
    _sync(tenant, DIRECTORY)
    before = tenant.call("GET", "/v1/people", params={"limit": 200}).json()
    again = _sync(tenant, list(reversed(DIRECTORY)), deactivate_missing=True)
    assert all(not changes for changes in again["people"].values())
    assert all(not changes for changes in again["pairs"].values())
    assert tenant.call("GET", "/v1/people", params={"limit": 200}).json() == before


def test_moves_leavers_and_returns(tenant: Tenant) -> None:
    _sync(tenant, DIRECTORY)
    people = _people(tenant)
    moved = [
        {**DIRECTORY[0], "manager_external_id": "e1", "name": "Cyrus"},
        DIRECTORY[2],
    ]
    diff = _sync(tenant, moved, deactivate_missing=True)
    assert [
        (m["id"], m["from_manager_id"], m["to_manager_id"]) for m in diff["people"]["moved"]
    ] == [(people["e3"]["id"], people["e2"]["id"], people["e1"]["id"])]
    assert diff["people"]["updated"] == [
        {"id": people["e3"]["id"], "external_id": "e3", "row": 0, "changed": ["name"]}
    ]
    assert [d["id"] for d in diff["people"]["deactivated"]] == [people["e2"]["id"]]
    assert diff["people"]["deactivated"][0]["row"] is None
    ended = {(p["lead_id"], p["member_id"], p["reason"]) for p in diff["pairs"]["ended"]}
    assert ended == {
        (people["e2"]["id"], people["e3"]["id"], "person_deactivated"),
        (people["e1"]["id"], people["e2"]["id"], "person_deactivated"),
    }
    assert _live_reporting_pairs(tenant) == {(people["e1"]["id"], people["e3"]["id"])}

    back = _sync(tenant, DIRECTORY, deactivate_missing=True)
    assert [(r["id"], r["row"]) for r in back["people"]["reactivated"]] == [(people["e2"]["id"], 1)]
    assert _people(tenant)["e2"]["active"] is True
    assert _live_reporting_pairs(tenant) == {
        (people["e2"]["id"], people["e3"]["id"]),
        (people["e1"]["id"], people["e2"]["id"]),
    }


def test_a_dry_run_answers_the_diff_and_writes_nothing(tenant: Tenant) -> None:
    diff = _sync(tenant, DIRECTORY, dry_run=True)
    assert diff["dry_run"] is True
    assert len(diff["people"]["created"]) == 3 and len(diff["pairs"]["started"]) == 2
    assert _people(tenant) == {}
    assert _sync(tenant, DIRECTORY)["dry_run"] is False


def test_people_are_matched_by_email_when_the_external_id_is_new(tenant: Tenant) -> None:
    existing = tenant.person(email="al@example.com", name="Al")
    diff = _sync(tenant, [DIRECTORY[2]])
    assert diff["people"]["created"] == []
    (updated,) = diff["people"]["updated"]
    assert updated["id"] == existing["id"]
    assert updated["changed"] == ["external_id", "timezone"]


def test_every_bad_row_is_reported_at_once_and_nothing_is_written(tenant: Tenant) -> None:
    bad = [
        {"external_id": "a", "name": "A", "manager_external_id": "nobody"},
        {"external_id": "b", "name": "B", "email": "same@example.com", "timezone": "Mars/Base"},
        {"external_id": "c", "name": "C", "email": "SAME@example.com", "manager_external_id": "d"},
        {"external_id": "d", "name": "D", "manager_external_id": "c"},
        {"external_id": "b", "name": "B again"},
        {"external_id": "e", "name": "E", "manager_external_id": "a", "manager_email": "x@y.z"},
    ]
    response = tenant.call("POST", "/v1/directory/sync", json={"people": bad})
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["code"] == "invalid_directory"
    found = {(e["row"], e["code"]) for e in problem["errors"]}
    assert found == {
        (0, "unknown_manager"),
        (1, "unknown_timezone"),
        (2, "duplicate_email"),
        (2, "reporting_cycle"),
        (3, "reporting_cycle"),
        (4, "duplicate_external_id"),
        (5, "ambiguous_manager"),
    }
    assert all(e["detail"] for e in problem["errors"])
    assert _people(tenant) == {}


def test_a_manager_who_left_and_is_not_in_the_directory_is_refused(tenant: Tenant) -> None:
    gone = tenant.person(name="Gone", external_id="gone")
    tenant.call("POST", f"/v1/people/{gone['id']}/deactivate")
    response = tenant.call(
        "POST",
        "/v1/directory/sync",
        json={"people": [{"external_id": "r", "name": "R", "manager_external_id": "gone"}]},
    )
    assert response.status_code == 422
    assert [(e["row"], e["code"]) for e in response.json()["errors"]] == [(0, "manager_inactive")]


def test_the_payload_limit_is_stated_and_enforced(tenant: Tenant) -> None:
    rows = [{"external_id": str(i), "name": "x"} for i in range(MAX_ROWS + 1)]
    response = tenant.call("POST", "/v1/directory/sync", json={"people": rows})
    assert response.status_code == 422 and response.json()["code"] == "too_long"
    schema = tenant.call("GET", "/openapi.json").json()["components"]["schemas"]
    assert schema["DirectorySyncIn"]["properties"]["people"]["maxItems"] == MAX_ROWS


def _statements_for(live: Live, size: int) -> int:
    tenant = live.tenant()
    rows = [
        {"external_id": f"p{i}", "name": f"P{i}", "manager_external_id": f"p{i // 3}"}
        for i in range(1, size)
    ]
    rows.append({"external_id": "p0", "name": "Chief"})
    with live.statements.measure() as counted:
        _sync(tenant, rows)
    return counted.count


def test_statements_do_not_grow_with_the_directory(live: Live) -> None:
    """Batches, not one statement per person: a directory ten times larger (both fit in
    one batch) takes the same statements."""
    assert _statements_for(live, 300) == _statements_for(live, 30)
