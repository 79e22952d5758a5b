"""Queries answer what REST answers: the same records, filters, order and cursors."""

from __future__ import annotations

from app.domain.access import Scope
from tests.graphql.client import data, graphql
from tests.support.tenants import World


def test_connections_page_like_rest_and_share_its_cursors(world: World) -> None:
    rest = world.tenant.call("GET", "/v1/people", params={"limit": 200}).json()["data"]
    first = data(
        world.tenant,
        "{ people(first: 2) { edges { cursor node { id } }"
        " pageInfo { hasNextPage hasPreviousPage endCursor } } }",
    )["people"]
    assert [e["node"]["id"] for e in first["edges"]] == [p["id"] for p in rest[:2]]
    assert first["pageInfo"]["hasNextPage"] and not first["pageInfo"]["hasPreviousPage"]
    cursor = first["pageInfo"]["endCursor"]
    assert cursor == first["edges"][-1]["cursor"]

    second = data(
        world.tenant,
        "query($after: String) { people(first: 2, after: $after) { nodes { id }"
        " pageInfo { hasPreviousPage } } }",
        {"after": cursor},
    )["people"]
    assert [p["id"] for p in second["nodes"]] == [p["id"] for p in rest[2:4]]
    assert second["pageInfo"]["hasPreviousPage"]
    via_rest = world.tenant.call("GET", "/v1/people", params={"limit": 2, "cursor": cursor})
    assert [p["id"] for p in via_rest.json()["data"]] == [p["id"] for p in second["nodes"]]


def test_lists_take_rests_filters(world: World) -> None:
    result = data(
        world.tenant,
        """query($member: UUID!, $pair: UUID!) {
          pairs(memberId: $member) { nodes { id } }
          meetings(pairId: $pair, status: COMPLETED) { nodes { id } }
          commitments(pairId: $pair, status: OPEN) { nodes { id } }
          people(managerId: $member) { nodes { id } }
        }""",
        {"member": world.member["id"], "pair": world.pair["id"]},
    )
    assert result["pairs"]["nodes"] == [{"id": world.pair["id"]}]
    assert result["meetings"]["nodes"] == [{"id": world.held["id"]}]
    assert result["commitments"]["nodes"] == [{"id": world.commitment["id"]}]
    assert result["people"]["nodes"] == []


def test_a_pairs_meetings_page_on_past_the_first(world: World) -> None:
    query = """query($id: UUID!, $after: String) { pair(id: $id) {
      meetings(first: 2, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } } }"""
    first = data(world.tenant, query, {"id": world.pair["id"]})["pair"]["meetings"]
    assert first["pageInfo"]["hasNextPage"]
    rest_of = data(
        world.tenant, query, {"id": world.pair["id"], "after": first["pageInfo"]["endCursor"]}
    )["pair"]["meetings"]
    expected = world.tenant.call(
        "GET", "/v1/meetings", params={"pair_id": world.pair["id"]}
    ).json()["data"]
    assert [m["id"] for m in first["nodes"] + rest_of["nodes"]] == [m["id"] for m in expected]
    assert not rest_of["pageInfo"]["hasNextPage"]


def test_a_meeting_carries_what_rest_shows_with_it(world: World) -> None:
    meeting = data(
        world.tenant,
        """query($id: UUID!) { meeting(id: $id) { startsAt status pair { id lead { name } }
          followUp { id } agendaItems { nodes { title author { name } } }
          history { nodes { kind actorKeyId } } } }""",
        {"id": world.meeting["id"]},
    )["meeting"]
    rest = world.tenant.call("GET", f"/v1/meetings/{world.meeting['id']}").json()
    assert meeting["startsAt"] == rest["starts_at"] and meeting["status"] == "SCHEDULED"
    assert [c["id"] for c in meeting["followUp"]] == [c["id"] for c in rest["follow_up"]]
    assert meeting["pair"]["lead"] == {"name": "Lead"}
    assert meeting["agendaItems"]["nodes"] == [
        {"title": "Career growth", "author": {"name": "Member"}}
    ]
    assert meeting["history"]["nodes"][0]["kind"] == "SCHEDULED"


