"""Inputs derived from the shared models keep PATCH semantics: a field left out of an
update is not changed, an explicit null clears it where it can be cleared, and an update
that sends nothing is refused as REST refuses an empty body."""

from __future__ import annotations

from typing import Any

from tests.graphql.client import data
from tests.support.tenants import World

UPDATE = """mutation($input: UpdatePersonInput!) { updatePerson(input: $input) {
  __typename ... on Problem { code }
  ... on PersonSuccess { person { name email externalId } } } }"""


def _update(world: World, **fields: Any) -> Any:
    (outcome,) = data(world.tenant, UPDATE, {"input": fields}).values()
    return outcome


def test_a_field_left_out_keeps_its_value_and_null_clears_it(world: World) -> None:
    created = data(
        world.tenant,
        """mutation { createPerson(input: {email: "kept@example.com", name: "Kept",
          externalId: "ext-1"}) { ... on PersonSuccess { person { id } } } }""",
    )
    person_id = created["createPerson"]["person"]["id"]

    renamed = _update(world, id=person_id, name="Renamed")
    assert renamed["person"] == {
        "name": "Renamed",
        "email": "kept@example.com",
        "externalId": "ext-1",
    }
    cleared = _update(world, id=person_id, externalId=None)
    assert cleared["person"] == {
        "name": "Renamed",
        "email": "kept@example.com",
        "externalId": None,
    }


def test_an_update_that_sends_nothing_is_refused(world: World) -> None:
    refused = _update(world, id=world.member["id"])
    assert (refused["__typename"], refused["code"]) == ("ValidationProblem", "nothing_to_change")
