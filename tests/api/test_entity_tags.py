"""ETags and conditional requests: every versioned record's reads and writes carry its
version as a strong ETag; If-None-Match answers 304; a stale If-Match (on PATCH, DELETE
and the meeting actions) is 412 with the current ETag and changes nothing; the policy's
`require_if_match` makes an edit without If-Match 428; of two writers expecting one
version, exactly one writes."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import httpx
import pytest

from app.domain.access import Scope
from tests.conftest import Live
from tests.support.events_feed import at_least, events_page, listed, with_id
from tests.support.tenants import Tenant, World, snapshot

STRONG_TAG = re.compile(r'"[1-9][0-9]*"')

READS = {
    "person": "/v1/people/{person_id}",
    "pair": "/v1/pairs/{pair_id}",
    "meeting": "/v1/meetings/{meeting_id}",
    "note": "/v1/notes/{note_id}",
    "commitment": "/v1/commitments/{commitment_id}",
    "policy": "/v1/policy",
}


def _etag(response: httpx.Response) -> str:
    tag: str | None = response.headers.get("ETag")
    assert tag is not None and STRONG_TAG.fullmatch(tag), (tag, response.text)
    return tag


@pytest.mark.parametrize("path", READS.values(), ids=READS.keys())
def test_a_read_carries_the_etag_and_if_none_match_answers_304(world: World, path: str) -> None:
    target = path.format(**world.ids())
    read = world.tenant.call("GET", target)
    assert read.status_code == 200, read.text
    tag = _etag(read)
    for if_none_match in (tag, f"W/{tag}", f'"999999", {tag}', "*"):
        cached = world.tenant.call("GET", target, headers={"If-None-Match": if_none_match})
        assert cached.status_code == 304, (if_none_match, cached.text)
        assert cached.content == b""
        assert cached.headers["ETag"] == tag
    fresh = world.tenant.call("GET", target, headers={"If-None-Match": '"999999"'})
    assert fresh.status_code == 200
    assert fresh.json() == read.json()


def test_every_write_answers_the_new_version(tenant: Tenant) -> None:
    created = tenant.call("POST", "/v1/people", json={"email": "v@example.com", "name": "V"})
    assert created.status_code == 201, created.text
    assert created.headers["ETag"] == '"1"'
    path = f"/v1/people/{created.json()['id']}"
    renamed = tenant.call("PATCH", path, json={"name": "Vee"})
    assert renamed.headers["ETag"] == '"2"'
    deactivated = tenant.call("POST", f"{path}/deactivate")
    assert deactivated.headers["ETag"] == '"3"'
    assert tenant.call("GET", path).headers["ETag"] == '"3"'
    policy = tenant.call("GET", "/v1/policy")
    changed = tenant.call("PATCH", "/v1/policy", json={"grace_days": 3})
    assert changed.status_code == 200, changed.text
    assert int(changed.headers["ETag"].strip('"')) == int(policy.headers["ETag"].strip('"')) + 1


def _conditional_writes(world: World) -> dict[str, tuple[str, str, dict[str, Any] | None]]:
    """Every write that honours If-Match: method, path and body."""
    later = (world.tenant.clock() + timedelta(days=5)).isoformat()
    return {
        "people-update": ("PATCH", "/v1/people/{person_id}", {"name": "Renamed"}),
        "pairs-update": ("PATCH", "/v1/pairs/{pair_id}", {"cadence_days": 10}),
        "meetings-reschedule": ("PATCH", "/v1/meetings/{meeting_id}", {"starts_at": later}),
        "meetings-cancel": (
            "POST",
            "/v1/meetings/{meeting_id}/cancel",
            {"canceled_by_id": world.lead["id"], "reason": "illness"},
        ),
        "meetings-complete": ("POST", f"/v1/meetings/{world.due['id']}/complete", {}),
        "agenda-items-update": ("PATCH", "/v1/agenda-items/{item_id}", {"title": "Growth"}),
        "agenda-items-delete": ("DELETE", "/v1/agenda-items/{item_id}", None),
        "notes-update": ("PATCH", "/v1/notes/{note_id}", {"body": "Edited."}),
        "notes-delete": ("DELETE", "/v1/notes/{note_id}", None),
        "commitments-update": ("PATCH", "/v1/commitments/{commitment_id}", {"status": "done"}),
        "policy-update": ("PATCH", "/v1/policy", {"grace_days": 5}),
    }


CONDITIONAL_WRITES = [
    "people-update",
    "pairs-update",
    "meetings-reschedule",
    "meetings-cancel",
    "meetings-complete",
    "agenda-items-update",
    "agenda-items-delete",
    "notes-update",
    "notes-delete",
    "commitments-update",
    "policy-update",
]


def _send(world: World, operation: str, if_match: str | None) -> httpx.Response:
    method, path, body = _conditional_writes(world)[operation]
    headers = {} if if_match is None else {"If-Match": if_match}
    target = path.format(**world.ids())
    if body is None:
        return world.tenant.call(method, target, headers=headers)
    return world.tenant.call(method, target, headers=headers, json=body)


@pytest.mark.parametrize("operation", CONDITIONAL_WRITES)
def test_a_stale_if_match_is_412_with_the_current_etag_and_changes_nothing(
    world: World, operation: str
) -> None:
    before = snapshot(world)
    for stale in ('"999999"', 'W/"1"', '"abc"'):
        refused = _send(world, operation, stale)
        assert refused.status_code == 412, refused.text
        problem = refused.json()
        assert problem["code"] == "precondition_failed"
        assert problem["type"] == "/problems/precondition-failed"
        current = _etag(refused)
        assert problem["current_etag"] == current
        assert problem["current_version"] == int(current.strip('"'))
        assert snapshot(world) == before
    written = _send(world, operation, f'"999999", {current}')
    assert written.status_code in (200, 204), written.text
    if written.status_code == 200:
        assert int(written.headers["ETag"].strip('"')) > int(current.strip('"'))
    assert snapshot(world) != before


@pytest.mark.parametrize("operation", ["people-update", "notes-delete", "meetings-cancel"])
def test_if_match_star_admits_any_version(world: World, operation: str) -> None:
    written = _send(world, operation, "*")
    assert written.status_code in (200, 204), written.text


def test_require_if_match_makes_an_edit_without_it_428(world: World) -> None:
    tenant = world.tenant
    turned_on = tenant.call("PATCH", "/v1/policy", json={"require_if_match": True})
    assert turned_on.status_code == 200, turned_on.text
    assert turned_on.json()["require_if_match"] is True
    before = snapshot(world)
    for operation in ("people-update", "notes-update", "commitments-update", "policy-update"):
        refused = _send(world, operation, None)
        assert refused.status_code == 428, refused.text
        assert refused.json()["code"] == "precondition_required"
    assert snapshot(world) == before
    # Only edits (PATCH) need it: a deletion or a meeting action may go without.
    assert _send(world, "notes-delete", None).status_code == 204
    person = f"/v1/people/{world.member['id']}"
    tag = tenant.call("GET", person).headers["ETag"]
    edited = tenant.call("PATCH", person, json={"name": "Named"}, headers={"If-Match": tag})
    assert edited.status_code == 200, edited.text
    policy_tag = tenant.call("GET", "/v1/policy").headers["ETag"]
    turned_off = tenant.call(
        "PATCH", "/v1/policy", json={"require_if_match": False}, headers={"If-Match": policy_tag}
    )
    assert turned_off.status_code == 200, turned_off.text
    assert _send(world, "people-update", None).status_code == 200


ROUNDS = 4


def _race(
    tenant: Tenant, method: str, path: str, bodies: list[dict[str, Any]], tag: str
) -> list[httpx.Response]:
    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        futures = [
            pool.submit(tenant.call, method, path, json=body, headers={"If-Match": tag})
            for body in bodies
        ]
        return [future.result() for future in futures]


@pytest.mark.parametrize("resource", ["person", "commitment"])
def test_of_two_patches_with_one_etag_exactly_one_wins(
    live: Live, tenant: Tenant, resource: str
) -> None:
    for _ in range(ROUNDS):
        if resource == "person":
            path = f"/v1/people/{tenant.person()['id']}"
            bodies: list[dict[str, Any]] = [{"name": "First"}, {"name": "Second"}]
            field = "name"
        else:
            pair = tenant.pair()
            created = tenant.create(
                "/v1/commitments",
                {"pair_id": pair["id"], "owner_id": pair["lead_id"], "title": "Draft"},
            )
            path = f"/v1/commitments/{created['id']}"
            bodies = [{"title": "First"}, {"title": "Second"}]
            field = "title"
        responses = _race(tenant, "PATCH", path, bodies, '"1"')
        assert sorted(r.status_code for r in responses) == [200, 412], [r.text for r in responses]
        winner = next(r for r in responses if r.status_code == 200)
        loser = next(r for r in responses if r.status_code == 412)
        assert winner.headers["ETag"] == loser.headers["ETag"] == '"2"'
        after = tenant.call("GET", path)
        assert after.headers["ETag"] == '"2"'
        assert after.json()[field] == winner.json()[field]


def test_a_private_notes_etag_is_served_to_its_author_only(world: World) -> None:
    tenant = world.tenant
    author, other = world.token(world.member), world.token(world.lead)
    created = tenant.call(
        "POST",
        f"/v1/meetings/{world.meeting['id']}/notes",
        key=author,
        json={"body": "Only mine.", "visibility": "private"},
    )
    assert created.status_code == 201, created.text
    tag = _etag(created)
    path = f"/v1/notes/{created.json()['id']}"
    assert tenant.call("GET", path, key=author).headers["ETag"] == tag
    for headers in ({}, {"If-None-Match": tag}, {"If-None-Match": "*"}):
        hidden = tenant.call("GET", path, key=other, headers=headers)
        assert hidden.status_code == 404, hidden.text
        assert "ETag" not in hidden.headers
    refused = tenant.call(
        "PATCH", path, key=other, json={"body": "Mine now."}, headers={"If-Match": '"999999"'}
    )
    assert refused.status_code == 404, refused.text
    assert "ETag" not in refused.headers


def test_a_refused_write_makes_no_event_and_a_conditional_one_its_event(tenant: Tenant) -> None:
    reader = tenant.key(Scope.WEBHOOKS, Scope.PEOPLE_READ, Scope.CONTENT_READ)
    pair = tenant.pair()
    note = tenant.create(
        f"/v1/meetings/{tenant.meeting(pair['id'], timedelta(days=2))['id']}/notes",
        {"author_id": pair["lead_id"], "body": "First."},
    )
    person = f"/v1/people/{pair['member_id']}"

    # The cursor is taken once the set-up's last event is listed, so that nothing before it
    # comes later.
    cursor = listed(tenant, with_id(note["id"]), reader, limit=200)["next_cursor"]
    stale = {"If-Match": '"999999"'}
    refused = [
        tenant.call("PATCH", person, json={"name": "Renamed"}, headers=stale),
        tenant.call("DELETE", f"/v1/notes/{note['id']}", headers=stale),
    ]
    assert [r.status_code for r in refused] == [412, 412], [r.text for r in refused]
    assert events_page(tenant, reader, after=cursor)["data"] == []

    renamed = tenant.call("PATCH", person, json={"name": "Renamed"}, headers={"If-Match": '"1"'})
    assert renamed.status_code == 200, renamed.text
    deleted = tenant.call("DELETE", f"/v1/notes/{note['id']}", headers={"If-Match": '"1"'})
    assert deleted.status_code == 204, deleted.text
    made = listed(tenant, at_least(2), reader, after=cursor)["data"]
    assert [(e["type"], e["data"]["id"]) for e in made] == [
        ("person.updated", pair["member_id"]),
        ("note.deleted", note["id"]),
    ]
    assert made[0]["changed_fields"] == ["name"]
