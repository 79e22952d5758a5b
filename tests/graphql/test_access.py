"""Credentials and scopes on /graphql work as in REST; another organization's records do not
exist; the privacy contract holds on every path of the graph."""

from __future__ import annotations

from app.domain.access import Scope
from tests.conftest import Live
from tests.graphql.client import data, graphql, post
from tests.support.log_privacy import private_marker
from tests.support.tenants import World

PAIR = """query($id: UUID!) { pair(id: $id) { id cadence { state }
  meetings { nodes { id } } commitments { nodes { id } } } }"""
MEETING = "query($id: UUID!) { meeting(id: $id) { id notes { nodes { body } } } }"


def test_a_request_without_a_credential_is_refused_like_rest(world: World) -> None:
    response = world.tenant.http.post("/graphql", json={"query": "{ me { kind } }"})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "unauthorized"


def test_an_unknown_key_is_refused(world: World) -> None:
    response = post(world.tenant, "{ me { kind } }", key="rpt_unknown")
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "invalid_credential"
    assert response.json()["data"] is None


def test_a_field_outside_the_keys_scopes_is_an_error_naming_the_scope(world: World) -> None:
    key = world.tenant.key(Scope.PAIRS_READ)
    body = graphql(
        world.tenant,
        "query($id: UUID!) { pair(id: $id) { id lead { name } } }",
        {"id": world.pair["id"]},
        key=key,
    )
    assert body["data"]["pair"] == {"id": world.pair["id"], "lead": None}
    (error,) = body["errors"]
    assert error["path"] == ["pair", "lead"]
    assert error["extensions"] == {
        "code": "insufficient_scope",
        "classification": "FORBIDDEN",
        "requiredScope": "people:read",
    }

    body = graphql(world.tenant, "{ people { nodes { id } } }", key=key)
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["requiredScope"] == "people:read"


def test_a_mutation_outside_the_keys_scopes_is_a_typed_refusal(world: World) -> None:
    key = world.tenant.key(Scope.MEETINGS_READ)
    result = data(
        world.tenant,
        """mutation($id: UUID!) { cancelMeeting(input: {id: $id, reason: ILLNESS}) {
          __typename ... on PermissionProblem { code requiredScope } } }""",
        {"id": world.meeting["id"]},
        key=key,
    )
    assert result["cancelMeeting"] == {
        "__typename": "PermissionProblem",
        "code": "insufficient_scope",
        "requiredScope": "meetings:write",
    }
    meeting = world.tenant.call("GET", f"/v1/meetings/{world.meeting['id']}").json()
    assert meeting["status"] == "scheduled"


def test_another_organizations_records_do_not_exist(live: Live, world: World) -> None:
    other = live.tenant()
    lookups = {
        "person": world.member["id"],
        "pair": world.pair["id"],
        "meeting": world.meeting["id"],
        "commitment": world.commitment["id"],
        "template": world.template["id"],
    }
    for field, record_id in lookups.items():
        result = data(other, f'{{ {field}(id: "{record_id}") {{ id }} }}')
        assert result == {field: None}, field
    result = data(
        other,
        """mutation($id: UUID!) { cancelMeeting(input: {id: $id, reason: ILLNESS,
          canceledById: $id}) { __typename ... on Problem { code message } } }""",
        {"id": world.meeting["id"]},
    )
    assert result["cancelMeeting"]["__typename"] == "NotFoundProblem"
    assert world.meeting["id"] in result["cancelMeeting"]["message"]  # the id it was given
    assert data(other, "{ meetings { nodes { id } } pairs { nodes { id } } }") == {
        "meetings": {"nodes": []},
        "pairs": {"nodes": []},
    }


def test_managers_above_and_admins_see_the_pair_not_its_content(world: World) -> None:
    for person in (world.boss, world.admin):
        result = data(world.tenant, PAIR, {"id": world.pair["id"]}, key=world.token(person))
        pair = result["pair"]
        assert pair["id"] == world.pair["id"] and pair["cadence"]["state"]
        assert pair["meetings"] is None and pair["commitments"] is None
        token = world.token(person)
        assert data(world.tenant, MEETING, {"id": world.meeting["id"]}, key=token) == {
            "meeting": None
        }


