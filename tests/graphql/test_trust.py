"""What /graphql tells strangers (nothing about its schema), how it answers requests that
are not GraphQL requests (JSON, never a fault), what a document costs whatever its fragments,
and how a request past its time budget stops and keeps nothing."""

from __future__ import annotations

import asyncio
import http.client
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from graphql import get_introspection_query
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from app.api.graphql.limits import COMPLEXITY_BUDGET
from app.services import settings_admin
from tests.conftest import Live
from tests.graphql.client import data, graphql
from tests.support.live import runtime
from tests.support.tenants import World, snapshot

STRANGER_DOCUMENTS = {
    "misspelt field": "{ meetng { id } }",
    "introspection": get_introspection_query(),
    "type probe": '{ __type(name: "Meeting") { fields { name } } }',
    "syntax error": "{ me { kind ",
}


@pytest.mark.parametrize("document", STRANGER_DOCUMENTS.values(), ids=STRANGER_DOCUMENTS.keys())
@pytest.mark.parametrize("credential", [None, "rpt_unknown", "not.a.token"])
def test_strangers_learn_nothing_of_the_schema(
    unchanged_world: World, document: str, credential: str | None
) -> None:
    world = unchanged_world
    headers = {} if credential is None else {"Authorization": f"Bearer {credential}"}
    response = world.tenant.http.post("/graphql", json={"query": document}, headers=headers)
    assert response.status_code == 401, response.text
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["data"] is None
    (error,) = body["errors"]
    assert error["extensions"]["code"] in ("unauthorized", "invalid_credential")
    text = response.text
    assert "Did you mean" not in text and "meeting" not in text.lower()
    assert "__schema" not in text and "Syntax Error" not in text


def test_callers_with_a_credential_still_get_suggestions(unchanged_world: World) -> None:
    world = unchanged_world
    body = graphql(world.tenant, "{ meetng { id } }")
    assert "Did you mean 'meeting'" in body["errors"][0]["message"]


DEEP_ARRAY = b"[" * 10_000 + b"]" * 10_000
DEEP_OBJECT = (
    b'{"query": "{ me { kind } }", "variables": {"v": '
    + b'{"a": ' * 10_000
    + b"1"
    + (b"}" * 10_001)
)
NOT_GRAPHQL_REQUESTS: dict[str, tuple[bytes, str, int]] = {
    "deep array": (DEEP_ARRAY, "application/json", 400),
    "deep object": (DEEP_OBJECT, "application/json", 400),
    "batch": (b'[{"query": "{ me { kind } }"}]', "application/json", 400),
    "number": (b"123", "application/json", 400),
    "string": (b'"{ me { kind } }"', "application/json", 400),
    "null": (b"null", "application/json", 400),
    "not JSON": (b"{", "application/json", 400),
    "no query": (b'{"variables": {}}', "application/json", 400),
    "query not a string": (b'{"query": 42}', "application/json", 400),
    "variables not an object": (
        b'{"query": "{ me { kind } }", "variables": [1]}',
        "application/json",
        400,
    ),
    "operation name not a string": (
        b'{"query": "{ me { kind } }", "operationName": 1}',
        "application/json",
        400,
    ),
    "extensions not an object": (
        b'{"query": "{ me { kind } }", "extensions": "x"}',
        "application/json",
        400,
    ),
    "plain text": (b"{ me { kind } }", "text/plain", 415),
    "GraphQL media type": (b"{ me { kind } }", "application/graphql", 415),
    "form": (b"query=%7B%20me%20%7D", "application/x-www-form-urlencoded", 415),
    "lone surrogate": (b'{"query": "{ me { kind } }\\ud800"}', "application/json", 400),
    "NUL": (
        b'{"query": "{ me { kind } }\\u0000"}',
        "application/json",
        200,
    ),
}


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    NOT_GRAPHQL_REQUESTS.values(),
    ids=NOT_GRAPHQL_REQUESTS.keys(),
)
def test_requests_that_are_not_graphql_requests_answer_json(
    unchanged_world: World, body: bytes, content_type: str, status: int
) -> None:
    world = unchanged_world
    before = snapshot(world)
    response = world.tenant.call(
        "POST", "/graphql", content=body, headers={"Content-Type": content_type}
    )
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    answer = response.json()
    assert answer["data"] is None
    if status != 200:
        code = {400: "malformed_request", 415: "unsupported_media_type"}[status]
        assert [e["extensions"]["code"] for e in answer["errors"]] == [code]
    assert "Traceback" not in response.text
    assert snapshot(world) == before


@pytest.mark.parametrize(
    "content_type",
    ["application/json; charset=utf-8", "Application/JSON", "application/json ;charset=UTF-8"],
)
def test_the_json_media_type_is_read_in_any_case_and_with_parameters(
    unchanged_world: World, content_type: str
) -> None:
    response = unchanged_world.tenant.call(
        "POST",
        "/graphql",
        content=b'{"query": "{ me { kind } }"}',
        headers={"Content-Type": content_type},
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"data": {"me": {"kind": "service_key"}}}


@pytest.mark.parametrize(
    "params",
    [{}, {"query": "{ me { kind } }"}, {"query": "{ me { kind } }", "variables": "{"}],
    ids=["no query", "query", "bad variables"],
)
def test_get_is_not_a_way_to_run_operations(unchanged_world: World, params: dict[str, str]) -> None:
    world = unchanged_world
    response = world.tenant.call(
        "GET", "/graphql", params=params, headers={"Accept": "application/json"}
    )
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["errors"][0]["extensions"]["code"] == "malformed_request"


