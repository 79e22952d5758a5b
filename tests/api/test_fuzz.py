"""Generated input against every operation of the route table and against /graphql: JSON
bodies (deep nesting, huge strings, odd unicode with NUL and escaped lone surrogates, wrong
types, a known-good body with one member replaced) and query strings of the same kind, with
real ids of a seeded world so that paths resolve. No answer is a 5xx, and a refusal changes
no row of the organization. The budget is fixed and the search derandomized, so a run is
the same on every machine."""

from __future__ import annotations

import json
from typing import Any

import pytest
from graphql import GraphQLSchema, StringValueNode
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import from_schema

from app.api.app import api_routes
from app.api.graphql.schema import build_schema
from tests.conftest import Live, world_for
from tests.support.matrix import CASES
from tests.support.organization_rows import (
    Rows,
    organization_rows,
    without_background_writes,
)
from tests.support.tenants import World, snapshot

EXAMPLES_PER_OPERATION = 6
FUZZ = settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    deadline=None,
    database=None,
    phases=(Phase.explicit, Phase.generate),  # a failure is reported as found, unshrunk
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

ODD_TEXT = st.one_of(
    st.text(max_size=20),
    st.sampled_from(
        [
            "",
            "\x00",
            "a\x00b",
            "\ud800",
            "\udfff x",
            "İ" * 300,
            "😀" * 70,
            "../../etc/passwd",
            "America",
            "'; DROP TABLE people; --",
            "2026-01-05T09:00:00",
            "00000000-0000-0000-0000-000000000000",
            "-1",
            "1e309",
        ]
    ),
    st.builds(
        lambda c, n: c * n,
        st.sampled_from(["a", "İ", "\x00", "€"]),
        st.sampled_from([257, 10_001, 60_000]),
    ),
)
# Query strings stay within what an HTTP client sends (the server's own limit, a 414 past
# 100 KB, is tested in tests/integration/test_http_limits.py).
QUERY_TEXT = st.one_of(
    st.text(max_size=20),
    st.sampled_from(["", "\x00", "İ" * 300, "-1", "0", "1e309", "true", "x" * 2_000]),
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    ODD_TEXT,
)


def _values(keys: st.SearchStrategy[str]) -> st.SearchStrategy[Any]:
    return st.recursive(
        SCALARS,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=4),
        max_leaves=8,
    )


def _deep(depth: int, opening: str, closing: str) -> bytes:
    return (opening * depth + "1" + closing * depth).encode()


DEEP = st.sampled_from([100, 1_500, 20_000]).flatmap(
    lambda depth: st.sampled_from(
        [_deep(depth, "[", "]"), _deep(depth, '{"a":', "}"), _deep(depth, '{"name":[', "]}")]
    )
)


def _encode(value: Any) -> bytes:
    """JSON as a client writes it; lone surrogates travel as \\ud800 escapes."""
    return json.dumps(value).encode()


