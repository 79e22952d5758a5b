"""The privacy contract, operation by operation, for every kind of person caller.

Callers: the pair's member (participant), an outsider, an admin outside the pair and the
lead's manager (a manager above). Each operation belongs to one rule below; a new operation
without one fails the suite.
"""

from __future__ import annotations

from typing import Any

import pytest

from app.domain.access import Scope
from tests.conftest import Live
from tests.support.log_privacy import private_marker
from tests.support.matrix import CASES, OPERATIONS, as_person, request_of
from tests.support.tenants import World

KINDS = ("participant", "outsider", "admin", "manager")

# Content of a pair: its two people only; for anyone else it does not exist.
CONTENT = {
    "meetings-get",
    "meetings-reschedule",
    "meetings-cancel",
    "meetings-complete",
    "meetings-history",
    "agenda-items-create",
    "agenda-items-list",
    "agenda-items-reorder",
    "agenda-items-apply-template",
    "agenda-items-update",
    "agenda-items-delete",
    "notes-create",
    "notes-list",
    "notes-get",
    "notes-update",
    "notes-delete",
    "commitments-get",
    "commitments-update",
    "ratings-create",
    "ratings-list",
}
# Content created by naming a pair in the body: someone else's pair is an unknown reference.
CONTENT_BY_BODY = {"meetings-create", "commitments-create"}
# Lists of content: everyone may call them; only the pair's two people find the pair's records.
CONTENT_LISTS = {"meetings-list": "meeting", "commitments-list": "commitment"}
# The pair itself: its people, managers above the lead and admins see it.
PAIR_READS = {"pairs-get", "pairs-cadence", "pairs-metrics"}
# Metrics of many pairs: everyone may ask; the rows are the caller's pairs and their team's.
METRICS_LISTS = {"metrics-pairs"}
# Rollups of a team: the manager at its top, the managers above and admins.
TEAM_ROLLUPS = {"metrics-summary", "metrics-timeseries"}
# Changing a pair: admins; others who can see it are told why not; the rest get a 404.
PAIR_CHANGES = {"pairs-update", "pairs-end"}
# Managing people, pairs, policy and templates: admins only.
ADMIN_ONLY = {
    "people-create",
    "people-update",
    "people-deactivate",
    "people-reactivate",
    "directory-sync",
    "pairs-create",
    "policy-update",
    "templates-create",
    "templates-update",
    "templates-delete",
}
# The directory and the organization's settings: every person reads them.
OPEN_READS = {
    "people-list",
    "people-get",
    "templates-list",
    "templates-get",
    "policy-get",
    "me-get",
    "me-meetings",
    "me-commitments",
    "me-pairs",
    "pairs-list",
}
# Credentials are managed by service keys only.
KEYS_ONLY = {
    "audit-events-list",
    "service-keys-create",
    "service-keys-list",
    "service-keys-revoke",
    "person-tokens-create",
    "sign-in-get",
    "sign-in-replace",
    "rate-limits-get",
    "rate-limits-replace",
    "sign-in-bindings-list",
    "people-sign-in-bindings-delete",
    "webhook-endpoints-create",
    "webhook-endpoints-list",
    "webhook-endpoints-get",
    "webhook-endpoints-update",
    "webhook-endpoints-delete",
    "webhook-endpoints-rotate-secret",
    "webhook-endpoints-deliveries",
    "webhook-deliveries-redeliver",
    "events-list",
}

# A person's own calendar feed: the person alone (an admin person included; admin keys may
# for anyone): the feed carries the agenda titles of all their pairs.
OWN_CALENDAR = {"people-calendar-token-create", "people-calendar-token-revoke"}

RULES = [
    CONTENT,
    CONTENT_BY_BODY,
    set(CONTENT_LISTS),
    PAIR_READS,
    METRICS_LISTS,
    TEAM_ROLLUPS,
    PAIR_CHANGES,
    ADMIN_ONLY,
    OPEN_READS,
    KEYS_ONLY,
    OWN_CALENDAR,
]


