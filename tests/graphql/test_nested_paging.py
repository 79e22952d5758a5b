"""Every page of a nested connection goes one path: the request's DataLoaders, the first
page and those after a cursor alike. A later page is REST's page for REST's cursor, hides
what the first hides, and costs one statement for a whole page of parents."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import pytest

from app.domain.access import Scope
from app.domain.errors import InvalidInput
from app.domain.paging import MAX_CURSOR_LENGTH, MAX_LIMIT, Cursor, PageRequest
from app.services import agenda, commitments, meetings, notes, ratings
from tests.conftest import Live
from tests.graphql.client import data, graphql
from tests.graphql.seeding import private_note, seed_pairs
from tests.support.tenants import Tenant, World

NOTES = """query($id: UUID!, $after: String) { meeting(id: $id) {
  notes(first: 2, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } } }"""


def _rest_pages(tenant: Tenant, path: str, key: str) -> list[tuple[str | None, list[str]]]:
    """Each page of a REST list two at a time, with the cursor it was asked for with."""
    pages: list[tuple[str | None, list[str]]] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 2} | ({} if cursor is None else {"cursor": cursor})
        response = tenant.call("GET", path, params=params, key=key)
        assert response.status_code == 200, response.text
        body = response.json()
        pages.append((cursor, [item["id"] for item in body["data"]]))
        cursor = body["next_cursor"]
        if cursor is None:
            return pages


def test_later_pages_of_notes_are_rests_pages_and_hide_others_private_notes(
    world: World,
) -> None:
    tenant, meeting = world.tenant, world.meeting
    lead, member = world.token(world.lead), world.token(world.member)
    for number in range(3):
        tenant.create(
            f"/v1/meetings/{meeting['id']}/notes",
            {"author_id": world.lead["id"], "body": f"Shared {number}"},
        )
    private = {
        lead: {private_note(world, lead, f"Lead's own {n}") for n in range(2)},
        member: {private_note(world, member, f"Member's own {n}") for n in range(2)},
        tenant.admin_key: set(),
    }
    for reader, own in private.items():
        others = set().union(*private.values()) - own
        pages = _rest_pages(tenant, f"/v1/meetings/{meeting['id']}/notes", reader)
        assert len(pages) >= 2  # later pages were read
        for cursor, ids in pages:
            found = data(tenant, NOTES, {"id": meeting["id"], "after": cursor}, key=reader)
            connection = found["meeting"]["notes"]
            assert [node["id"] for node in connection["nodes"]] == ids
            assert not others & set(ids)
        shown = {note_id for _, ids in pages for note_id in ids}
        assert own <= shown and not others & shown


def test_a_later_page_is_the_one_rest_gives_for_each_nested_list(world: World) -> None:
    tenant, meeting_id = world.tenant, world.meeting["id"]
    for number in range(3):
        tenant.create(
            f"/v1/meetings/{meeting_id}/agenda-items",
            {"author_id": world.member["id"], "title": f"Topic {number}"},
        )
        tenant.create(
            "/v1/commitments",
            {"pair_id": world.pair["id"], "owner_id": world.member["id"], "title": f"C {number}"},
        )
    lists = {
        "agendaItems": (f"/v1/meetings/{meeting_id}/agenda-items", "meeting", meeting_id),
        "commitments": (f"/v1/commitments?pair_id={world.pair['id']}", "pair", world.pair["id"]),
        "meetings": (f"/v1/meetings?pair_id={world.pair['id']}", "pair", world.pair["id"]),
    }
    for field, (path, parent, parent_id) in lists.items():
        query = f"""query($id: UUID!, $after: String) {{ {parent}(id: $id) {{
          {field}(first: 2, after: $after) {{ nodes {{ id }} pageInfo {{ endCursor }} }} }} }}"""
        for cursor, ids in _rest_pages(tenant, path, tenant.admin_key)[1:]:
            found = data(tenant, query, {"id": parent_id, "after": cursor})[parent][field]
            assert [node["id"] for node in found["nodes"]] == ids, field


def test_cursors_are_written_only_for_the_fields_that_show_them(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    meeting_id = world.meeting["id"]
    for number in range(3):
        world.tenant.create(
            f"/v1/meetings/{meeting_id}/agenda-items",
            {"author_id": world.member["id"], "title": f"Topic {number}"},
        )
    written: list[Cursor] = []
    encode = Cursor.encode

    def counted(cursor: Cursor) -> str:
        written.append(cursor)
        return encode(cursor)

    monkeypatch.setattr(Cursor, "encode", counted)
    query = "query($id: UUID!) { meeting(id: $id) { agendaItems { %s } } }"
    nodes = data(world.tenant, query % "nodes { id position }", {"id": meeting_id})
    assert len(nodes["meeting"]["agendaItems"]["nodes"]) >= 3
    assert written == []

    shown = "edges { cursor node { id position } } pageInfo { startCursor endCursor }"
    found = data(world.tenant, query % shown, {"id": meeting_id})["meeting"]["agendaItems"]
    cursors = [edge["cursor"] for edge in found["edges"]]
    assert cursors == [
        encode(Cursor.after(edge["node"]["position"], UUID(edge["node"]["id"])))
        for edge in found["edges"]
    ]
    assert (found["pageInfo"]["startCursor"], found["pageInfo"]["endCursor"]) == (
        cursors[0],
        cursors[-1],
    )
    assert len(written) == len(cursors) + 2


def test_later_pages_do_not_go_through_the_rest_list_services(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    def elsewhere(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a nested page was read outside the DataLoaders")

    for module, name in [
        (agenda, "list_items"),
        (notes, "list_notes"),
        (ratings, "list_ratings"),
        (meetings, "list_meetings"),
        (commitments, "list_commitments"),
    ]:
        monkeypatch.setattr(module, name, elsewhere)
    after = Cursor.after(datetime(2000, 1, 1, tzinfo=UTC), UUID(int=0)).encode()
    position = Cursor.after(-1, UUID(int=0)).encode()
    found = data(
        world.tenant,
        """query($pair: UUID!, $held: UUID!, $after: String, $position: String) {
          pair(id: $pair) { meetings(after: $after) { nodes { id } }
            commitments(after: $after) { nodes { id } } }
          meeting(id: $held) { agendaItems(after: $position) { nodes { id } }
            notes(after: $after) { nodes { id } } ratings(after: $after) { nodes { id } } } }""",
        {"pair": world.pair["id"], "held": world.held["id"], "after": after, "position": position},
    )
    assert world.held["id"] in {node["id"] for node in found["pair"]["meetings"]["nodes"]}
    assert world.commitment["id"] in {n["id"] for n in found["pair"]["commitments"]["nodes"]}


def test_a_cursor_of_another_list_fails_its_own_field_only(world: World) -> None:
    instant_cursor = Cursor.after(datetime(2000, 1, 1, tzinfo=UTC), UUID(int=0)).encode()
    body = graphql(
        world.tenant,
        """query($id: UUID!, $after: String) { meeting(id: $id) {
          agendaItems(after: $after) { nodes { id } } } other: meeting(id: $id) {
          notes(after: $after) { nodes { id } } } }""",
        {"id": world.meeting["id"], "after": instant_cursor},
    )
    assert body["data"]["meeting"] is None
    assert body["data"]["other"]["notes"]["nodes"] == [{"id": world.note["id"]}]
    assert [error["extensions"]["code"] for error in body["errors"]] == ["invalid_cursor"]


def _domain_refusal(limit: int, cursor: str | None) -> str | None:
    try:
        PageRequest.of(limit, cursor)
    except InvalidInput as refused:
        return refused.code
    return None


PAGINGS = [
    *((limit, None) for limit in (-1, 0, 1, MAX_LIMIT, MAX_LIMIT + 1)),
    *((2, cursor) for cursor in ("forged", "x" * MAX_CURSOR_LENGTH, "x" * (MAX_CURSOR_LENGTH + 1))),
]


def test_rest_and_graphql_refuse_what_the_domain_refuses(tenant: Tenant) -> None:
    """REST's dependency and GraphQL's connections both ask PageRequest.of: a page is
    refused on both surfaces exactly when the domain refuses it (REST's query parameters
    carry the same bounds for its OpenAPI document; an over-long cursor is `too_long`
    there, as it always was)."""
    for _ in range(3):
        tenant.person()
    valid = _rest_pages(tenant, "/v1/people", tenant.admin_key)[1][0]
    for limit, cursor in [*PAGINGS, (2, valid)]:
        refusal = _domain_refusal(limit, cursor)
        params: dict[str, Any] = {"limit": limit} | ({} if cursor is None else {"cursor": cursor})
        rest = tenant.call("GET", "/v1/people", params=params)
        graph = graphql(
            tenant,
            "query($first: Int!, $after: String) { people(first: $first, after: $after) {"
            " nodes { id } } }",
            {"first": limit, "after": cursor},
        )
        assert (rest.status_code == 422) == (refusal is not None), (limit, cursor, rest.text)
        if refusal is None:
            assert "errors" not in graph, graph
            continue
        assert [e["extensions"]["code"] for e in graph["errors"]] == [refusal]
        too_long = cursor is not None and len(cursor) > MAX_CURSOR_LENGTH
        assert rest.json()["code"] == ("too_long" if too_long else refusal)


SECOND_PAGES = """
query Later($pairs: Int!, $after: String, $position: String) {
  pairs(first: $pairs) {
    nodes {
      meetings(first: 2, after: $after) {
        nodes {
          id
          agendaItems(after: $position) { nodes { id } }
          notes(after: $after) { nodes { id } }
        }
        pageInfo { hasNextPage hasPreviousPage }
      }
      commitments(after: $after) { nodes { id } }
    }
  }
}
"""


def _count(live: Live, tenant: Tenant, key: str, variables: dict[str, Any]) -> int:
    data(tenant, "{ me { kind } }", key=key)  # the key is verified and cached
    with live.statements.measure() as counter:
        result = data(tenant, SECOND_PAGES, variables, key=key)
    for pair in result["pairs"]["nodes"]:
        page = pair["meetings"]
        assert len(page["nodes"]) == 2 and page["pageInfo"]["hasPreviousPage"] is (
            variables["after"] is not None
        )
        assert all(len(m["agendaItems"]["nodes"]) == 1 for m in page["nodes"])
        assert all(len(m["notes"]["nodes"]) == 1 for m in page["nodes"])
        assert len(pair["commitments"]["nodes"]) == 1
    return counter.count


def test_a_later_page_costs_one_statement_for_a_page_of_parents(live: Live) -> None:
    small, large = live.tenant(), live.tenant()
    seed_pairs(small, 2)
    seed_pairs(large, 30)
    reader = (Scope.PAIRS_READ, Scope.MEETINGS_READ, Scope.CONTENT_READ)
    later = {
        "pairs": 30,
        "after": Cursor.after(datetime(2000, 1, 1, tzinfo=UTC), UUID(int=0)).encode(),
        "position": Cursor.after(-1, UUID(int=0)).encode(),
    }
    first = {"pairs": 30, "after": None, "position": None}
    small_count = _count(live, small, small.key(*reader), later)
    large_count = _count(live, large, large.key(*reader), later)
    first_count = _count(live, large, large.key(*reader), first)
    assert large_count == small_count == first_count, (small_count, large_count, first_count)
    # The organization's scope (PostgreSQL), the page of pairs, one statement per nested
    # list (meetings, agenda items, notes, commitments).
    assert large_count <= 6


def test_a_later_page_of_a_pairs_content_is_null_for_those_who_may_not_see_it(
    world: World,
) -> None:
    after = Cursor.after(datetime(2000, 1, 1, tzinfo=UTC), UUID(int=0)).encode()
    query = """query($id: UUID!, $after: String) { pair(id: $id) { id
      meetings(after: $after) { nodes { id } } commitments(after: $after) { nodes { id } } } }"""
    for person in (world.boss, world.admin):
        found = data(
            world.tenant, query, {"id": world.pair["id"], "after": after}, key=world.token(person)
        )
        assert found["pair"] == {"id": world.pair["id"], "meetings": None, "commitments": None}
