"""Queries executed level by level (app.api.graphql.levels) answer exactly what graphql-core
answers: the same data, the same errors at the same paths, for every kind of caller; a
query that needs graphql-core's own answer gets it."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Sequence
from typing import Any

import pytest
from prometheus_client import REGISTRY

from app.api.graphql import loaders, schema, settling
from app.api.graphql.decorators import RESOLVED_FOR_ALL_PARENTS
from app.api.graphql.levels import NotAnsweredHere
from app.domain.access import Scope
from tests.conftest import Live
from tests.graphql.client import graphql
from tests.graphql.seeding import private_note, seed_pairs
from tests.support.tenants import World

SCREEN = """
query Screen {
  pairs(first: 20) {
    nodes {
      id
      meetings(first: 5, newestFirst: true) {
        nodes {
          id startsAt status
          followUp { id title }
          agendaItems { nodes { id title } }
          notes { nodes { id body visibility authorId } }
        }
      }
      commitments(status: OPEN) { nodes { id title status } }
    }
  }
}
"""

# Fragments named and inline, aliases, __typename, a field asked twice, @skip and @include
# with variables, edges, cursors and pageInfo, variables as arguments, enums and nulls.
SHAPES = """
fragment MeetingParts on Meeting { id startsAt durationMinutes canceledAt __typename }
query Shapes($first: Int!, $withNotes: Boolean!, $status: CommitmentStatus) {
  me { kind organizationId person { id name } }
  first: pairs(first: $first) {
    edges {
      cursor
      node {
        __typename id leadId version
        lead { id name email }
        member { ... on Person { id name } }
        cadence { state }
        meetings(first: 3) {
          pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
          edges { cursor node { ...MeetingParts id } }
          nodes {
            ...MeetingParts
            renamed: id
            notes(first: 2) @include(if: $withNotes) { nodes { id body } }
            agendaItems @skip(if: $withNotes) { nodes { title } }
          }
        }
        commitments(status: $status) { nodes { id title ownerId dueOn } }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
  again: pairs(first: 1) { nodes { id } }
}
"""

ONE_MEETING = """
query Meeting($id: UUID!) {
  meeting(id: $id) { id startsAt status followUp { id title } pair { id member { name } } }
  missing: meeting(id: "00000000-0000-4000-8000-000000000000") { id }
}
"""


PRIVATE = "Only mine"


def _executed(execution: str) -> float:
    value = REGISTRY.get_sample_value("rapport_graphql_queries_total", {"execution": execution})
    return value or 0.0


def _by_graphql_core(monkeypatch: pytest.MonkeyPatch) -> None:
    async def not_here(*_: Any) -> dict[str, Any]:
        raise NotAnsweredHere("graphql-core only, for the comparison")

    monkeypatch.setattr(settling, "execute_by_level", not_here)


def _both_ways(
    world: World,
    monkeypatch: pytest.MonkeyPatch,
    query: str,
    variables: dict[str, Any] | None,
    key: str,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The answer by level, then graphql-core's (the same request, the same clock)."""
    by_level = graphql(world.tenant, query, variables, key=key)
    with monkeypatch.context() as patch:
        _by_graphql_core(patch)
        by_graphql_core = graphql(world.tenant, query, variables, key=key)
    return by_level, by_graphql_core


def test_every_caller_gets_graphql_cores_answer_by_level(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    world.enter()
    seed_pairs(world.tenant, 3)
    lead, member, boss = (world.token(p) for p in (world.lead, world.member, world.boss))
    private_note(world, lead, PRIVATE)
    private_note(world, member, PRIVATE)
    callers = {
        "admin key": world.tenant.admin_key,
        "lead": lead,
        "member": member,
        "manager above the lead": boss,
        "reader key": world.tenant.key(
            Scope.PEOPLE_READ, Scope.PAIRS_READ, Scope.MEETINGS_READ, Scope.CONTENT_READ
        ),
    }
    documents = [
        (SCREEN, None),
        (SHAPES, {"first": 4, "withNotes": True, "status": "OPEN"}),
        (SHAPES, {"first": 2, "withNotes": False, "status": None}),
        (ONE_MEETING, {"id": world.meeting["id"]}),
    ]
    for caller, key in callers.items():
        for query, variables in documents:
            before = _executed("by_level")
            by_level, by_graphql_core = _both_ways(world, monkeypatch, query, variables, key)
            assert "errors" not in by_level, (caller, by_level)
            assert by_level == by_graphql_core, caller
            assert _executed("by_level") == before + 1, caller


def test_private_notes_stay_their_authors_by_level(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    world.enter()
    lead, member = world.token(world.lead), world.token(world.member)
    private_note(world, lead, PRIVATE)
    query = "query($id: UUID!) { meeting(id: $id) { notes { nodes { body authorId } } } }"
    for reader, sees_it in ((lead, True), (member, False), (world.tenant.admin_key, False)):
        by_level, by_graphql_core = _both_ways(
            world, monkeypatch, query, {"id": world.meeting["id"]}, reader
        )
        assert by_level == by_graphql_core
        bodies = [note["body"] for note in by_level["data"]["meeting"]["notes"]["nodes"]]
        assert bodies and (PRIVATE in bodies) is sees_it


def test_a_field_that_fails_gets_graphql_cores_partial_answer(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A nested field refused (a key without people:read asks for a pair's lead): the rest
    of the answer stands, the error names the field's path, as graphql-core says."""
    world.enter()
    key = world.tenant.key(Scope.PAIRS_READ, Scope.MEETINGS_READ)
    query = "{ pairs(first: 2) { nodes { id lead { name } meetings(first: 1) { nodes { id } } } } }"
    before = _executed("graphql_core")
    by_level, by_graphql_core = _both_ways(world, monkeypatch, query, None, key)
    assert by_level == by_graphql_core
    assert _executed("graphql_core") == before + 2  # the attempt by level, then the comparison
    (error, *_) = by_level["errors"]
    assert error["extensions"]["code"] == "insufficient_scope"
    assert error["path"] == ["pairs", "nodes", 0, "lead"]
    assert by_level["data"]["pairs"]["nodes"][0]["lead"] is None
    assert all(
        pair["id"] and pair["meetings"] is not None for pair in by_level["data"]["pairs"]["nodes"]
    )


def test_introspection_is_graphql_cores(world: World) -> None:
    before = _executed("graphql_core")
    answer = graphql(world.tenant, "{ __schema { queryType { name } } me { kind } }")
    assert answer["data"] == {
        "__schema": {"queryType": {"name": "Query"}},
        "me": {"kind": "service_key"},
    }
    assert _executed("graphql_core") == before + 1


def test_a_level_costs_one_statement_per_kind_of_record(live: Live) -> None:
    """The screen by level: the organization's scope (PostgreSQL), the page of pairs, then
    one statement for each nested list of all the pairs (meetings, commitments, agenda
    items, notes, follow-up), whatever the number of pairs."""
    tenant = live.tenant()
    seed_pairs(tenant, 12)
    graphql(tenant, "{ me { kind } }")  # the key is verified and cached
    before = _executed("by_level")
    with live.statements.measure() as counter:
        answer = graphql(tenant, SCREEN)
    assert "errors" not in answer and len(answer["data"]["pairs"]["nodes"]) == 12
    assert _executed("by_level") == before + 1
    nested = counter.count - (1 if live.dialect == "postgresql" else 0)
    assert nested <= 7, counter.statements


def test_a_level_resolves_each_nested_list_once_for_all_its_parents(
    live: Live, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every nested field of the screen has a form for many parents: its loader receives
    the keys of all the field's parents at once (one call for meetings, commitments,
    follow-up, agenda items and notes each), not a coroutine, a task and a load per
    parent."""
    tenant = live.tenant()
    seed_pairs(tenant, 4)
    batches: list[list[Any]] = []
    load_together = loaders.DataLoader.load_together

    def counted(self: loaders.DataLoader[Any, Any], keys: Sequence[Any]) -> Awaitable[list[Any]]:
        batches.append(list(keys))
        return load_together(self, keys)

    monkeypatch.setattr(loaders.DataLoader, "load_together", counted)
    before = _executed("by_level")
    answer = graphql(tenant, SCREEN)
    pairs = answer["data"]["pairs"]["nodes"]
    assert "errors" not in answer and len(pairs) == 4
    assert _executed("by_level") == before + 1
    meetings = sum(len(pair["meetings"]["nodes"]) for pair in pairs)
    assert sorted(len(keys) for keys in batches) == [4, 4, meetings, meetings, meetings]


def test_a_fields_form_for_many_parents_takes_the_methods_arguments() -> None:
    """The level executor calls the form for many parents with the arguments it would give
    the method: the same names, kinds and defaults after the parent(s)."""
    schema.build_schema()  # every type declared, its resolvers registered
    assert len(RESOLVED_FOR_ALL_PARENTS) >= 15
    for method, for_all_parents in RESOLVED_FOR_ALL_PARENTS.items():
        assert callable(method)
        _, *per_parent = inspect.signature(method).parameters.values()
        _, *together = inspect.signature(for_all_parents).parameters.values()
        described = [(p.name, p.kind, p.default) for p in per_parent]
        assert described == [(p.name, p.kind, p.default) for p in together], method
