"""Domain rules as a client sees them, on both databases."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

from app.domain.paging import Cursor
from tests.support.tenants import Tenant

DAY = timedelta(days=1)


def test_schedule_conflict_spans_all_pairs_of_a_person(tenant: Tenant) -> None:
    shared = tenant.person()
    first = tenant.pair(lead_id=shared["id"])
    second = tenant.pair(member_id=shared["id"])
    booked = tenant.meeting(first["id"], 5 * DAY)
    response = tenant.call(
        "POST",
        "/v1/meetings",
        json={"pair_id": second["id"], "starts_at": booked["starts_at"], "duration_minutes": 45},
    )
    assert response.status_code == 409
    assert response.json()["code"] == "schedule_conflict"
    assert response.json()["conflicting_meeting_id"] == booked["id"]
    listed = tenant.call("GET", "/v1/meetings", params={"pair_id": second["id"]}).json()
    assert listed["data"] == []


def test_meetings_answer_in_utc_with_z(tenant: Tenant) -> None:
    pair = tenant.pair()
    response = tenant.call(
        "POST",
        "/v1/meetings",
        json={"pair_id": pair["id"], "starts_at": "2031-03-04T10:00:00+02:00"},
    )
    assert response.status_code == 201
    assert response.json()["starts_at"] == "2031-03-04T08:00:00Z"
    assert response.json()["duration_minutes"] == pair["duration_minutes"]
    assert response.headers["location"] == f"/v1/meetings/{response.json()['id']}"


def test_reporting_line_keeps_the_manager_report_pair_in_step(tenant: Tenant) -> None:
    old_manager = tenant.person()
    new_manager = tenant.person()
    report = tenant.person(manager_id=old_manager["id"])
    (old_pair,) = tenant.call("GET", "/v1/pairs", params={"member_id": report["id"]}).json()["data"]
    assert old_pair["source"] == "reporting_line" and old_pair["lead_id"] == old_manager["id"]
    upcoming = tenant.meeting(old_pair["id"], 3 * DAY)
    theirs = tenant.create(
        "/v1/commitments",
        {"pair_id": old_pair["id"], "owner_id": report["id"], "title": "Write the doc"},
    )
    mine = tenant.create(
        "/v1/commitments",
        {"pair_id": old_pair["id"], "owner_id": old_manager["id"], "title": "Find a mentor"},
    )

    moved = tenant.call(
        "PATCH", f"/v1/people/{report['id']}", json={"manager_id": new_manager["id"]}
    )
    assert moved.status_code == 200, moved.text

    ended = tenant.call("GET", f"/v1/pairs/{old_pair['id']}").json()
    assert ended["status"] == "ended" and ended["ended_reason"] == "reporting_line_changed"
    canceled = tenant.call("GET", f"/v1/meetings/{upcoming['id']}").json()
    assert canceled["status"] == "canceled" and canceled["canceled_by_id"] is None
    pairs = tenant.call(
        "GET", "/v1/pairs", params={"member_id": report["id"], "status": "active"}
    ).json()["data"]
    assert [p["lead_id"] for p in pairs] == [new_manager["id"]]
    assert tenant.call("GET", f"/v1/commitments/{theirs['id']}").json()["pair_id"] == pairs[0]["id"]
    assert tenant.call("GET", f"/v1/commitments/{mine['id']}").json()["pair_id"] == old_pair["id"]


def test_reporting_cycles_are_refused_and_change_nothing(tenant: Tenant) -> None:
    top = tenant.person()
    middle = tenant.person(manager_id=top["id"])
    bottom = tenant.person(manager_id=middle["id"])
    response = tenant.call("PATCH", f"/v1/people/{top['id']}", json={"manager_id": bottom["id"]})
    assert response.status_code == 422 and response.json()["code"] == "reporting_cycle"
    assert tenant.call("GET", f"/v1/people/{top['id']}").json()["manager_id"] is None


def test_deactivation_ends_every_pair_and_cancels_future_meetings(tenant: Tenant) -> None:
    leaving = tenant.person()
    first = tenant.pair(lead_id=leaving["id"])
    second = tenant.pair(member_id=leaving["id"])
    meeting = tenant.meeting(first["id"], 2 * DAY)
    response = tenant.call("POST", f"/v1/people/{leaving['id']}/deactivate")
    assert response.status_code == 200 and response.json()["active"] is False
    for pair in (first, second):
        assert tenant.call("GET", f"/v1/pairs/{pair['id']}").json()["status"] == "ended"
    assert tenant.call("GET", f"/v1/meetings/{meeting['id']}").json()["status"] == "canceled"
    again = tenant.call("POST", f"/v1/people/{leaving['id']}/deactivate")
    assert again.status_code == 409 and again.json()["code"] == "person_deactivated"
    refused = tenant.call(
        "POST", "/v1/pairs", json={"lead_id": leaving["id"], "member_id": tenant.person()["id"]}
    )
    assert refused.status_code == 422 and refused.json()["code"] == "person_inactive"


def test_agenda_changes_only_while_the_meeting_is_scheduled(tenant: Tenant) -> None:
    pair = tenant.pair()
    meeting = tenant.meeting(pair["id"], 2 * DAY)
    item = tenant.create(
        f"/v1/meetings/{meeting['id']}/agenda-items",
        {"author_id": pair["member_id"], "title": "Wins", "kind": "win"},
    )
    tenant.call("POST", f"/v1/pairs/{pair['id']}/end")
    for method, path, body in (
        (
            "POST",
            f"/v1/meetings/{meeting['id']}/agenda-items",
            {"author_id": pair["lead_id"], "title": "Late"},
        ),
        ("PATCH", f"/v1/agenda-items/{item['id']}", {"title": "Changed"}),
        ("DELETE", f"/v1/agenda-items/{item['id']}", None),
    ):
        response = tenant.call(method, path, json=body)
        assert response.status_code == 409, (method, path, response.text)
        assert response.json()["code"] == "meeting_closed"


def test_only_participants_author_agenda_items(tenant: Tenant) -> None:
    pair = tenant.pair()
    meeting = tenant.meeting(pair["id"], 2 * DAY)
    response = tenant.call(
        "POST",
        f"/v1/meetings/{meeting['id']}/agenda-items",
        json={"author_id": tenant.person()["id"], "title": "Not mine"},
    )
    assert response.status_code == 422 and response.json()["code"] == "not_a_participant"


def test_default_template_is_the_seeds_structure(tenant: Tenant) -> None:
    pair = tenant.pair()
    meeting = tenant.meeting(pair["id"], 2 * DAY)
    response = tenant.call(
        "POST", f"/v1/meetings/{meeting['id']}/apply-template", json={"author_id": pair["lead_id"]}
    )
    assert response.status_code == 201, response.text
    items = response.json()["data"]
    assert [i["kind"] for i in items] == ["check_in", "metrics", "goal", "development"]
    assert "How are you doing" in items[0]["details"]
    assert [i["position"] for i in items] == [0, 1, 2, 3]


def test_reorder_sets_positions(tenant: Tenant) -> None:
    pair = tenant.pair()
    meeting = tenant.meeting(pair["id"], 2 * DAY)
    path = f"/v1/meetings/{meeting['id']}/agenda-items"
    ids = [tenant.create(path, {"author_id": pair["lead_id"], "title": t})["id"] for t in "abc"]
    response = tenant.call("PUT", f"{path}/order", json={"item_ids": ids[::-1]})
    assert response.status_code == 200
    listed = tenant.call("GET", path).json()["data"]
    assert [i["id"] for i in listed] == ids[::-1]


def test_emails_are_unique_regardless_of_case(tenant: Tenant) -> None:
    tenant.person(email="Ada@Example.com")
    response = tenant.call("POST", "/v1/people", json={"email": "ada@example.COM", "name": "Ada"})
    assert response.status_code == 409 and response.json()["code"] == "duplicate_email"


def test_one_live_pair_per_lead_member_and_kind(tenant: Tenant) -> None:
    pair = tenant.pair()
    body = {"lead_id": pair["lead_id"], "member_id": pair["member_id"], "kind": "mentorship"}
    duplicate = tenant.call("POST", "/v1/pairs", json=body)
    assert duplicate.status_code == 409 and duplicate.json()["code"] == "duplicate_pair"
    tenant.call("POST", f"/v1/pairs/{pair['id']}/end")
    assert tenant.call("POST", "/v1/pairs", json=body).status_code == 201


def test_revoked_keys_stop_working_at_once(tenant: Tenant) -> None:
    created = tenant.create("/v1/service-keys", {"name": "etl", "scopes": ["people:read"]})
    assert tenant.call("GET", "/v1/people", key=created["key"]).status_code == 200
    assert tenant.call("DELETE", f"/v1/service-keys/{created['id']}").status_code == 204
    response = tenant.call("GET", "/v1/people", key=created["key"])
    assert response.status_code == 401 and response.json()["code"] == "invalid_credential"
    listed = tenant.call("GET", "/v1/service-keys").json()["data"]
    assert "key" not in listed[0] and all("digest" not in k for k in listed)


def test_pages_walk_every_record_once_in_a_stable_order(tenant: Tenant) -> None:
    created = [tenant.person()["id"] for _ in range(7)]
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = tenant.call("GET", "/v1/people", params=params).json()
        seen += [p["id"] for p in page["data"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == created
    naive = Cursor("2026-01-01T00:00:00", uuid4()).encode()
    for cursor in ("garbage", naive, Cursor("yesterday", uuid4()).encode()):
        bad = tenant.call("GET", "/v1/people", params={"cursor": cursor})
        assert bad.status_code == 422 and bad.json()["code"] == "invalid_cursor"


def test_key_scopes_are_listed_in_a_stable_order(tenant: Tenant) -> None:
    scopes = ["people:read", "content:read", "meetings:write", "admin"]
    created = tenant.create("/v1/service-keys", {"name": "ordered", "scopes": scopes})
    assert created["scopes"] == sorted(scopes)
    listed = tenant.call("GET", "/v1/service-keys").json()["data"]
    assert next(k for k in listed if k["id"] == created["id"])["scopes"] == sorted(scopes)
    assert tenant.call("GET", "/v1/me", key=created["key"]).json()["service_key"]["scopes"] == (
        sorted(scopes)
    )
