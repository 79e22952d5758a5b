"""Parsed and validated documents are cached, and every limit still holds for a document
served from the cache: depth and aliases (its verdict is cached with it), the complexity
budget (computed with each request's variables). The cache is bounded, keeps no long
document, and a stranger's document is never parsed."""

from __future__ import annotations

from collections.abc import Callable
from functools import _CacheInfo
from typing import Any

from graphql import parse

from app.api.graphql.limits import (
    CACHED_DOCUMENT_CHARS,
    CACHED_DOCUMENTS,
    COMPLEXITY_BUDGET,
    MAX_ALIASES,
    MAX_DEPTH,
    PARSED,
    ParsedDocument,
    verdict_of,
)
from tests.graphql.client import data, graphql
from tests.graphql.test_limits import _deep
from tests.support.tenants import World

# Costs 1 + $n × 80,402: within the budget for one pair, over it for two.
PAGED = """query($n: Int!) { pairs(first: $n) { nodes { meetings(first: 200) { nodes {
  agendaItems(first: 200) { nodes { id } } } } } } }"""


def _info(cached: Callable[..., Any]) -> _CacheInfo:
    info: _CacheInfo = cached.cache_info()  # type: ignore[attr-defined]
    return info


def parsed() -> _CacheInfo:
    return _info(PARSED)


def validated() -> _CacheInfo:
    return _info(verdict_of)


def _codes(body: dict[str, Any]) -> list[str | None]:
    return [error.get("extensions", {}).get("code") for error in body["errors"]]


def test_a_cached_document_is_refused_again_for_its_depth_and_aliases(world: World) -> None:
    too_deep = _deep(MAX_DEPTH)
    aliased = "{ " + " ".join(f"a{i}: me {{ kind }}" for i in range(MAX_ALIASES + 1)) + " }"
    for document, message in (
        (too_deep, f"exceeds maximum operation depth of {MAX_DEPTH}"),
        (aliased, "aliases found"),
    ):
        for _ in range(2):
            before = validated().hits
            body = graphql(world.tenant, document)
            assert body["data"] is None
            assert any(message in error["message"] for error in body["errors"]), body
        assert validated().hits == before + 1  # the second verdict came from the cache


def test_a_cached_document_is_costed_with_each_requests_variables(world: World) -> None:
    assert len(data(world.tenant, PAGED, {"n": 1})["pairs"]["nodes"]) == 1
    hits = parsed().hits, validated().hits
    body = graphql(world.tenant, PAGED, {"n": 2})
    assert body["data"] is None
    assert _codes(body) == ["query_too_complex"]
    assert body["errors"][0]["extensions"]["cost"] > COMPLEXITY_BUDGET
    assert (parsed().hits, validated().hits) == (hits[0] + 1, hits[1] + 1)
    assert "errors" not in graphql(world.tenant, PAGED, {"n": 1})


def test_the_cache_keeps_a_bounded_number_of_documents(world: World) -> None:
    documents = [f"{{ unknownField{i} }}" for i in range(CACHED_DOCUMENTS + 5)]
    for document in documents:
        (error,) = graphql(world.tenant, document)["errors"]
        assert "Cannot query field" in error["message"]
    assert parsed().currsize == validated().currsize == CACHED_DOCUMENTS
    misses = parsed().misses
    graphql(world.tenant, documents[0])  # the least recently used: no longer kept
    assert parsed().misses == misses + 1
    graphql(world.tenant, documents[-1])
    assert parsed().misses == misses + 1


def test_a_long_document_is_not_kept(world: World) -> None:
    document = "{ me { " + "kind " * (CACHED_DOCUMENT_CHARS // 5) + "} }"
    assert len(document) > CACHED_DOCUMENT_CHARS
    before = parsed(), validated()
    for _ in range(2):
        assert data(world.tenant, document)["me"]["kind"]
    assert (parsed(), validated()) == before


def test_a_strangers_document_is_never_parsed(world: World) -> None:
    before = parsed(), validated()
    response = world.tenant.http.post("/graphql", json={"query": "{ me { kind } }"})
    assert response.status_code == 401
    assert (parsed(), validated()) == before


def test_a_verdict_is_kept_for_the_very_document_the_parser_cache_handed_out() -> None:
    first, again = parse("{ me { kind } }"), parse("{ me { kind } }")
    assert first == again  # graphql-core compares nodes by value, walking all of them
    assert ParsedDocument(first) == ParsedDocument(first)
    assert hash(ParsedDocument(first)) == hash(ParsedDocument(first))
    assert ParsedDocument(first) != ParsedDocument(again)