FRAGMENT_BYPASS = [
    """{ pairs(first: 200) { ...Pairs } }
    fragment Pairs on PairConnection { nodes { meetings(first: 200) { ...Meetings } } }
    fragment Meetings on MeetingConnection {
      nodes { agendaItems(first: 200) { nodes { id } } } }""",
    """{ pairs(first: 200) { ... on PairConnection { nodes { meetings(first: 200) {
      ... { nodes { agendaItems(first: 200) { ... on AgendaItemConnection { nodes { id } } } } }
    } } } } }""",
    """query Small { me { kind } }
    query Large { pairs(first: 200) { ...P } }
    fragment P on PairConnection { nodes { meetings(first: 200) { edges { node {
      agendaItems(first: 200) { edges { node { id } } } } } } } }""",
]


@pytest.mark.parametrize("document", FRAGMENT_BYPASS, ids=["named", "inline", "other operation"])
def test_fragments_do_not_escape_the_cost_budget(unchanged_world: World, document: str) -> None:
    world = unchanged_world
    before = snapshot(world)
    name = "Small" if "query Small" in document else None
    response = world.tenant.call(
        "POST", "/graphql", json={"query": document, "operationName": name}
    )
    body = response.json()
    assert response.status_code == 200, response.text
    assert body["data"] is None
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "query_too_complex"
    assert error["extensions"]["cost"] > COMPLEXITY_BUDGET
    assert snapshot(world) == before


def _slow(original: Callable[..., Awaitable[Any]], seconds: float) -> Callable[..., Awaitable[Any]]:
    async def slow(*args: Any, **kwargs: Any) -> Any:
        result = await original(*args, **kwargs)
        await asyncio.sleep(seconds)
        return result

    return slow


BUDGET = 0.05  # seconds; the patched service takes six times as long


@pytest.fixture
def small_budget(live: Live, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runtime(live.app).settings, "graphql_time_budget_seconds", BUDGET)


@pytest.mark.usefixtures("small_budget")
def test_a_query_past_its_time_budget_stops_and_the_connection_stays_sound(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings_admin, "policy", _slow(settings_admin.policy, 6 * BUDGET))
    for _ in range(3):
        body = graphql(world.tenant, "{ policy { graceDays } people(first: 5) { nodes { id } } }")
        assert body["data"] is None
        (error,) = body["errors"]
        assert error["extensions"]["code"] == "time_budget_exceeded"
        assert "time budget" in error["message"]
    monkeypatch.undo()
    assert data(world.tenant, "{ policy { graceDays } }")["policy"]["graceDays"] == 2


@pytest.mark.usefixtures("small_budget")
def test_a_mutation_request_past_its_time_budget_keeps_nothing(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        settings_admin, "update_policy", _slow(settings_admin.update_policy, 6 * BUDGET)
    )
    before = snapshot(world)
    body = graphql(
        world.tenant,
        """mutation($m: UUID!, $a: UUID!) {
          policy: updatePolicy(input: {graceDays: 5}) { __typename }
          note: addNote(input: {meetingId: $m, authorId: $a, body: "Kept?"}) { __typename }
        }""",
        {"m": world.meeting["id"], "a": world.member["id"]},
    )
    assert body["data"] is None
    assert [e["extensions"]["code"] for e in body["errors"]] == ["time_budget_exceeded"]
    assert snapshot(world) == before
    trail = world.tenant.call("GET", "/v1/audit-events", params={"limit": 200}).json()["data"]
    assert not any(e["operation"] == "graphql-update-policy" for e in trail)


def test_a_keep_alive_connection_outlives_a_fault(
    live: Live, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 500 is an answer like any other (api.md: a problem, with the log holding the
    rest): the connection that carried it serves the next request. The server closes a
    connection only when it cannot tell where the next request starts."""

    def fault(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("forced")

    monkeypatch.setattr(settings_admin, "policy", fault)
    url = httpx.URL(live.base_url)
    headers = {"Authorization": f"Bearer {world.tenant.admin_key}"}
    connection = http.client.HTTPConnection(url.host, url.port, timeout=30)
    try:
        for path, body in (("/v1/policy", None), ("/graphql", GRAPHQL_POLICY)):
            method = "GET" if body is None else "POST"
            connection.request(method, path, body=body, headers={**headers, **JSON})
            failed = connection.getresponse()
            failed.read()
            assert failed.status == (500 if body is None else 200)
            assert (failed.getheader("connection") or "").lower() != "close"
            carrier = connection.sock
            assert carrier is not None
            connection.request("GET", "/v1/people", headers=headers)
            after = connection.getresponse()
            after.read()
            assert after.status == 200
            assert connection.sock is carrier, "the next request went over the same connection"
    finally:
        connection.close()


GRAPHQL_POLICY = b'{"query": "{ policy { graceDays } }"}'
JSON = {"Content-Type": "application/json"}


def test_a_websocket_handshake_without_graphql_transport_ws_is_refused(
    live: Live, world: World
) -> None:
    """Subscriptions speak graphql-transport-ws only (docs/realtime.md): the legacy
    graphql-ws protocol (which let a client skip connection authentication in Strawberry
    before 0.312.3), or no protocol at all, is refused at the handshake."""
    client = TestClient(live.app)  # the served app's state: no second lifespan
    headers = {"Authorization": f"Bearer {world.tenant.admin_key}"}
    for protocols in (["graphql-ws"], [], ["graphql-ws", "other"]):
        with (
            pytest.raises(WebSocketDisconnect) as refused,
            client.websocket_connect("/graphql", subprotocols=protocols, headers=headers),
        ):
            pass
        assert refused.value.code == 1008
