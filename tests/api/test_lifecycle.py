"""Rules 2–6 through the API: reschedule, cancel, complete, carry-over, ratings, cadence."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from tests.conftest import Live
from tests.support.tenants import Tenant

DAY = timedelta(days=1)
MINUTE = timedelta(minutes=1)


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _item(tenant: Tenant, meeting: dict[str, Any], author: str, title: str) -> dict[str, Any]:
    return tenant.create(
        f"/v1/meetings/{meeting['id']}/agenda-items", {"author_id": author, "title": title}
    )


def _items(tenant: Tenant, meeting_id: str) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = tenant.call(
        "GET", f"/v1/meetings/{meeting_id}/agenda-items"
    ).json()["data"]
    return data


def test_reschedule_counts_keeps_the_original_and_records_history(tenant: Tenant) -> None:
    pair = tenant.pair()
    meeting = tenant.meeting(pair["id"], 3 * DAY)
    first_start = meeting["starts_at"]
    for days in (4, 5):
        moved_to = (_at(first_start) + (days - 3) * DAY).isoformat()
        response = tenant.call(
            "PATCH", f"/v1/meetings/{meeting['id']}", json={"starts_at": moved_to}
        )
        assert response.status_code == 200, response.text
    moved = response.json()
    assert moved["reschedule_count"] == 2
    assert moved["original_starts_at"] == first_start
    assert _at(moved["starts_at"]) == _at(first_start) + 2 * DAY
    history = tenant.call("GET", f"/v1/meetings/{meeting['id']}/history").json()["data"]
    assert [e["kind"] for e in history] == ["scheduled", "rescheduled", "rescheduled"]
    assert history[1]["actor_key_id"] is not None and history[1]["data"]["from"]


def test_rescheduling_into_a_conflict_changes_nothing(tenant: Tenant) -> None:
    pair = tenant.pair()
    meeting = tenant.meeting(pair["id"], 3 * DAY)
    other = tenant.meeting(pair["id"], 4 * DAY)
    response = tenant.call(
        "PATCH", f"/v1/meetings/{meeting['id']}", json={"starts_at": other["starts_at"]}
    )
    assert response.status_code == 409 and response.json()["code"] == "schedule_conflict"
    assert tenant.call("GET", f"/v1/meetings/{meeting['id']}").json()["reschedule_count"] == 0


def test_cancel_needs_a_reason_and_a_participant_and_flags_late(live: Live, tenant: Tenant) -> None:
    pair = tenant.pair()
    early = tenant.meeting(pair["id"], 3 * DAY)
    late = tenant.meeting(pair["id"], 10 * MINUTE + DAY)
    path = f"/v1/meetings/{early['id']}/cancel"
    missing = tenant.call("POST", path, json={"canceled_by_id": pair["lead_id"]})
    assert missing.status_code == 422 and missing.json()["code"] == "missing_field"
    outsider = tenant.call(
        "POST", path, json={"canceled_by_id": tenant.person()["id"], "reason": "conflict"}
    )
    assert outsider.status_code == 422 and outsider.json()["code"] == "not_a_participant"
    done = tenant.call("POST", path, json={"canceled_by_id": pair["lead_id"], "reason": "illness"})
    assert done.status_code == 200 and done.json()["late"] is False
    meeting = done.json()["meeting"]
    assert meeting["status"] == "canceled" and meeting["canceled_by_id"] == pair["lead_id"]
    assert meeting["cancel_reason"] == "illness" and meeting["canceled_at"]
    live.clock.pinned = _at(late["starts_at"]) - timedelta(hours=2)
    response = tenant.call(
        "POST",
        f"/v1/meetings/{late['id']}/cancel",
        json={"canceled_by_id": pair["member_id"], "reason": "conflict"},
    )
    assert response.json()["late"] is True
    again = tenant.call("POST", path, json={"canceled_by_id": pair["lead_id"], "reason": "other"})
    assert again.status_code == 409 and again.json()["code"] == "meeting_closed"


def test_cancel_moves_open_and_deferred_items_to_the_next_meeting(tenant: Tenant) -> None:
    pair = tenant.pair()
    canceled = tenant.meeting(pair["id"], 3 * DAY)
    following = tenant.meeting(pair["id"], 10 * DAY)
    open_item = _item(tenant, canceled, pair["member_id"], "Promotion path")
    deferred = _item(tenant, canceled, pair["lead_id"], "Budget")
    done = _item(tenant, canceled, pair["lead_id"], "Done already")
    tenant.call("PATCH", f"/v1/agenda-items/{deferred['id']}", json={"state": "deferred"})
    tenant.call("PATCH", f"/v1/agenda-items/{done['id']}", json={"state": "discussed"})
    response = tenant.call(
        "POST",
        f"/v1/meetings/{canceled['id']}/cancel",
        json={"canceled_by_id": pair["lead_id"], "reason": "conflict"},
    )
    assert response.json()["carried_items"] == 2
    assert response.json()["carried_to_meeting_id"] == following["id"]
    moved = _items(tenant, following["id"])
    assert {i["carried_from_id"] for i in moved} == {open_item["id"], deferred["id"]}
    assert all(i["state"] == "open" for i in moved)
    states = {i["id"]: i["state"] for i in _items(tenant, canceled["id"])}
    assert states == {
        open_item["id"]: "carried_over",
        deferred["id"]: "carried_over",
        done["id"]: "discussed",
    }


def test_items_of_a_canceled_meeting_wait_for_the_next_one_scheduled(tenant: Tenant) -> None:
    pair = tenant.pair()
    canceled = tenant.meeting(pair["id"], 3 * DAY)
    item = _item(tenant, canceled, pair["member_id"], "Nothing is lost")
    tenant.call(
        "POST",
        f"/v1/meetings/{canceled['id']}/cancel",
        json={"canceled_by_id": pair["member_id"], "reason": "out_of_office"},
    )
    assert _items(tenant, canceled["id"])[0]["state"] == "open"
    later = tenant.meeting(pair["id"], 7 * DAY)
    assert [i["carried_from_id"] for i in _items(tenant, later["id"])] == [item["id"]]


def test_complete_books_the_next_meeting_on_cadence(live: Live, tenant: Tenant) -> None:
    pair = tenant.pair(cadence_days=14)
    meeting = tenant.meeting(pair["id"], 2 * DAY)
    discussed = _item(tenant, meeting, pair["lead_id"], "Wins")
    pending = _item(tenant, meeting, pair["member_id"], "Career")
    path = f"/v1/meetings/{meeting['id']}/complete"
    early = tenant.call("POST", path, json={})
    assert early.status_code == 409 and early.json()["code"] == "meeting_not_started"
    live.clock.pinned = _at(meeting["starts_at"]) + 20 * MINUTE
    response = tenant.call(
        "POST", path, json={"actual_minutes": 28, "discussed_item_ids": [discussed["id"]]}
    )
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["meeting"]["status"] == "completed" and result["meeting"]["actual_minutes"] == 28
    nxt = result["next_meeting"]
    assert _at(nxt["starts_at"]) == _at(meeting["starts_at"]) + 14 * DAY
    assert result["next_meeting_reason"] is None and result["carried_items"] == 1
    assert [i["carried_from_id"] for i in _items(tenant, nxt["id"])] == [pending["id"]]
    states = {i["id"]: i["state"] for i in _items(tenant, meeting["id"])}
    assert states == {discussed["id"]: "discussed", pending["id"]: "carried_over"}
    twice = tenant.call("POST", path, json={})
    assert twice.status_code == 409 and twice.json()["code"] == "meeting_closed"
    history = tenant.call("GET", f"/v1/meetings/{nxt['id']}/history").json()["data"]
    assert [e["kind"] for e in history] == ["scheduled", "items_carried_over"]
    cadence = tenant.call("GET", f"/v1/pairs/{pair['id']}/cadence").json()
    assert cadence["last_held_at"] == meeting["starts_at"].replace("+00:00", "Z")
    assert cadence["next_at"] == nxt["starts_at"] and cadence["state"] == "on_track"


def test_complete_keeps_an_already_booked_next_meeting(live: Live, tenant: Tenant) -> None:
    pair = tenant.pair()
    meeting = tenant.meeting(pair["id"], 2 * DAY)
    booked = tenant.meeting(pair["id"], 5 * DAY)
    live.clock.pinned = _at(meeting["starts_at"])
    result = tenant.call("POST", f"/v1/meetings/{meeting['id']}/complete", json={}).json()
    assert result["next_meeting"]["id"] == booked["id"]
    meetings = tenant.call("GET", "/v1/meetings", params={"pair_id": pair["id"]}).json()["data"]
    assert len(meetings) == 2


def test_complete_skips_conflicting_candidates(live: Live, tenant: Tenant) -> None:
    pair = tenant.pair(cadence_days=7)
    meeting = tenant.meeting(pair["id"], 2 * DAY)
    blocker = tenant.pair(lead_id=pair["lead_id"])
    first_candidate = _at(meeting["starts_at"]) + 7 * DAY
    tenant.create(
        "/v1/meetings", {"pair_id": blocker["id"], "starts_at": first_candidate.isoformat()}
    )
    live.clock.pinned = _at(meeting["starts_at"])
    result = tenant.call("POST", f"/v1/meetings/{meeting['id']}/complete", json={}).json()
    assert _at(result["next_meeting"]["starts_at"]) == first_candidate + 7 * DAY


def test_complete_books_nothing_when_every_candidate_conflicts(live: Live, tenant: Tenant) -> None:
    pair = tenant.pair(cadence_days=7)
    meeting = tenant.meeting(pair["id"], 2 * DAY)
    blocker = tenant.pair(member_id=pair["member_id"])
    for k in range(1, 11):
        start = _at(meeting["starts_at"]) + k * 7 * DAY
        tenant.create("/v1/meetings", {"pair_id": blocker["id"], "starts_at": start.isoformat()})
    live.clock.pinned = _at(meeting["starts_at"])
    result = tenant.call("POST", f"/v1/meetings/{meeting['id']}/complete", json={}).json()
    assert result["next_meeting"] is None and result["next_meeting_reason"] == "no_free_slot"


def test_ratings_one_per_participant_replaceable(live: Live, tenant: Tenant) -> None:
    pair = tenant.pair()
    meeting = tenant.meeting(pair["id"], 2 * DAY)
    path = f"/v1/meetings/{meeting['id']}/ratings"
    body = {"person_id": pair["member_id"], "score": 4}
    early = tenant.call("POST", path, json=body)
    assert early.status_code == 409 and early.json()["code"] == "meeting_not_completed"
    live.clock.pinned = _at(meeting["starts_at"])
    tenant.call("POST", f"/v1/meetings/{meeting['id']}/complete", json={})
    assert tenant.call("POST", path, json=body).status_code == 201
    twice = tenant.call("POST", path, json=body)
    assert twice.status_code == 409 and twice.json()["code"] == "already_rated"
    replaced = tenant.call("POST", path, json={**body, "score": 2, "replace": True})
    assert replaced.status_code == 200 and replaced.json()["score"] == 2
    outsider = tenant.call("POST", path, json={"person_id": tenant.person()["id"], "score": 3})
    assert outsider.status_code == 422 and outsider.json()["code"] == "not_a_participant"
    ratings = tenant.call("GET", path).json()["data"]
    assert [(r["person_id"], r["score"]) for r in ratings] == [(pair["member_id"], 2)]


def test_meetings_show_open_commitments_to_follow_up(live: Live, tenant: Tenant) -> None:
    pair = tenant.pair()
    meeting = tenant.meeting(pair["id"], 2 * DAY)
    follow = tenant.create(
        "/v1/commitments", {"pair_id": pair["id"], "owner_id": pair["member_id"], "title": "Doc"}
    )
    closed = tenant.create(
        "/v1/commitments", {"pair_id": pair["id"], "owner_id": pair["lead_id"], "title": "Intro"}
    )
    tenant.call("PATCH", f"/v1/commitments/{closed['id']}", json={"status": "done"})
    shown = tenant.call("GET", f"/v1/meetings/{meeting['id']}").json()["follow_up"]
    assert [c["id"] for c in shown] == [follow["id"]]
    listed = tenant.call("GET", "/v1/meetings", params={"pair_id": pair["id"]}).json()["data"]
    assert [c["id"] for c in listed[0]["follow_up"]] == [follow["id"]]


def test_pause_cancels_future_meetings_and_resume_reopens(tenant: Tenant) -> None:
    pair = tenant.pair()
    meeting = tenant.meeting(pair["id"], 2 * DAY)
    paused = tenant.call("PATCH", f"/v1/pairs/{pair['id']}", json={"status": "paused"})
    assert paused.status_code == 200 and paused.json()["status"] == "paused"
    canceled = tenant.call("GET", f"/v1/meetings/{meeting['id']}").json()
    assert canceled["status"] == "canceled" and canceled["canceled_by_id"] is None
    assert canceled["cancel_reason"] == "pair_paused"
    refused = tenant.call(
        "POST", "/v1/meetings", json={"pair_id": pair["id"], "starts_at": meeting["starts_at"]}
    )
    assert refused.status_code == 409 and refused.json()["code"] == "pair_not_active"
    assert tenant.call("GET", f"/v1/pairs/{pair['id']}/cadence").json()["state"] == "paused"
    tenant.call("PATCH", f"/v1/pairs/{pair['id']}", json={"status": "active"})
    assert tenant.meeting(pair["id"], 3 * DAY)["status"] == "scheduled"
    ended = tenant.call("PATCH", f"/v1/pairs/{pair['id']}", json={"status": "ended"})
    assert ended.status_code == 422


def test_cadence_state_follows_the_pairs_history(live: Live, tenant: Tenant) -> None:
    pair = tenant.pair(cadence_days=14)
    started = _at(pair["started_at"])
    cadence = tenant.call("GET", f"/v1/pairs/{pair['id']}/cadence").json()
    assert cadence["state"] == "unbooked" and cadence["last_held_at"] is None
    assert _at(cadence["due_at"]) == started + 14 * DAY and cadence["grace_days"] == 2
    meeting = tenant.meeting(pair["id"], 20 * DAY)
    assert _state(tenant, pair) == "at_risk"
    tenant.call(
        "PATCH",
        f"/v1/meetings/{meeting['id']}",
        json={"starts_at": (started + 10 * DAY).isoformat()},
    )
    assert _state(tenant, pair) == "on_track"
    live.clock.pinned = started + 17 * DAY
    assert _state(tenant, pair) == "overdue"
    for state in ("overdue", "on_track"):
        listed = tenant.call("GET", "/v1/pairs", params={"state": state}).json()["data"]
        assert [p["id"] for p in listed] == ([pair["id"]] if state == "overdue" else [])


def _state(tenant: Tenant, pair: dict[str, Any]) -> str:
    """The state from the cadence endpoint, checked against the list filter (SQL)."""
    state: str = tenant.call("GET", f"/v1/pairs/{pair['id']}/cadence").json()["state"]
    listed = tenant.call("GET", "/v1/pairs", params={"state": state}).json()["data"]
    assert pair["id"] in [p["id"] for p in listed]
    return state
