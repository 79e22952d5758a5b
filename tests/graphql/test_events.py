"""GraphQL mutations make events like REST writes: in the request's transaction, and
nothing of a refused mutation."""

from __future__ import annotations

from typing import Any

from app.domain.access import Scope
from tests.graphql.client import data
from tests.support.events_feed import at_least, events_page, listed
from tests.support.tenants import Tenant

CREATE = """mutation($a: String!, $b: String!) {
  first: createPerson(input: {email: $a, name: "First"}) { __typename }
  twin: createPerson(input: {email: $b, name: "Twin"}) { __typename }
}"""


def _created(tenant: Tenant, key: str, cursor: str) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = events_page(tenant, key, types="person.created", after=cursor)[
        "data"
    ]
    return events


def test_a_mutation_makes_its_event_and_a_refused_one_none(tenant: Tenant) -> None:
    key = tenant.key(Scope.WEBHOOKS, Scope.PEOPLE_READ)
    cursor = events_page(tenant, key)["next_cursor"]
    taken = tenant.person()
    listed(tenant, at_least(1), key, limit=200, types="person.created", after=cursor)
    cursor = events_page(tenant, key, after=cursor)["next_cursor"]

    answered = data(tenant, CREATE, {"a": "made-by-graphql@example.com", "b": taken["email"]})
    assert answered == {
        "first": {"__typename": "PersonSuccess"},
        "twin": {"__typename": "StateConflictProblem"},
    }
    listed(tenant, at_least(1), key, limit=200, types="person.created", after=cursor)
    (event,) = _created(tenant, key, cursor)
    assert event["data"]["email"] == "made-by-graphql@example.com"