def _expected(operation: str, kind: str) -> tuple[int | None, str | None]:
    """(status, code); a None status means the operation's own success status."""
    success = (None, None)
    if operation in CONTENT:
        return success if kind == "participant" else (404, "not_found")
    if operation in CONTENT_BY_BODY:
        return success if kind == "participant" else (422, "unknown_reference")
    if operation in PAIR_READS:
        return success if kind != "outsider" else (404, "not_found")
    if operation in TEAM_ROLLUPS:  # the matrix asks for the lead's team
        return success if kind in ("admin", "manager") else (403, "not_your_team")
    if operation in PAIR_CHANGES:
        if kind == "admin":
            return success
        return (404, "not_found") if kind == "outsider" else (403, "admin_only")
    if operation in ADMIN_ONLY:
        return success if kind == "admin" else (403, "admin_only")
    if operation in KEYS_ONLY:
        return 403, "service_key_only"
    if operation in OWN_CALENDAR:  # the matrix names the member
        return success if kind == "participant" else (403, "not_yourself")
    return success


def _person(world: World, kind: str) -> dict[str, Any]:
    return {
        "participant": world.member,
        "outsider": world.outsider,
        "admin": world.admin,
        "manager": world.boss,
    }[kind]


def test_every_operation_falls_under_one_rule() -> None:
    operations = {op for op, *_ in OPERATIONS}
    for operation in operations:
        rules = [rule for rule in RULES if operation in rule]
        assert len(rules) == 1, f"{operation} is under {len(rules)} privacy rules"
    assert set().union(*RULES) == operations


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("operation", "method", "template", "access"), OPERATIONS)
def test_person_callers_get_what_the_contract_says(
    request: pytest.FixtureRequest,
    live: Live,  # on each database; the world is chosen below
    operation: str,
    method: str,
    template: str,
    access: object,
    kind: str,
) -> None:
    status, code = _expected(operation, kind)
    changes = status is None and method != "GET"
    world: World = request.getfixturevalue("world" if changes else "unchanged_world")
    call = CASES[operation].success
    sent = request_of(world, template, call, world.ids())
    sent["json"] = as_person(sent["json"])
    token = world.token(_person(world, kind))
    response = world.tenant.call(method, sent.pop("path"), key=token, **sent)
    assert response.status_code == (status or call.status), response.text
    if code is not None:
        assert response.json()["code"] == code
    if kind != "participant":  # nothing of the pair's content reaches anyone else
        for content in (world.note["body"], world.commitment["title"], "Career growth"):
            assert content not in response.text, content


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("operation", sorted(CONTENT_LISTS))
def test_content_lists_hold_only_the_callers_pairs(
    unchanged_world: World, operation: str, kind: str
) -> None:
    world = unchanged_world
    path = "/v1/meetings" if operation == "meetings-list" else "/v1/commitments"
    record = world.meeting if operation == "meetings-list" else world.commitment
    token = world.token(_person(world, kind))
    listed = world.tenant.call("GET", path, key=token, params={"limit": 200}).json()["data"]
    assert (record["id"] in [r["id"] for r in listed]) is (kind == "participant")


@pytest.mark.parametrize("kind", KINDS)
def test_pair_lists_follow_the_reporting_line(unchanged_world: World, kind: str) -> None:
    world = unchanged_world
    token = world.token(_person(world, kind))
    listed = world.tenant.call("GET", "/v1/pairs", key=token, params={"limit": 200}).json()
    assert (world.pair["id"] in [p["id"] for p in listed["data"]]) is (kind != "outsider")


@pytest.mark.parametrize("kind", KINDS)
def test_metrics_rows_follow_the_reporting_line(unchanged_world: World, kind: str) -> None:
    world = unchanged_world
    token = world.token(_person(world, kind))
    for query in ({}, {"format": "csv"}):
        listed = world.tenant.call("GET", "/v1/metrics/pairs", key=token, params=query)
        assert listed.status_code == 200, listed.text
        assert (world.pair["id"] in listed.text) is (kind != "outsider")


