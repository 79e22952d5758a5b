"""Every update model's NOT_NULL fields refuse an explicit null the same way on REST and
GraphQL: `null_field`, the field named, nothing changed."""

from __future__ import annotations

import re
from typing import Any

import pytest

from app.api.contract import openapi_document
from app.api.schemas.common import NULL_FIELD, Changes
from tests.graphql.client import data
from tests.support.changes import models_with_not_null_fields
from tests.support.tenants import World, snapshot

PATCHES = {
    operation["patch"]["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit(
        "/", 1
    )[1]: path
    for path, operation in openapi_document()["paths"].items()
    if "patch" in operation
}
# The GraphQL mutation that reads each update model, and the path parameter naming its
# target (None: the organization's one record). REST only: webhook endpoints.
MUTATIONS: dict[str, tuple[str, str | None] | None] = {
    "AgendaItemUpdate": ("updateAgendaItem", "item_id"),
    "CommitmentUpdate": ("updateCommitment", "commitment_id"),
    "MeetingUpdate": ("rescheduleMeeting", "meeting_id"),
    "PairUpdate": ("updatePair", "pair_id"),
    "PersonUpdate": ("updatePerson", "person_id"),
    "PolicyUpdate": ("updatePolicy", None),
    "TemplateUpdate": ("updateTemplate", "template_id"),
    "WebhookEndpointUpdate": None,
}
MODELS = models_with_not_null_fields()


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def test_the_table_names_every_model_with_fields_that_cannot_be_cleared() -> None:
    assert sorted(MUTATIONS) == sorted(model.__name__ for model in MODELS)


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_null_is_refused_alike_on_rest_and_graphql(world: World, model: type[Changes]) -> None:
    ids = world.ids()
    url = re.sub(r"\{(\w+)\}", lambda name: ids[name.group(1)], PATCHES[model.__name__])
    before = snapshot(world)
    mutation = MUTATIONS[model.__name__]
    for name in model.not_null_fields():
        refused = world.tenant.call("PATCH", url, json={name: None})
        assert refused.status_code == 422, (name, refused.text)
        problem = refused.json()
        assert problem["code"] == NULL_FIELD, problem
        assert problem["detail"].startswith(f"{name}: cannot be null"), problem
        assert problem["errors"] == [
            {"field": name, "message": problem["detail"][len(name) + 2 :], "code": NULL_FIELD}
        ]
        if mutation is not None:
            outcome = _graphql_null(world, *mutation, ids, _camel(name))
            assert outcome == {
                "__typename": "ValidationProblem",
                "code": NULL_FIELD,
                "field": _camel(name),
            }, (name, outcome)
    assert snapshot(world) == before


def _graphql_null(
    world: World, mutation: str, target: str | None, ids: dict[str, str], field: str
) -> Any:
    target_field = "" if target is None else f'id: "{ids[target]}", '
    result = data(
        world.tenant,
        f"""mutation {{ {mutation}(input: {{{target_field}{field}: null}}) {{ __typename
          ... on Problem {{ code }} ... on ValidationProblem {{ field }} }} }}""",
    )
    return result[mutation]
