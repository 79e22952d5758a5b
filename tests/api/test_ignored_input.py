"""Input that used to be ignored or to fail inside the service: an empty PATCH, a body sent
to an operation that takes none, a timezone naming a directory of the timezone database, an
email that outgrows its stored key once lowercased. Each is a clear 4xx problem, on every
surface, and nothing changes (no `updated_at` bump, no audit line). The refusals are asked of
the worlds the module's tests share (they fail the module if a refusal changed them)."""

from __future__ import annotations

from typing import Any

import pytest

from app.api.app import api_routes
from tests.graphql.client import graphql
from tests.scim.test_providers import Directory
from tests.support.tenants import World, snapshot

PATCHES = sorted(
    (route.operation_id, route.path_format)
    for route in api_routes()
    if "PATCH" in (route.methods or ())
)
NO_BODY = sorted(
    (route.operation_id, method, route.path_format)
    for route in api_routes()
    for method in route.methods or ()
    if method in ("POST", "PUT", "PATCH", "DELETE")
    and route.body_field is not None
    and route.body_field.field_info.annotation is not None
    and "EmptyBody" in str(route.body_field.field_info.annotation)
)


def _operations(world: World, operation: str) -> list[dict[str, Any]]:
    trail = world.tenant.call("GET", "/v1/audit-events", params={"limit": 200}).json()["data"]
    return [event for event in trail if event["operation"] == operation]


def test_every_patch_and_every_bodiless_action_is_covered() -> None:
    assert len(PATCHES) >= 8
    assert {operation for operation, _, _ in NO_BODY} >= {
        "people-deactivate",
        "people-reactivate",
        "templates-delete",
        "notes-delete",
    }


@pytest.mark.parametrize(("operation", "template"), PATCHES, ids=[p[0] for p in PATCHES])
def test_an_empty_patch_is_refused_and_changes_nothing(
    unchanged_world: World, operation: str, template: str
) -> None:
    world = unchanged_world
    path = template.format(**world.ids())
    before, audited = snapshot(world), _operations(world, operation)
    response = world.tenant.call("PATCH", path, json={})
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "nothing_to_change"
    assert snapshot(world) == before
    assert _operations(world, operation) == audited


@pytest.mark.parametrize("body", [b"{", b"[]", b"123", b'"x"', b'{"reason": "gone"}'])
@pytest.mark.parametrize(
    ("operation", "method", "template"), NO_BODY, ids=[o for o, _, _ in NO_BODY]
)
def test_a_body_sent_where_none_is_taken_is_refused(
    unchanged_world: World, operation: str, method: str, template: str, body: bytes
) -> None:
    world = unchanged_world
    path = template.format(**world.ids())
    before = snapshot(world)
    response = world.tenant.call(
        method, path, content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code in (400, 422), response.text
    expected = "malformed_request" if body == b"{" else None
    assert expected is None or response.json()["code"] == expected
    assert snapshot(world) == before
    assert _operations(world, operation) == []


def test_an_empty_object_is_no_body(world: World) -> None:
    response = world.tenant.call("POST", f"/v1/people/{world.outsider['id']}/deactivate", json={})
    assert response.status_code == 200, response.text
    assert response.json()["active"] is False


GRAPHQL_UPDATES = {
    "updatePerson": ("PersonResult", "person_id"),
    "updatePair": ("PairResult", "pair_id"),
    "updateAgendaItem": ("AgendaItemResult", "item_id"),
    "updateCommitment": ("CommitmentResult", "commitment_id"),
    "updateTemplate": ("TemplateResult", "template_id"),
    "rescheduleMeeting": ("RescheduleMeetingResult", "meeting_id"),
}


@pytest.mark.parametrize("mutation", sorted(GRAPHQL_UPDATES))
def test_a_graphql_update_with_no_field_is_refused(unchanged_world: World, mutation: str) -> None:
    world = unchanged_world
    _, id_name = GRAPHQL_UPDATES[mutation]
    before = snapshot(world)
    body = graphql(
        world.tenant,
        f"""mutation($id: UUID!) {{ {mutation}(input: {{id: $id}}) {{
          __typename ... on ValidationProblem {{ code }} }} }}""",
        {"id": world.ids()[id_name]},
    )
    assert body["data"][mutation] == {
        "__typename": "ValidationProblem",
        "code": "nothing_to_change",
    }
    assert snapshot(world) == before


def test_a_graphql_policy_update_with_no_field_is_refused(unchanged_world: World) -> None:
    world = unchanged_world
    before = snapshot(world)
    body = graphql(
        world.tenant,
        "mutation { updatePolicy(input: {}) { __typename ... on ValidationProblem { code } } }",
    )
    assert body["data"]["updatePolicy"] == {
        "__typename": "ValidationProblem",
        "code": "nothing_to_change",
    }
    assert snapshot(world) == before


NOT_TIMEZONES = ["America", "Etc", "Europe/", "../x", "/etc/passwd", "", "Europe/" + "x" * 300]


@pytest.mark.parametrize("timezone", NOT_TIMEZONES, ids=range(len(NOT_TIMEZONES)))
def test_a_timezone_that_is_no_zone_is_refused_everywhere(
    unchanged_world: World, timezone: str
) -> None:
    world = unchanged_world
    tenant = world.tenant
    scim = Directory(tenant)
    before = snapshot(world)
    created = tenant.call(
        "POST", "/v1/people", json={"name": "Tz", "email": "tz@example.com", "timezone": timezone}
    )
    assert created.status_code == 422, created.text
    assert created.json()["code"] in ("unknown_timezone", "validation_error", "too_long")
    moved = tenant.call("PATCH", f"/v1/people/{world.member['id']}", json={"timezone": timezone})
    assert moved.status_code == 422, moved.text
    body = graphql(
        tenant,
        """mutation($id: UUID!, $tz: String!) { updatePerson(input: {id: $id, timezone: $tz}) {
          __typename ... on ValidationProblem { code } } }""",
        {"id": world.member["id"], "tz": timezone},
    )
    assert body["data"]["updatePerson"]["__typename"] == "ValidationProblem"
    if timezone:  # SCIM reads an empty attribute as an absent one
        provisioned = scim("POST", "/Users", {"userName": "tz.user", "timezone": timezone})
        assert provisioned.status_code == 400, provisioned.text
    assert snapshot(world) == before


LONG_ONCE_LOWERCASED = "x@" + "İ" * 300 + ".com"  # 306 characters; 606 once lowercased


def test_an_email_that_outgrows_its_key_once_lowercased_is_refused(unchanged_world: World) -> None:
    world = unchanged_world
    tenant = world.tenant
    scim = Directory(tenant)
    before = snapshot(world)
    for body in (
        {"name": "Long", "email": LONG_ONCE_LOWERCASED},
        {"name": "Long", "username": "İ" * 300},
    ):
        response = tenant.call("POST", "/v1/people", json=body)
        assert response.status_code == 422, response.text
    response = tenant.call(
        "PATCH", f"/v1/people/{world.member['id']}", json={"email": LONG_ONCE_LOWERCASED}
    )
    assert response.status_code == 422, response.text
    synced = tenant.call(
        "POST",
        "/v1/directory/sync",
        json={"people": [{"external_id": "long", "name": "L", "email": LONG_ONCE_LOWERCASED}]},
    )
    assert synced.status_code == 422, synced.text
    provisioned = scim("POST", "/Users", {"userName": "İ" * 300})
    assert provisioned.status_code == 400, provisioned.text
    assert snapshot(world) == before