def test_private_notes_are_their_authors_alone(world: World) -> None:
    member, lead = world.token(world.member), world.token(world.lead)
    meeting = world.meeting["id"]
    marker = private_marker()
    created = world.tenant.call(
        "POST",
        f"/v1/meetings/{meeting}/notes",
        key=member,
        json={"body": f"Thinking about a move {marker}", "visibility": "private"},
    )
    assert created.status_code == 201, created.text
    note = created.json()
    assert note["author_id"] == world.member["id"]
    path = f"/v1/notes/{note['id']}"
    assert world.tenant.call("GET", path, key=member).status_code == 200
    edited = {"body": f"Edited {private_marker()}"}
    assert world.tenant.call("PATCH", path, key=member, json=edited).status_code == 200
    for key in (lead, world.token(world.admin), world.tenant.admin_key):
        for method, body in (("GET", None), ("PATCH", {"body": "x"}), ("DELETE", None)):
            response = world.tenant.call(method, path, key=key, json=body)
            assert response.status_code == 404, (method, response.text)
        listed = world.tenant.call("GET", f"/v1/meetings/{meeting}/notes", key=key).text
        assert note["id"] not in listed and marker not in listed
    mine = world.tenant.call("GET", f"/v1/meetings/{meeting}/notes", key=member).json()["data"]
    assert note["id"] in [n["id"] for n in mine]
    assert world.tenant.call("DELETE", path, key=member).status_code == 204


def test_a_person_acts_only_as_themselves(world: World) -> None:
    response = world.tenant.call(
        "POST",
        f"/v1/meetings/{world.meeting['id']}/agenda-items",
        key=world.token(world.member),
        json={"author_id": world.lead["id"], "title": "Forged"},
    )
    assert response.status_code == 403 and response.json()["code"] == "not_yourself"


def test_me_is_the_caller(world: World) -> None:
    me = world.tenant.call("GET", "/v1/me", key=world.token(world.member)).json()
    assert me["kind"] == "person" and me["person"]["id"] == world.member["id"]
    key = world.tenant.call("GET", "/v1/me").json()
    assert key["kind"] == "service_key" and key["service_key"]["scopes"] == ["admin"]
    upcoming = world.tenant.call(
        "GET", "/v1/me/meetings", key=world.token(world.member), params={"when": "upcoming"}
    ).json()["data"]
    assert world.meeting["id"] in [m["id"] for m in upcoming]


def test_only_the_author_rewrites_a_shared_note(world: World) -> None:
    path = f"/v1/notes/{world.note['id']}"
    lead = world.token(world.lead)
    assert world.tenant.call("GET", path, key=lead).status_code == 200
    for method, body in (("PATCH", {"body": "Rewritten"}), ("DELETE", None)):
        response = world.tenant.call(method, path, key=lead, json=body)
        assert response.status_code == 403 and response.json()["code"] == "not_author"
    assert world.tenant.call("GET", path).json()["body"] == world.note["body"]


def test_keys_without_content_scope_see_no_follow_up(world: World) -> None:
    reader = world.tenant.key(Scope.MEETINGS_READ)
    meeting = world.tenant.call("GET", f"/v1/meetings/{world.meeting['id']}", key=reader).json()
    assert meeting["follow_up"] == []
    listed = world.tenant.call("GET", "/v1/meetings", key=reader).text
    assert world.commitment["title"] not in listed
    full = world.tenant.call("GET", f"/v1/meetings/{world.meeting['id']}").json()
    assert [c["id"] for c in full["follow_up"]] == [world.commitment["id"]]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    ("operation", "method", "template", "access"), [op for op in OPERATIONS if "{" in op[2]]
)
def test_another_organizations_ids_do_not_exist_for_any_person(
    unchanged_world: World,
    another_unchanged_world: World,
    operation: str,
    method: str,
    template: str,
    access: object,
    kind: str,
) -> None:
    world, other = unchanged_world, another_unchanged_world
    request = request_of(world, template, CASES[operation].success, world.ids())
    request["json"] = as_person(request["json"])
    token = other.token(_person(other, kind))
    response = other.tenant.call(method, request.pop("path"), key=token, **request)
    if operation in KEYS_ONLY:
        assert response.status_code == 403 and response.json()["code"] == "service_key_only"
        return
    assert response.status_code == 404, response.text
    assert response.json()["code"] == "not_found"
