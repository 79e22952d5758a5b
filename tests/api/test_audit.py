"""The audit trail records every change and every content read by a service key, names
the caller and the records, and never carries content."""

from __future__ import annotations

from typing import Any

from app.domain.access import Scope
from tests.conftest import Live
from tests.support.live import read_audit_written
from tests.support.tenants import World


def _events(world: World, **params: str) -> list[dict[str, Any]]:
    response = world.tenant.call("GET", "/v1/audit-events", params={"limit": 200, **params})
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data


def test_changes_and_content_reads_are_recorded_without_content(live: Live, world: World) -> None:
    reader = world.tenant.key(Scope.CONTENT_READ)
    note_path = f"/v1/notes/{world.note['id']}"
    assert world.tenant.call("GET", note_path, key=reader).status_code == 200
    token = world.token(world.member)
    world.tenant.call(
        "PATCH", f"/v1/agenda-items/{world.agenda_item['id']}", key=token, json={"title": "New"}
    )
    world.tenant.call("GET", note_path, key=token)

    read_audit_written(live.app)
    reads = _events(world, operation="notes-get")
    assert [e["record_ids"] for e in reads] == [{"note_id": world.note["id"]}]
    assert reads[0]["actor_key_id"] and reads[0]["actor_person_id"] is None
    (change,) = _events(world, operation="agenda-items-update")
    assert change["actor_person_id"] == world.member["id"] and change["method"] == "PATCH"
    everything = world.tenant.call("GET", "/v1/audit-events", params={"limit": 200}).text
    assert world.note["body"] not in everything and "New" not in everything
    created = _events(world, operation="meetings-create")
    assert len(created) == 3  # the world scheduled three meetings


def test_refused_requests_change_nothing_and_leave_no_trace(world: World) -> None:
    before = len(_events(world))
    response = world.tenant.call(
        "PATCH", f"/v1/pairs/{world.pair['id']}", json={"cadence_days": 99}
    )
    assert response.status_code == 422
    assert len(_events(world)) == before


def test_only_admin_keys_read_the_trail(world: World) -> None:
    """The trail names private notes' ids and who rated what: no person reads it."""
    for person in (world.admin, world.member):
        response = world.tenant.call("GET", "/v1/audit-events", key=world.token(person))
        assert response.status_code == 403 and response.json()["code"] == "service_key_only"


def test_minting_a_person_token_is_recorded(world: World) -> None:
    world.token(world.member)
    minted = _events(world, operation="person-tokens-create")
    assert minted and minted[0]["actor_key_id"] and minted[0]["method"] == "POST"