def _replace_one(good: dict[str, Any], keys: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    if not good:
        return st.just(good)
    return st.tuples(st.sampled_from(sorted(good) + keys), _values(st.sampled_from(keys))).map(
        lambda change: {**good, change[0]: change[1]}
    )


def _properties(route: Any) -> list[str]:
    body = route.body_field
    if body is None:
        return ["name"]
    annotation = body.field_info.annotation
    fields = getattr(annotation, "model_fields", None)
    return sorted(fields) if fields else ["name"]


OPERATIONS = sorted(
    (route.operation_id, method, route.path_format, route)
    for route in api_routes()
    for method in route.methods or ()
    if method != "HEAD"
)


def _request(world: World, route: Any, operation: str) -> st.SearchStrategy[dict[str, Any]]:
    keys = _properties(route)
    key_names = st.sampled_from([*keys, "org_id", "status", "", "\x00", "a" * 300])
    case = CASES.get(operation)
    good = case.success.json(world) if case is not None else None
    bodies = [
        _values(key_names).map(_encode),
        DEEP,
        st.sampled_from([b"{", b"[]", b"123", b'"\\ud800"', b"null", b"\xff\xfe", b""]),
    ]
    if good:
        bodies.append(_replace_one(good, keys).map(_encode))
    declared = [param.alias for param in route.dependant.query_params]
    params = st.dictionaries(
        st.sampled_from([*declared, "limit", "cursor", "unknown"]), QUERY_TEXT, max_size=3
    )
    return st.fixed_dictionaries(
        {
            "content": st.one_of(*bodies),
            "params": params,
            "content_type": st.sampled_from(["application/json"] * 4 + ["text/plain"]),
        }
    )


def _path(world: World, template: str) -> str:
    return template.format(**world.ids(), slug="not-found", token="rcal_not-a-token")


# Tried on every operation before the generated input: what once answered a 5xx or was
# ignored (a body on an action without input, a timezone naming a directory of the zone
# database, an email that outgrows its key once lowercased, JSON too deep to parse).
HOSTILE_MEMBERS = ("America", "İ" * 300)
HOSTILE_BODIES = (b"[" * 10_000 + b"]" * 10_000, b"{", b"123", b"[]")


def _hostile(world: World, route: Any, operation: str) -> list[dict[str, Any]]:
    case = CASES.get(operation)
    good = (case.success.json(world) if case is not None else None) or {}
    json = "application/json"
    examples = [{"content": body, "params": {}, "content_type": json} for body in HOSTILE_BODIES]
    if route.body_field is not None and good:
        examples += [
            {"content": _encode({**good, key: value}), "params": {}, "content_type": json}
            for key in _properties(route)
            for value in HOSTILE_MEMBERS
        ]
    declared = [param.alias for param in route.dependant.query_params]
    if declared:
        params = {name: "İ" * 300 + "\x00" for name in declared}
        examples.append({"content": b"", "params": params, "content_type": json})
    return examples


# What an operation without input accepts: no body, an empty object, JSON's null.
NO_INPUT = (b"", b"{}", b"null")


def _takes_no_body(method: str, route: Any) -> bool:
    """A change without input of its own: a body sent to it must be refused, not ignored."""
    body = route.body_field
    return method != "GET" and (body is None or "EmptyBody" in str(body.field_info.annotation))


@pytest.mark.parametrize(
    ("operation", "method", "template", "route"),
    OPERATIONS,
    ids=[f"{op}" for op, *_ in OPERATIONS],
)
def test_generated_input_never_faults_and_refusals_change_nothing(
    live: Live,
    request: pytest.FixtureRequest,
    operation: str,
    method: str,
    template: str,
    route: Any,
) -> None:
    world = world_for(request, method)
    path = _path(world, template)

    def changeable() -> Rows:
        return without_background_writes(organization_rows(world))

    state = {"before": changeable()}

    def probe(sent: dict[str, Any]) -> None:
        response = world.tenant.call(
            method,
            path,
            params=sent["params"],
            content=sent["content"],
            headers={"Content-Type": sent["content_type"]},
        )
        shown = (sent["params"], sent["content"][:200], response.text)
        assert response.status_code < 500, shown
        if _takes_no_body(method, route) and sent["content"].strip() not in NO_INPUT:
            assert response.status_code >= 400, shown
        after = changeable()
        if response.status_code >= 400:
            assert after == state["before"], shown
        state["before"] = after

    run = given(sent=_request(world, route, operation))(probe)
    for hostile in _hostile(world, route, operation):
        run = example(sent=hostile)(run)
    FUZZ(run)()


def _graphql_schema() -> GraphQLSchema:
    schema: GraphQLSchema = build_schema()._schema
    return schema


def _string(values: list[str]) -> st.SearchStrategy[StringValueNode]:
    return st.sampled_from(values).map(lambda value: StringValueNode(value=value))


def test_generated_graphql_requests_never_fault(world: World) -> None:
    """Documents valid for the schema, with real and odd ids, instants and dates (mutations
    may succeed, so only faults are looked for here; tests/graphql/test_trust.py sends what
    is not a GraphQL request)."""
    scalars = {
        "UUID": _string([*sorted(world.ids().values()), "00000000-0000-0000-0000-000000000000"]),
        "DateTime": _string(["2026-01-05T09:00:00Z", "2026-01-05T09:00:00", "9999-12-31T23:59Z"]),
        "Date": _string(["2026-01-05", "2026-02-30", "0001-01-01"]),
        "JSON": _string(["{}"]),
    }
    documents = from_schema(_graphql_schema(), custom_scalars=scalars)

    @settings(FUZZ, max_examples=8 * EXAMPLES_PER_OPERATION)
    @given(document=documents)
    def probe(document: str) -> None:
        response = world.tenant.call("POST", "/graphql", json={"query": document})
        assert response.status_code < 500, (document, response.text)
        errors = response.json().get("errors") or []
        codes = [error.get("extensions", {}).get("code") for error in errors]
        assert "internal_error" not in codes, (document, response.text)

    probe()


GRAPHQL_MEMBERS = st.sampled_from(["query", "variables", "operationName", "extensions", "x"])


def test_generated_bodies_to_graphql_never_fault_and_change_nothing(world: World) -> None:
    before = snapshot(world)
    bodies = st.one_of(
        _values(GRAPHQL_MEMBERS).map(_encode),
        DEEP,
        st.fixed_dictionaries({"query": ODD_TEXT, "variables": _values(GRAPHQL_MEMBERS)}).map(
            _encode
        ),
    )

    def probe(body: bytes) -> None:
        response = world.tenant.call(
            "POST", "/graphql", content=body, headers={"Content-Type": "application/json"}
        )
        assert response.status_code < 500, (body[:200], response.text)
        assert response.headers["content-type"].startswith("application/json")

    run = given(body=bodies)(probe)
    for hostile in HOSTILE_BODIES:
        run = example(body=hostile)(run)
    settings(FUZZ, max_examples=4 * EXAMPLES_PER_OPERATION)(run)()
    assert snapshot(world) == before
