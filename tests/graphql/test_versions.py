"""GraphQL's `version` is REST's ETag, and `ifVersion` is its If-Match: a stale one is the
refusal `precondition_failed`, and nothing changes."""

from __future__ import annotations

from typing import Any

import pytest

from tests.graphql.client import data
from tests.support.tenants import World, snapshot

OUTCOME = "__typename ... on Problem { code message }"

NODES = {
    "person": ("person", "person_id"),
    "pair": ("pair", "pair_id"),
    "meeting": ("meeting", "meeting_id"),
    "commitment": ("commitment", "commitment_id"),
}
REST = {
    "person": "/v1/people/{person_id}",
    "pair": "/v1/pairs/{pair_id}",
    "meeting": "/v1/meetings/{meeting_id}",
    "commitment": "/v1/commitments/{commitment_id}",
}


@pytest.mark.parametrize("node", NODES)
def test_version_is_the_rest_etag(world: World, node: str) -> None:
    field, id_name = NODES[node]
    ids = world.ids()
    result = data(world.tenant, f'{{ {field}(id: "{ids[id_name]}") {{ version }} }}')
    etag = world.tenant.call("GET", REST[node].format(**ids)).headers["ETag"]
    assert f'"{result[field]["version"]}"' == etag


def test_notes_and_agenda_items_carry_their_version(world: World) -> None:
    tenant, meeting = world.tenant, world.meeting["id"]
    edited = tenant.call("PATCH", f"/v1/notes/{world.note['id']}", json={"body": "Again."})
    assert edited.headers["ETag"] == '"2"'
    result = data(
        tenant,
        f"""{{ meeting(id: "{meeting}") {{ notes {{ nodes {{ version }} }}
          agendaItems {{ nodes {{ version }} }} }} }}""",
    )["meeting"]
    assert result["notes"]["nodes"] == [{"version": 2}]
    assert result["agendaItems"]["nodes"] == [{"version": 1}]


def _mutate(world: World, mutation: str, **variables: Any) -> Any:
    (outcome,) = data(world.tenant, mutation, variables).values()
    return outcome


def _version(world: World, path: str) -> int:
    return int(world.tenant.call("GET", path).headers["ETag"].strip('"'))


def test_if_version_on_an_update(world: World) -> None:
    person_id = world.member["id"]
    current = _version(world, f"/v1/people/{person_id}")
    mutation = f"""mutation($id: UUID!, $v: Int) {{ updatePerson(input: {{id: $id,
      name: "Renamed", ifVersion: $v}}) {{ {OUTCOME} ... on PersonSuccess
      {{ person {{ name version }} }} }} }}"""
    before = snapshot(world)
    stale = _mutate(world, mutation, id=person_id, v=current + 5)
    assert (stale["__typename"], stale["code"]) == ("StateConflictProblem", "precondition_failed")
    assert f"version {current}" in stale["message"]
    assert snapshot(world) == before
    written = _mutate(world, mutation, id=person_id, v=current)
    assert written["person"] == {"name": "Renamed", "version": current + 1}
    # Without ifVersion an edit writes whatever the version; one that changes nothing keeps it.
    unchanged = _mutate(world, mutation, id=person_id, v=None)
    assert unchanged["person"]["version"] == current + 1
    renamed = _mutate(world, mutation.replace('"Renamed"', '"Again"'), id=person_id, v=None)
    assert renamed["person"] == {"name": "Again", "version": current + 2}


@pytest.mark.parametrize("action", ["reschedule", "cancel", "complete"])
def test_if_version_on_the_meeting_actions(world: World, action: str) -> None:
    meeting = world.due if action == "complete" else world.meeting
    name, fields = {
        "reschedule": ("rescheduleMeeting", "durationMinutes: 45"),
        "cancel": ("cancelMeeting", f'reason: ILLNESS, canceledById: "{world.lead["id"]}"'),
        "complete": ("completeMeeting", "actualMinutes: 30"),
    }[action]
    path = f"/v1/meetings/{meeting['id']}"
    current = _version(world, path)
    before = snapshot(world)
    mutation = f"""mutation($id: UUID!, $v: Int) {{ {name}(input: {{id: $id, {fields},
      ifVersion: $v}}) {{ {OUTCOME} }} }}"""
    stale = _mutate(world, mutation, id=meeting["id"], v=current - 1)
    assert stale["code"] == "precondition_failed", stale
    assert snapshot(world) == before
    written = _mutate(world, mutation, id=meeting["id"], v=current)
    assert "code" not in written, written
    assert _version(world, path) == current + 1


def test_if_version_on_a_delete_and_the_policy(world: World) -> None:
    note_id = world.note["id"]
    delete = f"""mutation($id: UUID!, $v: Int) {{ deleteNote(id: $id, ifVersion: $v) {{
      {OUTCOME} }} }}"""
    assert _mutate(world, delete, id=note_id, v=2)["code"] == "precondition_failed"
    assert world.tenant.call("GET", f"/v1/notes/{note_id}").status_code == 200
    assert "code" not in _mutate(world, delete, id=note_id, v=1)
    assert world.tenant.call("GET", f"/v1/notes/{note_id}").status_code == 404

    policy = data(world.tenant, "{ policy { version requireIfMatch } }")["policy"]
    assert policy["requireIfMatch"] is False
    required = _mutate(
        world,
        f"""mutation($v: Int) {{ updatePolicy(input: {{requireIfMatch: true, ifVersion: $v}})
          {{ {OUTCOME} ... on PolicySuccess {{ policy {{ version requireIfMatch }} }} }} }}""",
        v=policy["version"],
    )
    assert required["policy"] == {"version": policy["version"] + 1, "requireIfMatch": True}
    unnamed = _mutate(
        world,
        f"""mutation($id: UUID!) {{ updateCommitment(input: {{id: $id, title: "New"}})
          {{ {OUTCOME} }} }}""",
        id=world.commitment["id"],
    )
    assert unnamed["code"] == "precondition_required"