def test_me_names_the_caller(world: World) -> None:
    person = data(
        world.tenant,
        "{ me { kind person { id } serviceKey { id } } }",
        key=world.token(world.member),
    )["me"]
    assert person == {"kind": "person", "person": {"id": world.member["id"]}, "serviceKey": None}
    key = data(
        world.tenant,
        "{ me { kind organizationId serviceKey { scopes } } }",
        key=world.tenant.key(Scope.PAIRS_READ, Scope.PEOPLE_READ),
    )["me"]
    assert key["kind"] == "service_key" and key["organizationId"] == str(world.tenant.org_id)
    assert key["serviceKey"]["scopes"] == ["PAIRS_READ", "PEOPLE_READ"]


def test_the_policy_and_templates_are_readable(world: World) -> None:
    result = data(
        world.tenant,
        "{ policy { targetCadenceDays autoPairs } templates { nodes { name isDefault } } }",
    )
    assert result["policy"] == {"targetCadenceDays": 14, "autoPairs": True}
    assert {"name": world.template["name"], "isDefault": False} in result["templates"]["nodes"]


def test_bad_paging_is_an_error_with_rests_code(world: World) -> None:
    too_many = graphql(world.tenant, "{ people(first: 500) { nodes { id } } }")
    assert too_many["data"] is None
    assert too_many["errors"][0]["extensions"]["code"] == "validation_error"
    forged = graphql(world.tenant, '{ pairs(after: "not-a-cursor") { nodes { id } } }')
    assert forged["errors"][0]["extensions"]["code"] == "invalid_cursor"
    assert forged["errors"][0]["message"].startswith("cursor is not one this API issued")


def test_a_person_lists_their_own_records_as_rest_does(world: World) -> None:
    token = world.token(world.member)
    mine = data(
        world.tenant,
        """{ me { upcoming: meetings { nodes { id } } recent: meetings(when: RECENT) {
          nodes { id } } commitments { nodes { id } } pairs { nodes { id } } } }""",
        key=token,
    )["me"]
    for field, path in (
        ("upcoming", "/v1/me/meetings"),
        ("recent", "/v1/me/meetings?when=recent"),
        ("commitments", "/v1/me/commitments"),
        ("pairs", "/v1/me/pairs"),
    ):
        rest = world.tenant.call("GET", path, key=token).json()["data"]
        assert [n["id"] for n in mine[field]["nodes"]] == [r["id"] for r in rest], field
    assert mine["recent"]["nodes"] == [{"id": world.held["id"]}]


def test_a_service_key_has_no_own_lists(world: World) -> None:
    body = graphql(world.tenant, "{ me { kind meetings { nodes { id } } } }")
    assert body["data"] == {"me": {"kind": "service_key", "meetings": None}}
    assert body["errors"][0]["extensions"]["code"] == "person_token_only"


def test_a_pairs_cadence_is_the_one_rest_gives(world: World) -> None:
    cadence = data(
        world.tenant,
        """query($id: UUID!) { pair(id: $id) { cadence { lastHeldAt dueAt nextAt state
          cadenceDays graceDays targetCadenceDays } } }""",
        {"id": world.pair["id"]},
    )["pair"]["cadence"]
    rest = world.tenant.call("GET", f"/v1/pairs/{world.pair['id']}/cadence").json()
    assert cadence == {
        "lastHeldAt": rest["last_held_at"],
        "dueAt": rest["due_at"],
        "nextAt": rest["next_at"],
        "state": rest["state"].upper(),
        "cadenceDays": rest["cadence_days"],
        "graceDays": rest["grace_days"],
        "targetCadenceDays": rest["target_cadence_days"],
    }
