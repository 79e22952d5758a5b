"""An unexpected fault is logged and answered without its text, and a mutation request that
meets one keeps none of its changes."""

from __future__ import annotations

from uuid import UUID

import pytest

from app.api.graphql.error_shaping import FAULT_MESSAGE
from app.domain.paging import Cursor
from app.services import agenda
from tests.graphql.client import graphql
from tests.support.tenants import World


def _fault(*_args: object, **_kwargs: object) -> None:
    raise RuntimeError("SELECT secret FROM internals")


def test_a_fault_rolls_back_the_whole_mutation_request(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(agenda, "add_item", _fault)
    body = graphql(
        world.tenant,
        """mutation($m: UUID!, $a: UUID!) {
          note: addNote(input: {meetingId: $m, authorId: $a, body: "Kept?"}) { __typename }
          item: addAgendaItem(input: {meetingId: $m, authorId: $a, title: "Boom"}) {
            __typename }
        }""",
        {"m": world.meeting["id"], "a": world.member["id"]},
    )
    assert body["data"] is None
    (error,) = body["errors"]
    assert error["message"] == FAULT_MESSAGE
    request_id = error["extensions"].pop("request_id")  # the one the log line names
    assert error["extensions"] == {
        "code": "internal_error",
        "classification": "INTERNAL_SERVER_ERROR",
    }
    assert f"(request {request_id})" in caplog.text
    assert "secret" not in str(body)
    assert "SELECT secret FROM internals" in caplog.text  # the log has it
    notes = world.tenant.call("GET", f"/v1/meetings/{world.meeting['id']}/notes").json()["data"]
    assert [note["body"] for note in notes] == [world.note["body"]]


def test_a_fault_in_a_query_hides_its_text(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(agenda, "list_items", _fault)
    body = graphql(
        world.tenant,
        """query($id: UUID!, $after: String) { meeting(id: $id) {
          id agendaItems(after: $after) { nodes { id } } } }""",
        {
            "id": world.meeting["id"],
            "after": Cursor("0", UUID(int=0)).encode(),  # a later page: read by the service
        },
    )
    assert body["data"] == {"meeting": None}
    assert body["errors"][0]["message"] == FAULT_MESSAGE
    assert "secret" not in str(body)


def test_a_refused_field_does_not_break_its_siblings_work(world: World) -> None:
    """graphql-core cancels the siblings of a failed non-null field; their statements must
    not be cut off half-way (the refusal is reported, the request's transaction ends
    cleanly and the next request is served)."""
    query = (
        "{ pairs(first: 0) { nodes { id } } people(first: 5) { nodes { id } }"
        " policy { graceDays } meetings(first: 5) { nodes { id } } }"
    )
    for _ in range(3):
        body = graphql(world.tenant, query)
        assert body["data"] is None
        assert [e["extensions"]["code"] for e in body["errors"]] == ["validation_error"]
    assert graphql(world.tenant, "{ policy { graceDays } }")["data"]["policy"]["graceDays"] == 2
