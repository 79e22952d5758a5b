"""A nested graph costs a constant number of SQL statements, whatever the page size."""

from __future__ import annotations

from typing import Any

from app.domain.access import Scope
from tests.conftest import Live
from tests.graphql.client import data
from tests.graphql.seeding import seed_pairs
from tests.support.tenants import Tenant, World

NESTED = """
query Dashboard($pairs: Int!) {
  pairs(first: $pairs) {
    edges {
      node {
        id
        meetings(first: 5, newestFirst: true) {
          edges {
            node {
              id
              startsAt
              agendaItems { nodes { id title } }
              notes { nodes { id body } }
              followUp { id title }
            }
          }
        }
        commitments(status: OPEN) { nodes { id title } }
      }
    }
  }
}
"""


def _fetch(live: Live, tenant: Tenant, key: str, pairs: int) -> tuple[int, dict[str, Any]]:
    data(tenant, "{ me { kind } }", key=key)  # the key is verified and cached
    with live.statements.measure() as counter:
        result = data(tenant, NESTED, {"pairs": pairs}, key=key)
    return counter.count, result


def test_fifty_pairs_with_their_meetings_and_content_cost_a_constant(live: Live) -> None:
    small, large = live.tenant(), live.tenant()
    seed_pairs(small, 2)
    seed_pairs(large, 50)
    reader = (Scope.PAIRS_READ, Scope.MEETINGS_READ, Scope.CONTENT_READ)

    small_count, small_data = _fetch(live, small, small.key(*reader), 50)
    large_count, large_data = _fetch(live, large, large.key(*reader), 50)

    pairs = large_data["pairs"]["edges"]
    assert len(pairs) == 50 and len(small_data["pairs"]["edges"]) == 2
    for edge in pairs:
        meetings = edge["node"]["meetings"]["edges"]
        assert len(meetings) == 5
        assert all(len(m["node"]["agendaItems"]["nodes"]) == 1 for m in meetings)
        assert all(len(m["node"]["notes"]["nodes"]) == 1 for m in meetings)
        assert all(len(m["node"]["followUp"]) == 1 for m in meetings)
        assert len(edge["node"]["commitments"]["nodes"]) == 1
    assert large_count == small_count, (small_count, large_count)
    # The organization's scope (PostgreSQL), the page of pairs, one statement per nested
    # list (meetings, agenda items, notes, follow-up, commitments); the audit line of a
    # key's content read is written off the request path.
    assert large_count <= 8


FOLLOW_UP = "query($id: UUID!) { meeting(id: $id) { id followUp { id title } } }"
FOLLOW_UP_IN_A_FRAGMENT = """
query($id: UUID!) { meeting(id: $id) { ...WithFollowUp } }
fragment WithFollowUp on Meeting { id ... on Meeting { followUp { id title } } }
"""
FOLLOW_UP_IF = """
query($id: UUID!, $with: Boolean!) {
  meeting(id: $id) { id followUp @include(if: $with) { id title } }
}
"""


def test_one_meeting_by_id_reads_its_follow_up_with_it(live: Live, world: World) -> None:
    """Asked for outright or through fragments, the follow-up is read in the meeting's
    statement; behind @include the execution decides, and it is read apart."""
    tenant, meeting_id = world.tenant, world.meeting["id"]
    reader = tenant.key(Scope.MEETINGS_READ, Scope.CONTENT_READ)
    data(tenant, "{ me { kind } }", key=reader)  # the key is verified and cached

    def measured(query: str, variables: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with live.statements.measure() as counter:
            answer = data(tenant, query, {"id": meeting_id, **variables}, key=reader)
        return counter.count, answer

    outright, answer = measured(FOLLOW_UP, {})
    in_a_fragment, through_fragments = measured(FOLLOW_UP_IN_A_FRAGMENT, {})
    included, with_directive = measured(FOLLOW_UP_IF, {"with": True})
    left_out, without = measured(FOLLOW_UP_IF, {"with": False})

    assert [c["title"] for c in answer["meeting"]["followUp"]] == ["Draft the proposal"]
    assert through_fragments == answer and with_directive == answer
    assert without == {"meeting": {"id": meeting_id}}
    assert in_a_fragment == outright and left_out == outright
    assert included == outright + 1  # the follow-up's own statement


def test_a_meeting_outside_the_persons_pairs_is_null_with_its_follow_up(world: World) -> None:
    token = world.token(world.outsider)
    answer = data(world.tenant, FOLLOW_UP, {"id": world.meeting["id"]}, key=token)
    assert answer == {"meeting": None}