def test_a_person_outside_the_pair_sees_nothing_of_it(world: World) -> None:
    token = world.token(world.outsider)
    assert data(world.tenant, PAIR, {"id": world.pair["id"]}, key=token) == {"pair": None}
    everything = data(
        world.tenant,
        "{ pairs { nodes { id } } meetings { nodes { id } } commitments { nodes { id } } }",
        key=token,
    )
    assert everything == {
        "pairs": {"nodes": []},
        "meetings": {"nodes": []},
        "commitments": {"nodes": []},
    }


PRIVATE_NOTE = """mutation($meeting: UUID!, $body: String!) { addNote(input: {
  meetingId: $meeting, body: $body, visibility: PRIVATE}) {
  __typename ... on NoteSuccess { note { id visibility } } } }"""

EVERY_PATH_TO_NOTES = """query($pair: UUID!, $meeting: UUID!) {
  meeting(id: $meeting) { notes { nodes { id body } } }
  pair(id: $pair) { meetings(first: 10) { nodes { notes(first: 10) { nodes { id body } } } } }
  pairs(first: 10) {
    nodes { meetings(first: 10) { nodes { notes(first: 10) { nodes { id body } } } } }
  }
  meetings(first: 10) { nodes { notes(first: 10) { nodes { id body } } } }
  commitments(first: 10) { nodes { meeting { notes(first: 10) { nodes { id body } } } } }
}"""


def test_a_private_note_is_reachable_by_its_author_alone(world: World) -> None:
    author = world.token(world.member)
    body = f"Thinking of leaving {private_marker()}"
    created = data(
        world.tenant, PRIVATE_NOTE, {"meeting": world.meeting["id"], "body": body}, key=author
    )
    note = created["addNote"]["note"]
    assert note["visibility"] == "PRIVATE"
    ids = {"pair": world.pair["id"], "meeting": world.meeting["id"]}

    seen_by_author = post(world.tenant, EVERY_PATH_TO_NOTES, ids, key=author).text
    assert body in seen_by_author

    others = [
        world.token(world.lead),
        world.token(world.boss),
        world.token(world.admin),
        world.tenant.admin_key,
        world.tenant.key(Scope.PAIRS_READ, Scope.MEETINGS_READ, Scope.CONTENT_READ),
    ]
    for credential in others:
        response = post(world.tenant, EVERY_PATH_TO_NOTES, ids, key=credential)
        assert response.status_code == 200, response.text
        assert body not in response.text
        assert note["id"] not in response.text
    shared = data(world.tenant, MEETING, {"id": world.meeting["id"]}, key=world.tenant.admin_key)
    assert [n["body"] for n in shared["meeting"]["notes"]["nodes"]] == [world.note["body"]]


def test_a_service_key_cannot_write_a_private_note(world: World) -> None:
    result = data(
        world.tenant,
        """mutation($meeting: UUID!, $author: UUID!) { addNote(input: {meetingId: $meeting,
          authorId: $author, body: "x", visibility: PRIVATE}) {
          __typename ... on Problem { code } } }""",
        {"meeting": world.meeting["id"], "author": world.member["id"]},
    )
    assert result["addNote"] == {
        "__typename": "ValidationProblem",
        "code": "private_note_needs_person",
    }


def test_a_commitment_that_moved_pairs_does_not_open_its_old_meeting(world: World) -> None:
    """Rule 8 moves the member's open commitments to the new manager's pair; the meeting
    they came from stays the old pair's."""
    created = world.tenant.create(
        "/v1/commitments",
        {
            "pair_id": world.pair["id"],
            "owner_id": world.member["id"],
            "title": "Write the plan",
            "meeting_id": world.meeting["id"],
        },
    )
    new_manager = world.tenant.person(name="New manager")
    moved = world.tenant.call(
        "PATCH", f"/v1/people/{world.member['id']}", json={"manager_id": new_manager["id"]}
    )
    assert moved.status_code == 200, moved.text
    query = "query($id: UUID!) { commitment(id: $id) { pairId meeting { id } } }"
    seen = data(world.tenant, query, {"id": created["id"]}, key=world.token(new_manager))
    assert seen["commitment"]["pairId"] != world.pair["id"]
    assert seen["commitment"]["meeting"] is None
    by_member = data(world.tenant, query, {"id": created["id"]}, key=world.token(world.member))
    assert by_member["commitment"]["meeting"] == {"id": world.meeting["id"]}
