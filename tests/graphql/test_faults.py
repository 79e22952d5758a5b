"""An unexpected fault is logged and answered without its text, and a mutation request that
meets one keeps none of its changes."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any
from uuid import UUID

import pytest

from app.api.graphql.error_shaping import FAULT_MESSAGE
from app.domain.errors import InvalidInput
from app.domain.meetings import Meeting
from app.domain.paging import Cursor
from app.persistence.availability import DatabaseUnavailable
from app.services import agenda, batch_reads, visible_records
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
    monkeypatch.setattr(batch_reads, "agenda_items_of_meetings", _fault)
    body = graphql(
        world.tenant,
        """query($id: UUID!, $after: String) { meeting(id: $id) {
          id agendaItems(after: $after) { nodes { id } } } }""",
        {
            "id": world.meeting["id"],
            "after": Cursor("0", UUID(int=0)).encode(),  # a later page: read as the first is
        },
    )
    assert body["data"] == {"meeting": None}
    assert body["errors"][0]["message"] == FAULT_MESSAGE
    assert "secret" not in str(body)


def test_a_database_lost_during_a_query_answers_503_without_a_second_pass(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A query meets the database gone: the request is answered 503 as a whole. It is not
    executed again: a second pass would meet a transaction the loss has left unusable (here:
    a fault on the second call)."""
    calls: list[int] = []

    async def lost(*_args: object, **_kwargs: object) -> None:
        calls.append(1)
        if len(calls) == 1:
            raise DatabaseUnavailable()
        raise RuntimeError("Can't reconnect until invalid transaction is rolled back")

    monkeypatch.setattr(visible_records, "meeting", lost)
    response = world.tenant.call(
        "POST",
        "/graphql",
        json={
            "query": "query($id: UUID!) { meeting(id: $id) { id } }",
            "variables": {"id": world.meeting["id"]},
        },
    )
    assert response.status_code == 503, response.text
    assert response.headers["retry-after"]
    body = response.json()
    assert body["data"] is None
    assert [e["extensions"]["code"] for e in body["errors"]] == ["database_unavailable"]
    assert calls == [1]


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


LATER_PAGE = Cursor("0", UUID(int=0)).encode()  # a later page: read as the first is


def test_a_load_shared_with_a_cancelled_field_still_resolves_elsewhere(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both meetings load the same pair; the first one's agenda fails while the load is
    pending, and graphql-core cancels the first one's `pair`: the second still gets it."""
    read_pairs = batch_reads.pairs_named_by_visible_records

    async def slow_pairs(*args: Any) -> Any:
        await asyncio.sleep(0.3)
        return await read_pairs(*args)

    async def refused(*_args: object, **_kwargs: object) -> None:
        await asyncio.sleep(0.1)
        raise InvalidInput("Refused on purpose.", code="validation_error")

    monkeypatch.setattr(batch_reads, "pairs_named_by_visible_records", slow_pairs)
    monkeypatch.setattr(batch_reads, "agenda_items_of_meetings", refused)
    body = graphql(
        world.tenant,
        """query($m: UUID!, $after: String) {
          a: meeting(id: $m) { pair { id } agendaItems(after: $after) { nodes { id } } }
          b: meeting(id: $m) { pair { id } }
        }""",
        {"m": world.meeting["id"], "after": LATER_PAGE},
    )
    assert body["data"] == {"a": None, "b": {"pair": {"id": world.meeting["pair_id"]}}}
    assert [e["extensions"]["code"] for e in body["errors"]] == ["validation_error"]


def test_the_transaction_ends_after_the_work_left_in_the_background(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A non-null field that fails at once (a fault: null for a non-null field) leaves its
    started siblings to finish in the background (graphql-core): their statements still run
    inside the request's transaction."""
    read_meeting, read_pairs = visible_records.meeting, batch_reads.pairs_named_by_visible_records
    outcomes: list[str] = []

    async def meeting_without_status(*args: Any, **kwargs: Any) -> Meeting:
        return dataclasses.replace(await read_meeting(*args, **kwargs), status=None)  # type: ignore[arg-type]

    async def late_pairs(*args: Any) -> Any:
        await asyncio.sleep(0.3)  # the answer is complete by then
        try:
            found = await read_pairs(*args)
        except Exception as error:
            outcomes.append(type(error).__name__)
            raise
        outcomes.append("read")
        return found

    monkeypatch.setattr(visible_records, "meeting", meeting_without_status)
    monkeypatch.setattr(batch_reads, "pairs_named_by_visible_records", late_pairs)
    body = graphql(
        world.tenant,
        "query($m: UUID!) { meeting(id: $m) { pair { id } status } }",
        {"m": world.meeting["id"]},
    )
    assert body["data"] == {"meeting": None}
    assert [e["message"] for e in body["errors"]] == [FAULT_MESSAGE]  # null for a non-null
    assert outcomes == ["read"]
    monkeypatch.undo()
    assert graphql(world.tenant, "{ policy { graceDays } }")["data"]["policy"]["graceDays"] == 2
