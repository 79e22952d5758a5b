"""Bad input and oversized queries: GraphQL errors with clear messages, never a server
fault, and nothing changes."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import get_introspection_query

from app.api.graphql.limits import COMPLEXITY_BUDGET, MAX_ALIASES, MAX_DEPTH, MAX_TOKENS
from tests.graphql.client import data, post
from tests.support.tenants import World, snapshot


def _deep(steps: int) -> str:
    """A meeting, then `steps` nested fields (pair → meetings → nodes → pair → …): the
    operation is `steps + 1` fields deep."""
    path = [("pair", "meetings(first: 1)", "nodes")[i % 3] for i in range(steps)]
    inner = "id"
    for step in reversed(path):
        inner = f"{step} {{ {inner} }}"
    return f'{{ meeting(id: "00000000-0000-0000-0000-000000000000") {{ {inner} }} }}'


BAD_REQUESTS: list[tuple[str, str, dict[str, Any] | None, str]] = [
    ("malformed", "{ me { kind ", None, "Syntax Error"),
    ("unknown field", "{ me { shoeSize } }", None, "Cannot query field 'shoeSize'"),
    (
        "wrong variable type",
        "query($id: UUID!) { pair(id: $id) { id } }",
        {"id": 42},
        "Variable '$id' has invalid value",
    ),
    (
        "naive instant",
        "query($d: DateTime!) { meetings(startsAfter: $d) { nodes { id } } }",
        {"d": "2026-01-05T09:00:00"},
        "RFC 3339 with an offset",
    ),
    (
        "mutation with a bad enum",
        'mutation { cancelMeeting(input: {id: "00000000-0000-0000-0000-000000000000",'
        " reason: BORED}) { __typename } }",
        None,
        "Value 'BORED' does not exist in 'CancelReason' enum",
    ),
    ("too deep", _deep(MAX_DEPTH), None, f"exceeds maximum operation depth of {MAX_DEPTH}"),
    (
        "too many aliases",
        "{ " + " ".join(f"a{i}: me {{ kind }}" for i in range(MAX_ALIASES + 1)) + " }",
        None,
        "aliases found",
    ),
    (
        "aliases hidden in fragments",
        "query { ...Many } fragment Many on Query { "
        + " ".join(f"a{i}: me {{ kind }}" for i in range(MAX_ALIASES + 1))
        + " }",
        None,
        "aliases found",
    ),
    (
        "too many tokens",
        "{ me { " + "kind " * MAX_TOKENS + "} }",
        None,
        f"more than {MAX_TOKENS} tokens",
    ),
    (
        "over the complexity budget",
        "{ pairs(first: 200) { nodes { meetings(first: 200) { nodes {"
        " agendaItems(first: 200) { nodes { id } } } } } } }",
        None,
        f"the budget is {COMPLEXITY_BUDGET}",
    ),
]


@pytest.mark.parametrize(
    ("query", "variables", "message"),
    [case[1:] for case in BAD_REQUESTS],
    ids=[case[0] for case in BAD_REQUESTS],
)
def test_bad_requests_are_refused_with_a_clear_message_and_change_nothing(
    world: World, query: str, variables: dict[str, Any] | None, message: str
) -> None:
    before = snapshot(world)
    response = post(world.tenant, query, variables)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body.get("data") is None, body
    assert any(message in error["message"] for error in body["errors"]), body
    assert snapshot(world) == before


def test_a_deep_enough_query_runs(world: World) -> None:
    """From a meeting that exists, as deep as the path's shape allows within the limit
    (ten steps, ending on the pair): every level resolves."""
    steps = MAX_DEPTH - 2
    nowhere = "00000000-0000-0000-0000-000000000000"
    query = _deep(steps).replace(nowhere, world.meeting["id"])
    reached: Any = data(world.tenant, query)["meeting"]
    for level in range(steps):
        field = ("pair", "meetings", "nodes")[level % 3]
        reached = reached[field][0] if field == "nodes" else reached[field]
        assert reached, f"nothing at level {level + 2} ({field}) of {query}"
    assert reached == {"id": world.pair["id"]}


def test_introspection_stays_on_within_the_limits(world: World) -> None:
    """The full introspection query clients and tools send fits every limit."""
    schema = data(world.tenant, get_introspection_query(descriptions=True))["__schema"]
    mutations = next(t for t in schema["types"] if t["name"] == "Mutation")
    names = {field["name"] for field in mutations["fields"]}
    assert {"scheduleMeeting", "addNote", "updatePolicy"} <= names


def test_queries_are_not_served_over_get_and_a_body_must_be_json(world: World) -> None:
    response = world.tenant.call("GET", "/graphql", params={"query": "{ me { kind } }"})
    assert response.status_code == 400
    response = world.tenant.call(
        "POST", "/graphql", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
